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

using clusterproc::testing::Eval;

const char* kRecord = R"({"name":"Łukasz","s":"GET","tags":["bot","v2"],"o":{"a":1,"b":2},
  "n":null,"i":-5,"d":-2.5,"path":"/api/v1/users/42","ts":"2024-03-01T00:00:00.276Z"})";

}  // namespace

TEST_CASE("len counts code points of strings and elements of containers") {
  Eval e(kRecord);
  CHECK(e.json("len(name)") == "6");
  CHECK(e.json("len('')") == "0");
  CHECK(e.json("len('\\ud83d\\ude00a')") == "2");
  CHECK(e.json("len(tags)") == "2");
  CHECK(e.json("len(o)") == "2");
  CHECK(e.json("len([1, [2, 3]])") == "2");
  CHECK(e.json("len(split('a,b,c', ','))") == "3");
}

TEST_CASE("len of a number, a boolean or null is null") {
  Eval e(kRecord);
  CHECK(e.json("len(i)") == "null");
  CHECK(e.json("len(true)") == "null");
  CHECK(e.json("len(n)") == "null");
  CHECK(e.json("len(missing)") == "null");
}

TEST_CASE("lower and upper map ASCII letters") {
  Eval e(kRecord);
  CHECK(e.json("lower(s)") == R"("get")");
  CHECK(e.json("upper('Hello, World 1')") == R"("HELLO, WORLD 1")");
  CHECK(e.json("lower('already')") == R"("already")");
}

TEST_CASE("lower and upper map Latin, Greek and Cyrillic letters") {
  Eval e(kRecord);
  CHECK(e.json("upper(name)") == R"("ŁUKASZ")");
  CHECK(e.json("lower('ŁUKASZ')") == R"("łukasz")");
  CHECK(e.json("upper('ünïcödé ÿ')") == R"("ÜNÏCÖDÉ Ÿ")");
  CHECK(e.json("lower('ÀÉÎÕÜ Ÿ')") == R"("àéîõü ÿ")");
  CHECK(e.json("upper('σοφός')") == R"("ΣΟΦΌΣ")");
  CHECK(e.json("lower('ΣΟΦΌΣ')") == R"("σοφόσ")");
  CHECK(e.json("upper('привет ёж')") == R"("ПРИВЕТ ЁЖ")");
  CHECK(e.json("lower('ПРИВЕТ ЁЖ')") == R"("привет ёж")");
}

TEST_CASE("letters whose other case has another length are kept") {
  Eval e;
  CHECK(e.json("upper('straße')") == R"("STRAßE")");
  CHECK(e.json("lower('İ')") == R"("İ")");
  CHECK(e.json("upper('日本')") == R"("日本")");
}

TEST_CASE("lower and upper of a non-string are null") {
  Eval e(kRecord);
  CHECK(e.json("lower(i)") == "null");
  CHECK(e.json("upper(tags)") == "null");
}

TEST_CASE("contains tests substrings, and elements of arrays") {
  Eval e(kRecord);
  CHECK(e.json("contains(path, '/users/')") == "true");
  CHECK(e.json("contains(path, 'admin')") == "false");
  CHECK(e.json("contains(s, '')") == "true");
  CHECK(e.json("contains(tags, 'bot')") == "true");
  CHECK(e.json("contains(tags, 'x')") == "false");
  CHECK(e.json("contains([1, 2], 2.0)") == "true");
}

TEST_CASE("contains with wrong types is null") {
  Eval e(kRecord);
  CHECK(e.json("contains(i, '5')") == "null");
  CHECK(e.json("contains(s, 1)") == "null");
  CHECK(e.json("contains(o, 'a')") == "null");
}

TEST_CASE("starts_with and ends_with") {
  Eval e(kRecord);
  CHECK(e.json("starts_with(path, '/api/')") == "true");
  CHECK(e.json("starts_with(path, 'api')") == "false");
  CHECK(e.json("ends_with(path, '/42')") == "true");
  CHECK(e.json("ends_with(path, '/4')") == "false");
  CHECK(e.json("starts_with(i, '-')") == "null");
  CHECK(e.json("ends_with(s, n)") == "null");
}

TEST_CASE("substr counts code points from a start") {
  Eval e(kRecord);
  CHECK(e.json("substr(name, 1)") == R"("ukasz")");
  CHECK(e.json("substr(name, 0, 2)") == R"("Łu")");
  CHECK(e.json("substr('abc', 1, 1)") == R"("b")");
  CHECK(e.json("substr('abc', 5)") == R"("")");
  CHECK(e.json("substr('abc', 1, 10)") == R"("bc")");
  CHECK(e.json("substr('abc', 1, 0)") == R"("")");
  CHECK(e.json("substr('abc', 1, -1)") == R"("")");
  CHECK(e.json("substr('abc', 1.9)") == R"("bc")");
}

TEST_CASE("substr with a negative start counts from the end") {
  Eval e(kRecord);
  CHECK(e.json("substr(name, -5)") == R"("ukasz")");
  CHECK(e.json("substr(name, -6, 1)") == R"("Ł")");
  CHECK(e.json("substr('abc', -10)") == R"("abc")");
  CHECK(e.json("substr('abc', -1)") == R"("c")");
}

TEST_CASE("substr with wrong types is null") {
  Eval e(kRecord);
  CHECK(e.json("substr(i, 0)") == "null");
  CHECK(e.json("substr(s, '1')") == "null");
  CHECK(e.json("substr(s, 0, n)") == "null");
}

TEST_CASE("split makes an array of strings") {
  Eval e(kRecord);
  CHECK(e.json("split('a,b,,c', ',')") == R"(["a","b","","c"])");
  CHECK(e.json("split(path, '/')") == R"(["","api","v1","users","42"])");
  CHECK(e.json("split('abc', '--')") == R"(["abc"])");
  CHECK(e.json("split('', ',')") == R"([""])");
  CHECK(e.json("split('a--b', '--')") == R"(["a","b"])");
  CHECK(e.json("split('x\"y', 'q')") == R"(["x\"y"])");
  CHECK(e.eval("split('a', ',')").kind == ValueKind::kArray);
}

TEST_CASE("split with an empty separator splits code points") {
  Eval e(kRecord);
  CHECK(e.json("split('Łu', '')") == R"(["Ł","u"])");
  CHECK(e.json("split('', '')") == "[]");
}

TEST_CASE("an index of split() picks a piece") {
  Eval e(kRecord);
  CHECK(e.json("split(path, '/')[2]") == R"("v1")");
  CHECK(e.json("split(path, '/')[-1]") == R"("42")");
  CHECK(e.json("split(path, '/')[-5]") == R"("")");
  CHECK(e.json("split(path, '/')[-6]") == "null");
  CHECK(e.json("split(path, '/')[5]") == "null");
  CHECK(e.json("split(name, '')[0]") == R"("Ł")");
  CHECK(e.json("split(name, '')[-1]") == R"("z")");
  CHECK(e.json("split(path, '/')[1 + 1]") == R"("v1")");
  CHECK(e.json("split(i, '/')[0]") == "null");
}

TEST_CASE("split with wrong types is null") {
  Eval e(kRecord);
  CHECK(e.json("split(i, ',')") == "null");
  CHECK(e.json("split(s, 1)") == "null");
}

TEST_CASE("exists is true for present paths, even when null") {
  Eval e(kRecord);
  CHECK(e.json("exists(n)") == "true");
  CHECK(e.json("exists(.o.a)") == "true");
  CHECK(e.json("exists(tags[1])") == "true");
  CHECK(e.json("exists(tags[-2])") == "true");
  CHECK(e.json("exists(.)") == "true");
}

TEST_CASE("exists is false for missing paths") {
  Eval e(kRecord);
  CHECK(e.json("exists(missing)") == "false");
  CHECK(e.json("exists(o.c)") == "false");
  CHECK(e.json("exists(tags[2])") == "false");
  CHECK(e.json("exists(n.x)") == "false");
  CHECK(e.json("exists(s.x)") == "false");
}

TEST_CASE("is_null is true for null and missing values") {
  Eval e(kRecord);
  CHECK(e.json("is_null(n)") == "true");
  CHECK(e.json("is_null(missing)") == "true");
  CHECK(e.json("is_null(0)") == "false");
  CHECK(e.json("is_null(false)") == "false");
}

TEST_CASE("coalesce gives the first argument that is not null") {
  Eval e(kRecord);
  CHECK(e.json("coalesce(n, missing, s, 1)") == R"("GET")");
  CHECK(e.json("coalesce(n)") == "null");
  CHECK(e.json("coalesce(false, 1)") == "false");
  CHECK(e.json("coalesce(missing, o)") == R"({"a":1,"b":2})");
}

TEST_CASE("int truncates numbers toward zero") {
  Eval e(kRecord);
  CHECK(e.json("int(3.9)") == "3");
  CHECK(e.json("int(d)") == "-2");
  CHECK(e.eval("int(2.0)").kind == ValueKind::kInt);
  CHECK(e.json("int(i)") == "-5");
  CHECK(e.json("int(1e19)") == "10000000000000000000");
  CHECK(e.json("int(1e300)") == "null");
}

TEST_CASE("int parses strings of digits") {
  Eval e;
  CHECK(e.json("int('42')") == "42");
  CHECK(e.json("int('-42')") == "-42");
  CHECK(e.json("int('+7')") == "7");
  CHECK(e.json("int('18446744073709551615')") == "18446744073709551615");
  CHECK(e.json("int('-9223372036854775808')") == "-9223372036854775808");
  CHECK(e.json("int('-9223372036854775809')") == "null");
  CHECK(e.json("int('18446744073709551616')") == "null");
}

TEST_CASE("int of anything else is null") {
  Eval e;
  CHECK(e.json("int('4.2')") == "null");
  CHECK(e.json("int(' 4')") == "null");
  CHECK(e.json("int('')") == "null");
  CHECK(e.json("int('-')") == "null");
  CHECK(e.json("int('abc')") == "null");
  CHECK(e.json("int(true)") == "null");
  CHECK(e.json("int(null)") == "null");
  CHECK(e.json("int([1])") == "null");
}

TEST_CASE("float converts numbers and parses strings") {
  Eval e;
  CHECK(e.eval("float(3)").kind == ValueKind::kDouble);
  CHECK(e.json("float('2.5')") == "2.5");
  CHECK(e.json("float('-1e3')") == "-1000");
  CHECK(e.json("float('+0.5')") == "0.5");
  CHECK(e.json("float('abc')") == "null");
  CHECK(e.json("float('1.5x')") == "null");
  CHECK(e.json("float('nan')") == "null");
  CHECK(e.json("float('inf')") == "null");
  CHECK(e.json("float('1e999')") == "null");
  CHECK(e.json("float(true)") == "null");
}

TEST_CASE("str keeps strings and writes other values as JSON") {
  Eval e(kRecord);
  CHECK(e.json("str(s)") == R"("GET")");
  CHECK(e.json("str(12)") == R"("12")");
  CHECK(e.json("str(1.5)") == R"("1.5")");
  CHECK(e.json("str(n)") == R"("null")");
  CHECK(e.json("str(true)") == R"("true")");
  CHECK(e.json("str(o)") == R"("{\"a\":1,\"b\":2}")");
  CHECK(e.json("str(tags)") == R"("[\"bot\",\"v2\"]")");
  CHECK(e.eval("str(1)").kind == ValueKind::kString);
}

TEST_CASE("abs is exact for integers") {
  Eval e(kRecord);
  CHECK(e.json("abs(i)") == "5");
  CHECK(e.json("abs(d)") == "2.5");
  CHECK(e.json("abs(-9223372036854775808)") == "9223372036854775808");
  CHECK(e.json("abs(7)") == "7");
  CHECK(e.json("abs('x')") == "null");
}

TEST_CASE("round goes half away from zero and gives an int") {
  Eval e(kRecord);
  CHECK(e.json("round(2.5)") == "3");
  CHECK(e.json("round(d)") == "-3");
  CHECK(e.json("round(2.4)") == "2");
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
  CHECK(e.json("epoch('2024-03-01T02:00:00+02:00')") == "1709251200");
  CHECK(e.json("epoch('2024-02-29T18:30:00-05:30')") == "1709251200");
  CHECK(e.json("epoch('2024-03-01T00:00:00-00:00')") == "1709251200");
}

TEST_CASE("epoch keeps fractions of seconds as doubles") {
  Eval e(kRecord);
  CHECK(e.json("epoch(ts)") == "1709251200.276");
  CHECK(e.eval("epoch(ts)").kind == ValueKind::kDouble);
  CHECK(e.json("epoch('2024-03-01T00:00:00.5+01:00')") == "1709247600.5");
  CHECK(e.json("epoch('2024-03-01T00:00:00.123456789Z')") == "1709251200.1234567");
  CHECK(e.json("epoch('2024-03-01T00:00:00.000Z')") == "1709251200");
  CHECK(e.eval("epoch('2024-03-01T00:00:00.000Z')").kind == ValueKind::kInt);
}

TEST_CASE("epoch handles dates before 1970 and leap days") {
  Eval e;
  CHECK(e.json("epoch('1969-12-31T23:59:59Z')") == "-1");
  CHECK(e.json("epoch('1969-12-31T23:59:59.75Z')") == "-0.25");
  CHECK(e.json("epoch('1900-01-01T00:00:00.5Z')") == "-2208988799.5");
  CHECK(e.json("epoch('2000-02-29T00:00:00Z')") == "951782400");
  CHECK(e.json("epoch('2016-12-31T23:59:60Z')") == "1483228800");
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
  CHECK(e.json("type(n)") == R"("null")");
  CHECK(e.json("type(true)") == R"("boolean")");
  CHECK(e.json("type(i)") == R"("number")");
  CHECK(e.json("type(d)") == R"("number")");
  CHECK(e.json("type(s)") == R"("string")");
  CHECK(e.json("type(tags)") == R"("array")");
  CHECK(e.json("type(o)") == R"("object")");
}
