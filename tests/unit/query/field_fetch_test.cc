#include "field_fetch.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "json_write.h"

namespace clusterproc {
namespace {

std::unique_ptr<Expr> compile(const std::string& text) {
  auto r = parseExpr(text, "--group-by");
  REQUIRE(r.ok());
  return std::move(r.value());
}

/// A value's kind and JSON text: equal for fetch() and eval() exactly.
std::string spelled(const Value& v) {
  std::string out = std::to_string(static_cast<int>(v.kind)) + ":";
  appendValueJson(out, v);
  return out;
}

TEST_CASE("field_fetch: takes plain fields only") {
  FieldFetch fetch;
  Value v;
  for (const char* plain : {"host", ".host", ".[\"a b\"]", "latency_ms"}) {
    INFO(plain);
    CHECK(fetch.add(*compile(plain), &v));
  }
  for (const char* other : {".", ".a.b", ".a[0]", "lower(.host)", ".a + 1",
                            "[.a]", "\"host\"", ".[.k]", "(.a).b"}) {
    INFO(other);
    CHECK_FALSE(fetch.add(*compile(other), &v));
  }
}

TEST_CASE("field_fetch: one pass gives what eval() gives for each field") {
  const std::vector<std::string> keys = {
      "host", "bytes", "x", "missing", "a b", "", "dup", "obj", "arr", "n", "f",
      "t", "big",
      // Keys of 63 bytes and more share one length bit: compared in full.
      std::string(63, 'k'), std::string(64, 'k'), std::string(100, 'k')};
  const std::string k63(63, 'k'), k64(64, 'k'), k100(100, 'k'), j64(64, 'j'),
      k99(99, 'k');
  const std::vector<std::string> records = {
      R"({"host":"web-1","bytes":512,"x":null,"a b":1.5,"":"empty key","dup":1,"dup":2,)"
      R"("obj":{"k":[1,2]},"arr":[{"z":1},"s"],"n":-3,"f":false,"t":true,)"
      R"("big":18446744073709551615})",
      R"({"bytes":"not a number","host":{"nested":"host"}})",
      R"({})",
      R"([{"host":"in an array"}])",
      R"("a string record")",
      R"(42)",
      R"({"hos":1,"hostx":2,"HOST":3,"host":"last"})",
      "{\"" + j64 + "\":1,\"" + k99 + "\":2,\"" + k100 + "\":3,\"" + k64 +
          "\":4,\"" + k63 + "\":5}",
  };
  simdjson::dom::parser parser;
  for (const std::string& json : records) {
    INFO(json);
    simdjson::dom::element record = parser.parse(json).value();
    std::vector<std::unique_ptr<Expr>> exprs;
    std::vector<Value> fetched(keys.size());
    FieldFetch fetch;
    for (size_t i = 0; i < keys.size(); ++i) {
      exprs.push_back(compile(".[\"" + keys[i] + "\"]"));
      REQUIRE(fetch.add(*exprs.back(), &fetched[i]));
    }
    EvalArena fetch_arena;
    fetch.fetch(record, fetch_arena);
    for (size_t i = 0; i < keys.size(); ++i) {
      INFO("key " << keys[i]);
      EvalArena arena;
      CHECK(spelled(fetched[i]) == spelled(exprs[i]->eval(record, arena)));
    }
  }
}

TEST_CASE("field_fetch: values of the previous record do not linger") {
  simdjson::dom::parser parser;
  FieldFetch fetch;
  Value host;
  std::unique_ptr<Expr> e = compile("host");
  REQUIRE(fetch.add(*e, &host));
  EvalArena arena;
  fetch.fetch(parser.parse(std::string(R"({"host":"a"})")).value(), arena);
  CHECK(spelled(host) == spelled(Value::string("a")));
  fetch.fetch(parser.parse(std::string(R"({"other":"b"})")).value(), arena);
  CHECK(host.kind == ValueKind::kNull);
}

}  // namespace
}  // namespace clusterproc
