#include "explode.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "json_raw.h"

namespace clusterproc {
namespace {

std::vector<std::string> members(const std::string& text) {
  std::vector<std::string> out;
  RawObjectCursor c(text, rawSkipSpace(text, 0));
  std::string_view k, v;
  while (c.next(k, v)) out.push_back(std::string(k) + "=" + std::string(v));
  return out;
}

std::vector<std::string> elements(const std::string& text) {
  std::vector<std::string> out;
  RawArrayCursor c(text, rawSkipSpace(text, 0));
  std::string_view v;
  while (c.next(v)) out.emplace_back(v);
  return out;
}

/// Every record the paths make of text, as "text" strings.
std::vector<std::string> explode(const std::vector<std::string>& paths,
                                 const std::string& text) {
  std::vector<ExplodePath> compiled;
  for (const std::string& p : paths) {
    Result<ExplodePath> r = parseExplodePath(p);
    REQUIRE(r.ok());
    compiled.push_back(r.value());
  }
  Exploder exploder(compiled);
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(text).value();
  std::vector<std::string> out;
  exploder.each(root, text, [&](simdjson::dom::element r, std::string_view t) {
    // The element and the text agree.
    simdjson::dom::parser check;
    CHECK(simdjson::minify(check.parse(std::string(t)).value()) ==
          simdjson::minify(r));
    out.emplace_back(t);
  });
  return out;
}

TEST_CASE("json_raw: object members keep their bytes") {
  CHECK(members(R"({ "a" : 1.50 , "b":"x\"y" ,"c" :{"d":[1, 2]},"e":null})") ==
        std::vector<std::string>{"\"a\"=1.50", R"("b"="x\"y")",
                                 R"("c"={"d":[1, 2]})", "\"e\"=null"});
  CHECK(members("{}").empty());
  CHECK(members(" { } ").empty());
  CHECK(members(R"({"k\\":"v\\\\","\u00e9":1e400})") ==
        std::vector<std::string>{R"("k\\"="v\\\\")", "\"\\u00e9\"=1e400"});
  CHECK(members(R"({"a":"]}","b":["}",{"c":"{"}]})") ==
        std::vector<std::string>{R"("a"="]}")", R"("b"=["}",{"c":"{"}])"});
}

TEST_CASE("json_raw: array elements and value ends") {
  CHECK(elements("[1, \"a,b\" ,[2,[3]],{\"x\":[]},true,-0.0e+1]") ==
        std::vector<std::string>{"1", "\"a,b\"", "[2,[3]]", "{\"x\":[]}",
                                 "true", "-0.0e+1"});
  CHECK(elements("[ ]").empty());
  CHECK(elements("[\t]").empty());
  const std::string t = R"(["\\", "\\\"", 12345678901234567890123])";
  CHECK(elements(t) == std::vector<std::string>{R"("\\")", R"("\\\"")",
                                                "12345678901234567890123"});
  CHECK(rawValueEnd("123 ", 0) == 3);
  CHECK(rawValueEnd("\"ab\"x", 0) == 4);
  CHECK(rawValueEnd("{\"a\":{}}, 1", 0) == 8);
}

TEST_CASE("explode: paths are parsed as the expression language writes them") {
  auto steps = [](const std::string& text) {
    Result<ExplodePath> r = parseExplodePath(text);
    REQUIRE(r.ok());
    std::string out;
    for (const ExplodePath::Step& s : r.value().steps) {
      out += s.is_index ? "[" + std::to_string(s.index) + "]" : "/" + s.key;
    }
    return out;
  };
  CHECK(steps("tags") == "/tags");
  CHECK(steps(".a.b") == "/a/b");
  CHECK(steps("items[0].tags") == "/items[0]/tags");
  CHECK(steps("a[-1]") == "/a[-1]");
  CHECK(steps(".[\"key with space\"]") == "/key with space");
  CHECK(steps(".") == "");
  for (const char* bad :
       {"tags + 1", "len(tags)", "a[i]", "'tags'", "", "a.", "tags tags"}) {
    Result<ExplodePath> r = parseExplodePath(bad);
    CHECK_FALSE(r.ok());
    CHECK(r.status().code() == ExitCode::kUsage);
    CHECK(r.status().message().find("--explode") != std::string::npos);
  }
  Result<ExplodePath> r = parseExplodePath("tags + 1");
  CHECK(r.status().message() ==
        "error in --explode at column 1: expected a path of keys and indexes "
        "to an array "
        "(tags, .a.b, items[0].tags)");
}

TEST_CASE("explode: one record per element, the rest unchanged") {
  CHECK(
      explode({"tags"}, R"({"id": 1.50, "tags": ["a", {"b" : 2}], "z":1e2})") ==
      std::vector<std::string>{R"({"id": 1.50, "tags": "a", "z":1e2})",
                               R"({"id": 1.50, "tags": {"b" : 2}, "z":1e2})"});
}

TEST_CASE(
    "explode: null, missing and empty arrays give no record; others are kept") {
  CHECK(explode({"tags"}, R"({"tags":[]})").empty());
  CHECK(explode({"tags"}, R"({"tags":[ ]})").empty());
  CHECK(explode({"tags"}, R"({"tags":null})").empty());
  CHECK(explode({"tags"}, R"({"x":1})").empty());
  CHECK(explode({"tags"}, R"([1,2])").empty());
  CHECK(explode({"tags"}, R"({"tags":"a"})") ==
        std::vector<std::string>{R"({"tags":"a"})"});
  CHECK(explode({"tags"}, R"({"tags":{"a":[1]}})") ==
        std::vector<std::string>{R"({"tags":{"a":[1]}})"});
  CHECK(explode({"tags"}, R"({"tags":0})") ==
        std::vector<std::string>{R"({"tags":0})"});
}

TEST_CASE("explode: nested paths, indexes and the record itself") {
  CHECK(explode({"a.b"}, R"({"a":{"x":[9],"b":[1,2]},"b":[7]})") ==
        std::vector<std::string>{R"({"a":{"x":[9],"b":1},"b":[7]})",
                                 R"({"a":{"x":[9],"b":2},"b":[7]})"});
  CHECK(explode({"a[-1]"}, R"({"a":[[0],[1,2]]})") ==
        std::vector<std::string>{R"({"a":[[0],1]})", R"({"a":[[0],2]})"});
  CHECK(explode({"a[5]"}, R"({"a":[[0],[1,2]]})").empty());
  CHECK(explode({"."}, R"( [1, {"a":2}] )") ==
        std::vector<std::string>{" 1 ", R"( {"a":2} )"});
  // Duplicate keys: the first member of the name, as paths read it.
  CHECK(explode({"a"}, R"({"a":[1],"a":[2,3]})") ==
        std::vector<std::string>{R"({"a":1,"a":[2,3]})"});
  // A key spelled with an escape.
  CHECK(explode({".[\"é\"]"}, R"({"\u00e9":[1,2]})") ==
        std::vector<std::string>{R"({"\u00e9":1})", R"({"\u00e9":2})"});
}

TEST_CASE("explode: several paths give the product, the first one outermost") {
  CHECK(explode({"a", "b"}, R"({"a":[1,2],"b":["x","y"]})") ==
        std::vector<std::string>{R"({"a":1,"b":"x"})", R"({"a":1,"b":"y"})",
                                 R"({"a":2,"b":"x"})", R"({"a":2,"b":"y"})"});
  // A later path can go into the element an earlier one produced.
  CHECK(
      explode(
          {"items", "items.tags"},
          R"({"items":[{"sku":1,"tags":["p","q"]},{"sku":2,"tags":[]},{"sku":3}]})") ==
      std::vector<std::string>{R"({"items":{"sku":1,"tags":"p"}})",
                               R"({"items":{"sku":1,"tags":"q"}})"});
  CHECK(explode({"a", "b"}, R"({"a":[1,2],"b":[]})").empty());
}

}  // namespace
}  // namespace clusterproc
