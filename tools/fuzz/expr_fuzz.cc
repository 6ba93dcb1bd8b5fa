// libFuzzer target: the expression parser on arbitrary text.
//
// The first byte picks the entry point (parseExpr for --where/--select,
// parseList with and without --sort's directions, parseAggList); the rest is
// the text. Each must return a value or a usage Status (exit code 1, a
// message "error in --OPTION at column N: ..." with N within the text + 1),
// never crash or hang (docs/expressions.md, "Errors"). A parsed expression is
// also evaluated against a small fixed record (deep nesting, big integers,
// regexes and string functions on real values), and test() must agree with
// truthy(eval()).

#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "expr.h"
#include "fuzz_check.h"
#include "value.h"

using namespace clusterproc;

namespace {

const char kRecord[] =
    R"({"a":{"b":7,"c":[10,20,30],"k":"v"},"s":"GET a,b","n":null,"f":-2.5,)"
    R"("i":-9223372036854775808,"u":18446744073709551615,"arr":[1,"x",[2],{"z":1}],)"
    R"("ts":"2024-03-01T00:00:00.276Z","":"empty","é":"Zoë"})";

// A usage error shaped as "error in OPTION at column N: what".
void checkError(const Status& s, std::string_view option, size_t text_size) {
  CHECK(!s.ok());
  CHECK(s.code() == ExitCode::kUsage);
  const std::string& m = s.message();
  std::string prefix = "error in " + std::string(option) + " at column ";
  if (m.compare(0, prefix.size(), prefix) != 0) {
    std::fprintf(stderr, "unexpected message shape: %s\n", m.c_str());
    std::abort();
  }
  size_t column = 0;
  size_t i = prefix.size();
  for (; i < m.size() && m[i] >= '0' && m[i] <= '9'; ++i) {
    column = column * 10 + static_cast<size_t>(m[i] - '0');
    CHECK(column <= text_size + 1);
  }
  CHECK(i > prefix.size());
  CHECK(column >= 1);
  CHECK(m.compare(i, 2, ": ") == 0 && m.size() > i + 2);
}

void evaluate(const Expr& e) {
  static simdjson::dom::parser parser;
  static simdjson::dom::element record =
      parser.parse(kRecord, sizeof kRecord - 1).value();
  static EvalArena arena;
  arena.clear();
  Value v = e.eval(record, arena);
  std::string json;
  appendValueJson(json, v);
  CHECK(e.test(record, arena) == truthy(v));
  CHECK(!e.name().empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size < 1 || size > 4096) return 0;
  std::string_view text(reinterpret_cast<const char*>(bytes) + 1, size - 1);
  // A copy with no slack, so reads past the end are caught.
  std::vector<char> copy(text.begin(), text.end());
  text = std::string_view(copy.data(), copy.size());
  switch (bytes[0] % 4) {
    case 0: {
      Result<std::unique_ptr<Expr>> r = parseExpr(text, "--where");
      if (!r.ok()) {
        checkError(r.status(), "--where", text.size());
      } else {
        evaluate(*r.value());
      }
      break;
    }
    case 1:
    case 2: {
      bool sort = bytes[0] % 4 == 2;
      const char* option = sort ? "--sort" : "--select";
      Result<std::vector<ListItem>> r = parseList(text, option, sort);
      if (!r.ok()) {
        checkError(r.status(), option, text.size());
      } else {
        for (const ListItem& item : r.value()) {
          CHECK(item.expr != nullptr);
          CHECK(!item.name.empty());
          evaluate(*item.expr);
        }
      }
      break;
    }
    default: {
      Result<std::vector<AggCall>> r = parseAggList(text, "--agg");
      if (!r.ok()) {
        checkError(r.status(), "--agg", text.size());
      } else {
        for (const AggCall& call : r.value()) {
          CHECK(isAggregateName(call.func));
          CHECK(!call.name.empty());
          CHECK(call.arg != nullptr || call.func == "count");
          if (call.arg) evaluate(*call.arg);
        }
      }
      break;
    }
  }
  return 0;
}
