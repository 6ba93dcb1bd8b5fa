// The built-in functions of the expression language.

#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "expr.h"
#include "expr_test_util.h"
#include "json_write.h"

using clusterproc::EvalArena;
using clusterproc::Expr;
using clusterproc::parseExpr;
using clusterproc::Value;
using clusterproc::ValueKind;

namespace {

using clusterproc::testing::checkJson;
using clusterproc::testing::Eval;

const char* kRecord =
    R"({"name":"Łukasz","s":"GET","tags":["bot","v2"],"o":{"a":1,"b":2},
  "n":null,"i":-5,"d":-2.5,"path":"/api/v1/users/42","ts":"2024-03-01T00:00:00.276Z"})";

}  // namespace

TEST_CASE("len counts code points of strings and elements of containers") {
  Eval e(kRecord);
  checkJson(e, {
                   {"len(name)", "6"},
                   {"len('')", "0"},
                   {"len('\\ud83d\\ude00a')", "2"},
                   {"len(tags)", "2"},
                   {"len(o)", "2"},
                   {"len([1, [2, 3]])", "2"},
                   {"len(split('a,b,c', ','))", "3"},
               });
}

TEST_CASE("len of a number, a boolean or null is null") {
  Eval e(kRecord);
  checkJson(e, {
                   {"len(i)", "null"},
                   {"len(true)", "null"},
                   {"len(n)", "null"},
                   {"len(missing)", "null"},
               });
}

TEST_CASE("lower and upper map ASCII letters") {
  Eval e(kRecord);
  checkJson(e, {
                   {"lower(s)", R"("get")"},
                   {"upper('Hello, World 1')", R"("HELLO, WORLD 1")"},
                   {"lower('already')", R"("already")"},
               });
}

TEST_CASE("lower and upper map Latin, Greek and Cyrillic letters") {
  Eval e(kRecord);
  checkJson(e, {
                   {"upper(name)", R"("ŁUKASZ")"},
                   {"lower('ŁUKASZ')", R"("łukasz")"},
                   {"upper('ünïcödé ÿ')", R"("ÜNÏCÖDÉ Ÿ")"},
                   {"lower('ÀÉÎÕÜ Ÿ')", R"("àéîõü ÿ")"},
                   {"upper('σοφός')", R"("ΣΟΦΌΣ")"},
                   {"lower('ΣΟΦΌΣ')", R"("σοφόσ")"},
                   {"upper('привет ёж')", R"("ПРИВЕТ ЁЖ")"},
                   {"lower('ПРИВЕТ ЁЖ')", R"("привет ёж")"},
               });
}

TEST_CASE("letters whose other case has another length are kept") {
  Eval e;
  checkJson(e, {
                   {"upper('straße')", R"("STRAßE")"},
                   {"lower('İ')", R"("İ")"},
                   {"upper('日本')", R"("日本")"},
               });
}

TEST_CASE("lower and upper of a non-string are null") {
  Eval e(kRecord);
  CHECK(e.json("lower(i)") == "null");
  CHECK(e.json("upper(tags)") == "null");
}

TEST_CASE("contains tests substrings, and elements of arrays") {
  Eval e(kRecord);
  checkJson(e, {
                   {"contains(path, '/users/')", "true"},
                   {"contains(path, 'admin')", "false"},
                   {"contains(s, '')", "true"},
                   {"contains(tags, 'bot')", "true"},
                   {"contains(tags, 'x')", "false"},
                   {"contains([1, 2], 2.0)", "true"},
               });
}

TEST_CASE("contains with wrong types is null") {
  Eval e(kRecord);
  checkJson(e, {
                   {"contains(i, '5')", "null"},
                   {"contains(s, 1)", "null"},
                   {"contains(o, 'a')", "null"},
               });
}

TEST_CASE("starts_with and ends_with") {
  Eval e(kRecord);
  checkJson(e, {
                   {"starts_with(path, '/api/')", "true"},
                   {"starts_with(path, 'api')", "false"},
                   {"ends_with(path, '/42')", "true"},
                   {"ends_with(path, '/4')", "false"},
                   {"starts_with(i, '-')", "null"},
                   {"ends_with(s, n)", "null"},
               });
}

TEST_CASE("substr counts code points from a start") {
  Eval e(kRecord);
  checkJson(e, {
                   {"substr(name, 1)", R"("ukasz")"},
                   {"substr(name, 0, 2)", R"("Łu")"},
                   {"substr('abc', 1, 1)", R"("b")"},
                   {"substr('abc', 5)", R"("")"},
                   {"substr('abc', 1, 10)", R"("bc")"},
                   {"substr('abc', 1, 0)", R"("")"},
                   {"substr('abc', 1, -1)", R"("")"},
                   {"substr('abc', 1.9)", R"("bc")"},
               });
}

TEST_CASE("substr with a negative start counts from the end") {
  Eval e(kRecord);
  checkJson(e, {
                   {"substr(name, -5)", R"("ukasz")"},
                   {"substr(name, -6, 1)", R"("Ł")"},
                   {"substr('abc', -10)", R"("abc")"},
                   {"substr('abc', -1)", R"("c")"},
               });
}

TEST_CASE("substr with wrong types is null") {
  Eval e(kRecord);
  checkJson(e, {
                   {"substr(i, 0)", "null"},
                   {"substr(s, '1')", "null"},
                   {"substr(s, 0, n)", "null"},
               });
}

TEST_CASE("split makes an array of strings") {
  Eval e(kRecord);
  checkJson(e, {
                   {"split('a,b,,c', ',')", R"(["a","b","","c"])"},
                   {"split(path, '/')", R"(["","api","v1","users","42"])"},
                   {"split('abc', '--')", R"(["abc"])"},
                   {"split('', ',')", R"([""])"},
                   {"split('a--b', '--')", R"(["a","b"])"},
                   {"split('x\"y', 'q')", R"(["x\"y"])"},
               });
  CHECK(e.eval("split('a', ',')").kind == ValueKind::kArray);
}

TEST_CASE("split with an empty separator splits code points") {
  Eval e(kRecord);
  CHECK(e.json("split('Łu', '')") == R"(["Ł","u"])");
  CHECK(e.json("split('', '')") == "[]");
}

TEST_CASE("an index of split() picks a piece") {
  Eval e(kRecord);
  checkJson(e, {
                   {"split(path, '/')[2]", R"("v1")"},
                   {"split(path, '/')[-1]", R"("42")"},
                   {"split(path, '/')[-5]", R"("")"},
                   {"split(path, '/')[-6]", "null"},
                   {"split(path, '/')[5]", "null"},
                   {"split(name, '')[0]", R"("Ł")"},
                   {"split(name, '')[-1]", R"("z")"},
                   {"split(path, '/')[1 + 1]", R"("v1")"},
                   {"split(i, '/')[0]", "null"},
               });
}

TEST_CASE("split with wrong types is null") {
  Eval e(kRecord);
  CHECK(e.json("split(i, ',')") == "null");
  CHECK(e.json("split(s, 1)") == "null");
}

TEST_CASE("exists is true for present paths, even when null") {
  Eval e(kRecord);
  checkJson(e, {
                   {"exists(n)", "true"},
                   {"exists(.o.a)", "true"},
                   {"exists(tags[1])", "true"},
                   {"exists(tags[-2])", "true"},
                   {"exists(.)", "true"},
               });
}

TEST_CASE("exists is false for missing paths") {
  Eval e(kRecord);
  checkJson(e, {
                   {"exists(missing)", "false"},
                   {"exists(o.c)", "false"},
                   {"exists(tags[2])", "false"},
                   {"exists(n.x)", "false"},
                   {"exists(s.x)", "false"},
               });
}

TEST_CASE("is_null is true for null and missing values") {
  Eval e(kRecord);
  checkJson(e, {
                   {"is_null(n)", "true"},
                   {"is_null(missing)", "true"},
                   {"is_null(0)", "false"},
                   {"is_null(false)", "false"},
               });
}

TEST_CASE("coalesce gives the first argument that is not null") {
  Eval e(kRecord);
  checkJson(e, {
                   {"coalesce(n, missing, s, 1)", R"("GET")"},
                   {"coalesce(n)", "null"},
                   {"coalesce(false, 1)", "false"},
                   {"coalesce(missing, o)", R"({"a":1,"b":2})"},
               });
}

TEST_CASE("int truncates numbers toward zero") {
  Eval e(kRecord);
  CHECK(e.json("int(3.9)") == "3");
  CHECK(e.json("int(d)") == "-2");
  CHECK(e.eval("int(2.0)").kind == ValueKind::kInt);
  checkJson(e, {
                   {"int(i)", "-5"},
                   {"int(1e19)", "10000000000000000000"},
                   {"int(1e300)", "null"},
               });
}

TEST_CASE("int parses strings of digits") {
  Eval e;
  checkJson(e, {
                   {"int('42')", "42"},
                   {"int('-42')", "-42"},
                   {"int('+7')", "7"},
                   {"int('18446744073709551615')", "18446744073709551615"},
                   {"int('-9223372036854775808')", "-9223372036854775808"},
                   {"int('-9223372036854775809')", "null"},
                   {"int('18446744073709551616')", "null"},
               });
}

TEST_CASE("int of anything else is null") {
  Eval e;
  checkJson(e, {
                   {"int('4.2')", "null"},
                   {"int(' 4')", "null"},
                   {"int('')", "null"},
                   {"int('-')", "null"},
                   {"int('abc')", "null"},
                   {"int(true)", "null"},
                   {"int(null)", "null"},
                   {"int([1])", "null"},
               });
}

TEST_CASE("float converts numbers and parses strings") {
  Eval e;
  CHECK(e.eval("float(3)").kind == ValueKind::kDouble);
  checkJson(e, {
                   {"float('2.5')", "2.5"},
                   {"float('-1e3')", "-1000"},
                   {"float('+0.5')", "0.5"},
                   {"float('abc')", "null"},
                   {"float('1.5x')", "null"},
                   {"float('nan')", "null"},
                   {"float('inf')", "null"},
                   {"float('1e999')", "null"},
                   {"float(true)", "null"},
               });
}

TEST_CASE("str keeps strings and writes other values as JSON") {
  Eval e(kRecord);
  checkJson(e, {
                   {"str(s)", R"("GET")"},
                   {"str(12)", R"("12")"},
                   {"str(1.5)", R"("1.5")"},
                   {"str(n)", R"("null")"},
                   {"str(true)", R"("true")"},
                   {"str(o)", R"("{\"a\":1,\"b\":2}")"},
                   {"str(tags)", R"("[\"bot\",\"v2\"]")"},
               });
  CHECK(e.eval("str(1)").kind == ValueKind::kString);
}

TEST_CASE("abs is exact for integers") {
  Eval e(kRecord);
  checkJson(e, {
                   {"abs(i)", "5"},
                   {"abs(d)", "2.5"},
                   {"abs(-9223372036854775808)", "9223372036854775808"},
                   {"abs(7)", "7"},
                   {"abs('x')", "null"},
               });
}

TEST_CASE("round goes half away from zero and gives an int") {
  Eval e(kRecord);
  checkJson(e, {
                   {"round(2.5)", "3"},
                   {"round(d)", "-3"},
                   {"round(2.4)", "2"},
               });
  CHECK(e.eval("round(2.5)").kind == ValueKind::kInt);
  CHECK(e.json("round(i)") == "-5");
  CHECK(e.json("round('1')") == "null");
}

TEST_CASE("floor and ceil give ints when they fit int64") {
  Eval e;
  CHECK(e.json("floor(-1.5)") == "-2");
  CHECK(e.json("ceil(1.2)") == "2");
  CHECK(e.eval("floor(1.5)").kind == ValueKind::kInt);
  CHECK(e.eval("ceil(1e300)").kind == ValueKind::kDouble);
  CHECK(e.json("floor(18446744073709551615)") == "18446744073709551615");
}

TEST_CASE("epoch reads RFC 3339 UTC time stamps") {
  Eval e(kRecord);
  CHECK(e.json("epoch('1970-01-01T00:00:00Z')") == "0");
  CHECK(e.json("epoch('2024-03-01T00:00:00Z')") == "1709251200");
  CHECK(e.eval("epoch('2024-03-01T00:00:00Z')").kind == ValueKind::kInt);
  CHECK(e.json("epoch('2024-03-01t00:00:00z')") == "1709251200");
  CHECK(e.json("epoch('2024-03-01 00:00:00Z')") == "1709251200");
}

TEST_CASE("epoch applies offsets") {
  Eval e;
  checkJson(e, {
                   {"epoch('2024-03-01T02:00:00+02:00')", "1709251200"},
                   {"epoch('2024-02-29T18:30:00-05:30')", "1709251200"},
                   {"epoch('2024-03-01T00:00:00-00:00')", "1709251200"},
               });
}

TEST_CASE("epoch keeps fractions of seconds as doubles") {
  Eval e(kRecord);
  CHECK(e.json("epoch(ts)") == "1709251200.276");
  CHECK(e.eval("epoch(ts)").kind == ValueKind::kDouble);
  checkJson(
      e, {
             {"epoch('2024-03-01T00:00:00.5+01:00')", "1709247600.5"},
             {"epoch('2024-03-01T00:00:00.123456789Z')", "1709251200.1234567"},
             {"epoch('2024-03-01T00:00:00.000Z')", "1709251200"},
         });
  CHECK(e.eval("epoch('2024-03-01T00:00:00.000Z')").kind == ValueKind::kInt);
}

TEST_CASE("epoch handles dates before 1970 and leap days") {
  Eval e;
  checkJson(e, {
                   {"epoch('1969-12-31T23:59:59Z')", "-1"},
                   {"epoch('1969-12-31T23:59:59.75Z')", "-0.25"},
                   {"epoch('1900-01-01T00:00:00.5Z')", "-2208988799.5"},
                   {"epoch('2000-02-29T00:00:00Z')", "951782400"},
                   {"epoch('2016-12-31T23:59:60Z')", "1483228800"},
               });
}

TEST_CASE("epoch of an invalid time stamp is null") {
  Eval e(kRecord);
  for (const char* bad :
       {"2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-03-01T24:00:00Z",
        "2024-03-01T00:60:00Z", "2024-03-01", "2024-03-01T00:00:00+2:00",
        "2024-03-01T00:00:00.Z", "2024-03-01T00:00:00Zjunk",
        "2024-3-01T00:00:00Z", "2024-03-01T00:00:00+24:00", "x"}) {
    INFO(bad);
    CHECK(e.json(std::string("epoch('") + bad + "')") == "null");
  }
  CHECK(e.json("epoch(1709251200)") == "null");
}

TEST_CASE("type names the JSON type as jq does") {
  Eval e(kRecord);
  checkJson(e, {
                   {"type(n)", R"("null")"},
                   {"type(true)", R"("boolean")"},
                   {"type(i)", R"("number")"},
                   {"type(d)", R"("number")"},
                   {"type(s)", R"("string")"},
                   {"type(tags)", R"("array")"},
                   {"type(o)", R"("object")"},
               });
}
