// Evaluating expressions: paths, literals, operators and their semantics
// (SPEC section 3).

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

const char* kRecord = R"({"a":{"b":7,"c":[10,20,30],"k":"v"},"s":"GET","n":null,"f":false,
  "i":1,"d":2.5,"arr":[1,"x",[2],{"z":1}],"key with space":1,"":"empty",
  "a.b":"dotted","é":"accent","big":18446744073709551615,"tags":["bot","v2"]})";

}  // namespace

TEST_CASE("paths with and without a leading dot") {
  Eval e(kRecord);
  CHECK(e.json(".a.b") == "7");
  CHECK(e.json("a.b") == "7");
  CHECK(e.json("a.k") == R"("v")");
}

TEST_CASE("indexes count from the front and, negative, from the end") {
  Eval e(kRecord);
  CHECK(e.json(".a.c[0]") == "10");
  CHECK(e.json("a.c[2]") == "30");
  CHECK(e.json("a.c[-1]") == "30");
  CHECK(e.json("a.c[-3]") == "10");
  CHECK(e.json("a.c[-4]") == "null");
  CHECK(e.json("a.c[3]") == "null");
  CHECK(e.json("a.c[-9223372036854775808]") == "null");
}

TEST_CASE("bracketed keys reach keys that are not identifiers") {
  Eval e(kRecord);
  CHECK(e.json(R"(.["key with space"])") == "1");
  CHECK(e.json(R"(.[""])") == R"("empty")");
  CHECK(e.json(R"(.["a.b"])") == R"("dotted")");
  CHECK(e.json(R"(.["\u00e9"])") == R"("accent")");
  CHECK(e.json(R"(.a["k"])") == R"("v")");
  CHECK(e.json(R"(.a."k")") == R"("v")");
  CHECK(e.json(R"(.a.["b"])") == "7");
}

TEST_CASE("the dot alone is the whole record, minified") {
  Eval e(R"({ "x" : [1, 2 ], "y": {"z" : null} })");
  CHECK(e.json(".") == R"({"x":[1,2],"y":{"z":null}})");
  Eval scalar("42");
  CHECK(scalar.json(".") == "42");
}

TEST_CASE("a missing path is null") {
  Eval e(kRecord);
  CHECK(e.json("nope") == "null");
  CHECK(e.json("a.nope.deeper") == "null");
  CHECK(e.json("n.x") == "null");
}

TEST_CASE("indexing a value that is not a container is null") {
  Eval e(kRecord);
  CHECK(e.json("s[0]") == "null");
  CHECK(e.json("i.x") == "null");
  CHECK(e.json("a.c.x") == "null");
  CHECK(e.json(R"(a["c"]["x"])") == "null");
  CHECK(e.json("a[0]") == "null");
}

TEST_CASE("computed indexes and keys are taken per record") {
  Eval e(R"({"i":1,"k":"b","xs":[5,6,7],"o":{"b":"B"}})");
  CHECK(e.json("xs[i]") == "6");
  CHECK(e.json("xs[i + 1]") == "7");
  CHECK(e.json("xs[-i]") == "7");
  CHECK(e.json("o[k]") == R"("B")");
  CHECK(e.json("xs[1.0]") == "6");
  CHECK(e.json("xs[0.5]") == "null");
  CHECK(e.json("xs[null]") == "null");
  CHECK(e.json("xs[true]") == "null");
}

TEST_CASE("paths apply to any value: parentheses, lists, nested containers") {
  Eval e(kRecord);
  CHECK(e.json("(a).c[1]") == "20");
  CHECK(e.json("[1, 2, 3][1]") == "2");
  CHECK(e.json("[a.b, s][-1]") == R"("GET")");
  CHECK(e.json("arr[2][0]") == "2");
  CHECK(e.json("arr[3].z") == "1");
  CHECK(e.json("[[1, [2, 3]]][0][1][1]") == "3");
  CHECK(e.json("[a][0].k") == R"("v")");
}

TEST_CASE("containers are returned as compact JSON") {
  Eval e(kRecord);
  CHECK(e.json("a.c") == "[10,20,30]");
  CHECK(e.eval("a.c").kind == ValueKind::kArray);
  CHECK(e.json("arr[3]") == R"({"z":1})");
  CHECK(e.eval("arr[3]").kind == ValueKind::kObject);
}

TEST_CASE("integer literals are exact int64 or uint64") {
  Eval e;
  CHECK(e.eval("9223372036854775807").kind == ValueKind::kInt);
  CHECK(e.eval("9223372036854775807").i == INT64_MAX);
  CHECK(e.eval("18446744073709551615").kind == ValueKind::kUint);
  CHECK(e.eval("18446744073709551615").u == UINT64_MAX);
  CHECK(e.eval("-9223372036854775808").kind == ValueKind::kInt);
  CHECK(e.eval("-9223372036854775808").i == INT64_MIN);
  CHECK(e.eval("18446744073709551616").kind == ValueKind::kDouble);
}

TEST_CASE("fractions and exponents make doubles") {
  Eval e;
  CHECK(e.eval("1.5").kind == ValueKind::kDouble);
  CHECK(e.eval("1e2").kind == ValueKind::kDouble);
  CHECK(e.json("1E-2") == "0.01");
  CHECK(e.json("0.1 + 0.2") == "0.30000000000000004");
}

TEST_CASE("string literals: JSON escapes, single quotes") {
  Eval e;
  CHECK(e.eval(R"("a\"b\\c\/\n\u00e9\ud83d\ude00")").s == "a\"b\\c/\n\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(e.eval(R"('it\'s "x"')").s == "it's \"x\"");
  CHECK(e.eval("''").kind == ValueKind::kString);
}

TEST_CASE("true, false, null and list literals") {
  Eval e(kRecord);
  CHECK(e.json("true") == "true");
  CHECK(e.json("false") == "false");
  CHECK(e.json("null") == "null");
  CHECK(e.json("[]") == "[]");
  CHECK(e.json("[1, 'a', null, [true]]") == R"([1,"a",null,[true]])");
  CHECK(e.json("[a.b, s, a.c]") == R"([7,"GET",[10,20,30]])");
}

TEST_CASE("numbers compare numerically whatever their spelling") {
  Eval e(R"({"x":1.0,"y":1,"z":100})");
  CHECK(e.json("1 == 1.0") == "true");
  CHECK(e.json("x == y") == "true");
  CHECK(e.json("z == 1e2") == "true");
  CHECK(e.json("x != y") == "false");
  CHECK(e.json("2 > 1.5") == "true");
  CHECK(e.json("-0.0 == 0") == "true");
}

TEST_CASE("values of different types are never equal") {
  Eval e;
  CHECK(e.json(R"("1" == 1)") == "false");
  CHECK(e.json(R"("1" != 1)") == "true");
  CHECK(e.json("null == false") == "false");
  CHECK(e.json("0 == false") == "false");
}

TEST_CASE("values of different types order as jq: null false true numbers strings arrays objects") {
  Eval e(R"({"o":{}})");
  CHECK(e.json("null < false") == "true");
  CHECK(e.json("false < true") == "true");
  CHECK(e.json("true < -1000") == "true");
  CHECK(e.json("1e300 < ''") == "true");
  CHECK(e.json("'zzz' < []") == "true");
  CHECK(e.json("[9] < o") == "true");
  CHECK(e.json("o > null") == "true");
  CHECK(e.json("missing < 0") == "true");
}

TEST_CASE("strings compare by bytes, arrays element-wise") {
  Eval e(R"({"xs":[1,2,3]})");
  CHECK(e.json("'B' < 'a'") == "true");
  CHECK(e.json("'ab' < 'abc'") == "true");
  CHECK(e.json("'é' > 'z'") == "true");
  CHECK(e.json("xs == [1, 2, 3.0]") == "true");
  CHECK(e.json("xs < [1, 3]") == "true");
  CHECK(e.json("xs >= [1, 2, 3]") == "true");
}

TEST_CASE("integers and doubles compare exactly near 2^53") {
  Eval e(R"({"i":9007199254740993,"d":9007199254740992.0})");
  CHECK(e.json("i > d") == "true");
  CHECK(e.json("i == d") == "false");
  CHECK(e.json("i - 1 == d") == "true");
  CHECK(e.json("9007199254740993 > 9007199254740992.0") == "true");
}

TEST_CASE("integers and doubles compare exactly near 2^63 and 2^64") {
  Eval e;
  CHECK(e.json("9223372036854775807 < 9223372036854775808.0") == "true");
  CHECK(e.json("9223372036854775808 == 9223372036854775808.0") == "true");
  CHECK(e.json("9223372036854775809 > 9223372036854775808.0") == "true");
  CHECK(e.json("-9223372036854775808 == -9223372036854775808.0") == "true");
  CHECK(e.json("18446744073709551615 < 18446744073709551616.0") == "true");
  CHECK(e.json("9223372036854775807 < 9223372036854775808") == "true");
}

TEST_CASE("integer arithmetic is exact") {
  Eval e;
  CHECK(e.json("9007199254740993 + 1") == "9007199254740994");
  CHECK(e.json("9223372036854775807 - 1") == "9223372036854775806");
  CHECK(e.json("3037000499 * 3037000499") == "9223372030926249001");
  CHECK(e.eval("2 + 3").kind == ValueKind::kInt);
}

TEST_CASE("integer overflow goes on in uint64, then in a double") {
  Eval e;
  CHECK(e.json("9223372036854775807 + 1") == "9223372036854775808");
  CHECK(e.eval("9223372036854775807 + 1").kind == ValueKind::kUint);
  CHECK(e.eval("18446744073709551615 + 1").kind == ValueKind::kDouble);
  CHECK(e.json("18446744073709551615 + 1") == "1.8446744073709552e+19");
  CHECK(e.eval("-9223372036854775808 - 1").kind == ValueKind::kDouble);
  CHECK(e.eval("18446744073709551615 * 18446744073709551615").kind == ValueKind::kDouble);
}

TEST_CASE("any double makes the result a double") {
  Eval e;
  CHECK(e.eval("1 + 1.0").kind == ValueKind::kDouble);
  CHECK(e.json("2 * 2.5") == "5");
  CHECK(e.json("1.5 - 2") == "-0.5");
}

TEST_CASE("division is exact for integers that divide, else a double") {
  Eval e;
  CHECK(e.eval("6 / 3").kind == ValueKind::kInt);
  CHECK(e.json("6 / 3") == "2");
  CHECK(e.json("7 / 2") == "3.5");
  CHECK(e.json("-9223372036854775808 / -1") == "9223372036854775808");
  CHECK(e.json("1 / 3") == "0.3333333333333333");
  CHECK(e.eval("6.0 / 3").kind == ValueKind::kDouble);
}

TEST_CASE("division and modulo by zero are null") {
  Eval e;
  CHECK(e.json("1 / 0") == "null");
  CHECK(e.json("1.5 / 0.0") == "null");
  CHECK(e.json("5 % 0") == "null");
  CHECK(e.json("5 % 0.5") == "null");
}

TEST_CASE("modulo truncates its operands to integers, sign of the dividend") {
  Eval e;
  CHECK(e.json("7 % 3") == "1");
  CHECK(e.json("-7 % 3") == "-1");
  CHECK(e.json("7 % -3") == "1");
  CHECK(e.json("7.9 % 3") == "1");
  CHECK(e.json("18446744073709551615 % 10") == "5");
  CHECK(e.json("1e300 % 7") == "null");
}

TEST_CASE("a double result that overflows is null") {
  Eval e;
  CHECK(e.json("1e308 * 10") == "null");
}

TEST_CASE("arithmetic on a non-number is null") {
  Eval e(kRecord);
  CHECK(e.json("null + 1") == "null");
  CHECK(e.json("missing * 2") == "null");
  CHECK(e.json("'a' - 'b'") == "null");
  CHECK(e.json("'a' + 1") == "null");
  CHECK(e.json("true + 1") == "null");
  CHECK(e.json("a + a") == "null");
  CHECK(e.json("-s") == "null");
}

TEST_CASE("plus joins two strings and two arrays") {
  Eval e(kRecord);
  CHECK(e.json("'ab' + 'cd'") == R"("abcd")");
  CHECK(e.json("s + '/' + a.k") == R"("GET/v")");
  CHECK(e.json("a.c + [40]") == "[10,20,30,40]");
  CHECK(e.json("[] + a.c") == "[10,20,30]");
  CHECK(e.json("a.c + []") == "[10,20,30]");
}

TEST_CASE("unary minus is exact at the ends of int64") {
  Eval e;
  CHECK(e.json("-(-9223372036854775808)") == "9223372036854775808");
  CHECK(e.eval("-(-9223372036854775808)").kind == ValueKind::kUint);
  CHECK(e.json("-(9223372036854775808)") == "-9223372036854775808");
  CHECK(e.json("-(2.5)") == "-2.5");
}

TEST_CASE("and, or give booleans by truthiness") {
  Eval e(kRecord);
  CHECK(e.json("1 and 'x'") == "true");
  CHECK(e.json("0 and ''") == "true");
  CHECK(e.json("null or false") == "false");
  CHECK(e.json("n or i") == "true");
  CHECK(e.json("f and missing") == "false");
}

TEST_CASE("and, or short-circuit") {
  // The right side would be an error in a language that raised them; here
  // short-circuiting shows as the left side deciding alone.
  Eval e(kRecord);
  CHECK(e.json("false and (1 / 0 == null)") == "false");
  CHECK(e.json("true or missing.deep") == "true");
}

TEST_CASE("not is the negation of truthiness") {
  Eval e(kRecord);
  CHECK(e.json("not null") == "true");
  CHECK(e.json("not f") == "true");
  CHECK(e.json("not 0") == "false");
  CHECK(e.json("not ''") == "false");
  CHECK(e.json("not not a") == "true");
  CHECK(e.json("not missing") == "true");
}

TEST_CASE("in tests membership with numeric equality") {
  Eval e(kRecord);
  CHECK(e.json("2 in [1, 2]") == "true");
  CHECK(e.json("2.0 in [1, 2]") == "true");
  CHECK(e.json("3 in [1, 2]") == "false");
  CHECK(e.json("'1' in [1, 2]") == "false");
  CHECK(e.json("s in ['GET', 'HEAD']") == "true");
  CHECK(e.json("null in [null]") == "true");
  CHECK(e.json("missing in [1]") == "false");
  CHECK(e.json("x in []") == "false");
}

TEST_CASE("in works with computed lists and arrays of the record") {
  Eval e(kRecord);
  CHECK(e.json("7 in [i, a.b]") == "true");
  CHECK(e.json("8 in [i, a.b]") == "false");
  CHECK(e.json("'bot' in tags") == "true");
  CHECK(e.json("'v3' in tags") == "false");
  CHECK(e.json("20 in a.c") == "true");
  CHECK(e.json("[2] in arr") == "true");
  CHECK(e.json("arr[3] in arr") == "true");
}

TEST_CASE("in with containers as elements") {
  Eval e(kRecord);
  CHECK(e.json("a.c in [[10, 20, 30], 1]") == "true");
  CHECK(e.json("[1] in [[1.0], 2]") == "true");
}

TEST_CASE("in on something other than an array is false") {
  Eval e(kRecord);
  CHECK(e.json("'G' in s") == "false");
  CHECK(e.json("'k' in a") == "false");
  CHECK(e.json("1 in null") == "false");
}

TEST_CASE("=~ is an RE2 partial match") {
  Eval e(R"({"host":"web-04.prod","name":"Łukasz"})");
  CHECK(e.json("host =~ 'web'") == "true");
  CHECK(e.json("host =~ '^web-0[1-4]\\\\.'") == "true");
  CHECK(e.json("host =~ '^prod'") == "false");
  CHECK(e.json("host =~ '(?i)WEB'") == "true");
  CHECK(e.json("name =~ '^.ukasz$'") == "true");
}

TEST_CASE("=~ on a non-string is false") {
  Eval e(R"({"n":42,"a":["x"]})");
  CHECK(e.json("n =~ '4'") == "false");
  CHECK(e.json("a =~ 'x'") == "false");
  CHECK(e.json("missing =~ ''") == "false");
}

TEST_CASE("test() agrees with the truthiness of eval()") {
  Eval e(kRecord);
  for (const char* text : {"a", "n", "f", "i", "arr", "missing", "a.c[0]", "s == 'GET'",
                           "not a", "coalesce(n, f)", "[]", "a.c[1] > 15 and s =~ 'G'"}) {
    INFO(text);
    const bool truth = clusterproc::truthy(e.eval(text));
    CHECK(e.test(text) == truth);
  }
}
