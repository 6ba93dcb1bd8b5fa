// Conditionals, the string functions that build text, the numeric
// functions, file() and line(), and the error messages that teach.

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <string>

#include "expr.h"
#include "expr_test_util.h"

using clusterproc::EvalArena;
using clusterproc::parseAggList;
using clusterproc::parseExpr;
using clusterproc::testing::checkJson;
using clusterproc::testing::Eval;
using clusterproc::testing::whereError;

namespace {

const char* kRecord =
    R"({"s":"  Hello, Wörld  ","host":"web-01.example.com","n":null,"i":53,
  "d":53.0,"x":2.5,"neg":-2.5,"tags":["a",null,1,true,{"k":"v"},"é"],"status":503,
  "path":"/api/v1/users/42","big":18446744073709551615})";

}  // namespace

TEST_CASE("if evaluates one branch by truthiness") {
  Eval e(kRecord);
  checkJson(e, {
                   {"if(status >= 500, 'error', 'ok')", R"("error")"},
                   {"if(n, 1, 2)", "2"},
                   {"if(0, 1, 2)", "1"},
                   {"if(missing, 1, n)", "null"},
               });
  CHECK(e.test("if(true, status == 503, false)"));
}

TEST_CASE("case picks the first condition that holds") {
  Eval e(kRecord);
  CHECK(e.json("case when status < 400 then 'ok' when status < 500 then "
               "'client' else 'server' "
               "end") == R"("server")");
  CHECK(e.json("CASE WHEN i > 100 THEN 'big' END") == "null");
  CHECK(e.json("Case When i > 10 Then 'mid' When i > 1 Then 'small' End") ==
        R"("mid")");
  CHECK(e.json("case when n then 1 else 2 end + 1") == "3");
  CHECK(e.json("case.when") == "null");  // a path: the word case alone is a key
}

TEST_CASE("case reports what it expected") {
  CHECK(whereError("case when a 1 end") ==
        "error in --where at column 13: expected 'then'");
  CHECK(whereError("case when a then 1") ==
        "error in --where at column 19: expected 'when', 'else' or 'end'");
}

TEST_CASE("replace rewrites every match with groups") {
  Eval e(kRecord);
  CHECK(e.json(R"(replace(path, '[0-9]+', 'N'))") == R"("/api/vN/users/N")");
  CHECK(e.json(R"(replace(host, '^([a-z]+)-(\\d+)', '\\2-\\1'))") ==
        R"("01-web.example.com")");
  checkJson(e, {
                   {R"(replace('aaa', 'a*', '-'))", R"("-")"},
                   {R"(replace('abc', 'x*', '-'))", R"("-a-b-c-")"},
                   {R"(replace('héllo', '', '.'))", R"(".h.é.l.l.o.")"},
                   {R"(replace('abc', 'z', 'y'))", R"("abc")"},
                   {R"(replace(i, '5', '6'))", "null"},
               });
}

TEST_CASE("extract gives the first match or a group, null without one") {
  Eval e(kRecord);
  checkJson(e, {
                   {R"(extract(path, '[0-9]+'))", R"("1")"},
                   {R"(extract(path, '/users/([0-9]+)', 1))", R"("42")"},
                   {R"(extract(path, 'nothing'))", "null"},
                   {R"(extract(path, '(x)?api', 1))", "null"},
                   {R"(extract(n, 'a'))", "null"},
               });
}

TEST_CASE("regex arguments are checked when parsed") {
  CHECK(whereError("replace(s, r, 'x')") ==
        "error in --where at column 12: replace() takes its regex as a "
        "constant string");
  CHECK(whereError("extract(s, '(a')")
            .starts_with(
                "error in --where at column 12: invalid regex: missing )"));
  CHECK(whereError("extract(s, '(a)', 2)") ==
        "error in --where at column 19: extract() takes a constant group "
        "number from 0 to 1 "
        "for this regex");
  CHECK(whereError("replace(s, '(a)', '\\\\2')") ==
        "error in --where at column 19: invalid replacement: Rewrite schema "
        "requests 2 matches, "
        "but the regexp only has 1 parenthesized subexpressions.");
}

TEST_CASE("trim, ltrim and rtrim remove white space or given characters") {
  Eval e(kRecord);
  checkJson(e, {
                   {"trim(s)", R"("Hello, Wörld")"},
                   {"ltrim(s)", R"("Hello, Wörld  ")"},
                   {"rtrim(s)", R"("  Hello, Wörld")"},
                   {"trim('xxabcxyx', 'xy')", R"("abc")"},
                   {"trim('ééaéé', 'é')", R"("a")"},
                   {"trim('\\t\\n a \\r')", R"("a")"},
                   {"trim(i)", "null"},
               });
}

TEST_CASE("join shows elements as text and null as empty") {
  Eval e(kRecord);
  checkJson(e, {
                   {"join(tags, ',')", R"("a,,1,true,{\"k\":\"v\"},é")"},
                   {"join(split('a/b', '/'), '-')", R"("a-b")"},
                   {"join([], ',')", R"("")"},
                   {"join(s, ',')", "null"},
               });
}

TEST_CASE("concat skips nulls and shows other values as text") {
  Eval e(kRecord);
  CHECK(e.json("concat('a', n, i, '-', x, true, missing)") ==
        R"("a53-2.5true")");
  CHECK(e.json("concat(n)") == R"("")");
}

TEST_CASE("round to digits rounds the exact value half away from zero") {
  Eval e(kRecord);
  checkJson(e, {
                   {"round(x, 0)", "3"},
                   {"round(neg, 0)", "-3"},
                   {"round(0.125, 2)", "0.13"},
                   {"round(-0.125, 2)", "-0.13"},
               });
  CHECK(e.json("round(1.005, 2)") == "1");  // 1.005 is 1.00499999999999989...
  checkJson(e, {
                   {"round(2.675, 2)", "2.67"},
                   {"round(9.995, 2)", "9.99"},
                   {"round(0.5, 0)", "1"},
                   {"round(99.95, 1)", "100"},
                   {"round(3.14159, 3)", "3.142"},
                   {"round(i, 2)", "53"},
                   {"round(1250, -2)", "1300"},
                   {"round(-1250, -2)", "-1300"},
                   {"round(1249, -2)", "1200"},
                   {"round(x, n)", "null"},
               });
}

TEST_CASE("log, ln, exp, sqrt and pow") {
  Eval e(kRecord);
  checkJson(e, {
                   {"log(1000)", "3"},
                   {"log(2, 1024)", "10"},
                   {"ln(1)", "0"},
                   {"exp(0)", "1"},
                   {"sqrt(16)", "4"},
                   {"pow(2, 10)", "1024"},
                   {"pow(2, 63)", "9223372036854775808"},
                   {"pow(2, 64)", "1.8446744073709552e+19"},
                   {"pow(-3, 3)", "-27"},
                   {"pow(4, 0.5)", "2"},
                   {"pow(2, -1)", "0.5"},
                   {"log(0)", "null"},
                   {"ln(-1)", "null"},
                   {"sqrt(-1)", "null"},
                   {"exp(1000)", "null"},
                   {"sqrt('4')", "null"},
               });
}

TEST_CASE("least and greatest ignore nulls and use the order of comparisons") {
  Eval e(kRecord);
  checkJson(e, {
                   {"least(3, 1.5, n, 2)", "1.5"},
                   {"greatest(3, 1.5, missing, 2)", "3"},
                   {"greatest(1, 'a', false)", R"("a")"},
                   {"least(1, 'a', false)", "false"},
                   {"least(n, missing)", "null"},
                   {"greatest(big, 1e30)", "1e+30"},
               });
}

TEST_CASE("hash is FNV-1a of the canonical JSON text, 63 bits") {
  Eval e(kRecord);
  // Python: h = 0xcbf29ce484222325; for b in b"53": h = ((h ^ b) *
  // 0x100000001b3) % 2**64; h >> 1
  CHECK(e.json("hash(i)") == "285273256176861324");
  CHECK(e.json("hash(d)") == e.json("hash(i)"));
  CHECK(e.json("hash('53')") != e.json("hash(i)"));
  CHECK(e.json("hash(n)") == e.json("hash(null)"));
  // The compact text ["a",null,1,true,{"k":"v"},"é"].
  CHECK(e.json("hash(tags)") == "9197194340368720832");
  CHECK(e.test("hash(host) % 100 >= 0"));
}

TEST_CASE("file and line read the record's origin from the arena") {
  simdjson::dom::parser parser;
  simdjson::dom::element rec = parser.parse(std::string(R"({"a":1})")).value();
  EvalArena arena;
  auto line = parseExpr("line()", "--select");
  auto file = parseExpr("file()", "--select");
  REQUIRE(line.ok());
  REQUIRE(file.ok());
  CHECK(line.value()->usesLine());
  CHECK_FALSE(file.value()->usesLine());
  CHECK(line.value()->eval(rec, arena).isNull());
  arena.origin().file = "logs/a.jsonl";
  arena.origin().line = 42;
  CHECK(line.value()->eval(rec, arena).i == 42);
  CHECK(file.value()->eval(rec, arena).s == "logs/a.jsonl");
  CHECK_FALSE(line.value()->isConstant());
}

TEST_CASE("and, or, not and in are keywords in any case") {
  Eval e(kRecord);
  CHECK(e.test("status == 503 AND i == 53"));
  CHECK(e.test("status == 1 Or NOT false"));
  CHECK(e.test("status IN [503]"));
}

TEST_CASE("in with parentheses suggests a list") {
  CHECK(whereError("status in (200, 201)") ==
        "error in --where at column 11: a list is written in square brackets: "
        "in [200, 201]");
  CHECK(whereError("status in (tags)") == "");
}

TEST_CASE("an unquoted name with a dash after a comparison suggests quotes") {
  CHECK(whereError("host == web-01") ==
        "error in --where at column 9: unexpected 'web-01' (a string is "
        "quoted: \"web-01\")");
  CHECK(whereError("host != db-2.example.com") ==
        "error in --where at column 9: unexpected 'db-2.example.com' (a string "
        "is quoted: "
        "\"db-2.example.com\")");
  CHECK(whereError("a == b - 1") == "");
}

TEST_CASE("an unknown function or aggregate lists the nearest names") {
  CHECK(whereError("lenght(x)") ==
        "error in --where at column 1: unknown function 'lenght' (did "
        "you mean len?)");
  CHECK(whereError("repalce(x, 'a', 'b')") ==
        "error in --where at column 1: unknown function 'repalce' (did you "
        "mean replace?)");
  CHECK(whereError("zzzzzz(x)") ==
        "error in --where at column 1: unknown function 'zzzzzz'");
  auto agg = parseAggList("cuont", "--agg");
  REQUIRE_FALSE(agg.ok());
  CHECK(agg.status().message() ==
        "error in --agg at column 1: unknown aggregate 'cuont' (did you mean "
        "count?)");
  auto q = parseAggList("quant(x, 0.5)", "--agg");
  REQUIRE_FALSE(q.ok());
  CHECK(q.status().message() ==
        "error in --agg at column 1: unknown aggregate 'quant' (did "
        "you mean quantile or quantile_exact?)");
}

TEST_CASE("count(*) is count") {
  auto r = parseAggList("count(*), COUNT( * ) as n", "--agg");
  REQUIRE(r.ok());
  REQUIRE(r.value().size() == 2);
  CHECK(r.value()[0].func == "count");
  CHECK(r.value()[0].arg == nullptr);
  CHECK(r.value()[0].name == "count(*)");
  CHECK(r.value()[1].arg == nullptr);
  CHECK(r.value()[1].name == "n");
}
