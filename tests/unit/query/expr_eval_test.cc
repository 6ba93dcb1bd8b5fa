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

using clusterproc::testing::checkJson;
using clusterproc::testing::Eval;

const char* kRecord =
    R"({"a":{"b":7,"c":[10,20,30],"k":"v"},"s":"GET","n":null,"f":false,
  "i":1,"d":2.5,"arr":[1,"x",[2],{"z":1}],"key with space":1,"":"empty",
  "a.b":"dotted","é":"accent","big":18446744073709551615,"tags":["bot","v2"]})";

}  // namespace

TEST_CASE("paths with and without a leading dot") {
  Eval e(kRecord);
  checkJson(e, {
                   {".a.b", "7"},
                   {"a.b", "7"},
                   {"a.k", R"("v")"},
               });
}

TEST_CASE("indexes count from the front and, negative, from the end") {
  Eval e(kRecord);
  checkJson(e, {
                   {".a.c[0]", "10"},
                   {"a.c[2]", "30"},
                   {"a.c[-1]", "30"},
                   {"a.c[-3]", "10"},
                   {"a.c[-4]", "null"},
                   {"a.c[3]", "null"},
                   {"a.c[-9223372036854775808]", "null"},
               });
}

TEST_CASE("bracketed keys reach keys that are not identifiers") {
  Eval e(kRecord);
  checkJson(e, {
                   {R"(.["key with space"])", "1"},
                   {R"(.[""])", R"("empty")"},
                   {R"(.["a.b"])", R"("dotted")"},
                   {R"(.["\u00e9"])", R"("accent")"},
                   {R"(.a["k"])", R"("v")"},
                   {R"(.a."k")", R"("v")"},
                   {R"(.a.["b"])", "7"},
               });
}

TEST_CASE("the dot alone is the whole record, minified") {
  Eval e(R"({ "x" : [1, 2 ], "y": {"z" : null} })");
  CHECK(e.json(".") == R"({"x":[1,2],"y":{"z":null}})");
  Eval scalar("42");
  CHECK(scalar.json(".") == "42");
}

TEST_CASE("a missing path is null") {
  Eval e(kRecord);
  checkJson(e, {
                   {"nope", "null"},
                   {"a.nope.deeper", "null"},
                   {"n.x", "null"},
               });
}

TEST_CASE("indexing a value that is not a container is null") {
  Eval e(kRecord);
  checkJson(e, {
                   {"s[0]", "null"},
                   {"i.x", "null"},
                   {"a.c.x", "null"},
                   {R"(a["c"]["x"])", "null"},
                   {"a[0]", "null"},
               });
}

TEST_CASE("computed indexes and keys are taken per record") {
  Eval e(R"({"i":1,"k":"b","xs":[5,6,7],"o":{"b":"B"}})");
  checkJson(e, {
                   {"xs[i]", "6"},
                   {"xs[i + 1]", "7"},
                   {"xs[-i]", "7"},
                   {"o[k]", R"("B")"},
                   {"xs[1.0]", "6"},
                   {"xs[0.5]", "null"},
                   {"xs[null]", "null"},
                   {"xs[true]", "null"},
               });
}

TEST_CASE("paths apply to any value: parentheses, lists, nested containers") {
  Eval e(kRecord);
  checkJson(e, {
                   {"(a).c[1]", "20"},
                   {"[1, 2, 3][1]", "2"},
                   {"[a.b, s][-1]", R"("GET")"},
                   {"arr[2][0]", "2"},
                   {"arr[3].z", "1"},
                   {"[[1, [2, 3]]][0][1][1]", "3"},
                   {"[a][0].k", R"("v")"},
               });
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
  CHECK(e.eval(R"("a\"b\\c\/\n\u00e9\ud83d\ude00")").s ==
        "a\"b\\c/\n\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(e.eval(R"('it\'s "x"')").s == "it's \"x\"");
  CHECK(e.eval("''").kind == ValueKind::kString);
}

TEST_CASE("true, false, null and list literals") {
  Eval e(kRecord);
  checkJson(e, {
                   {"true", "true"},
                   {"false", "false"},
                   {"null", "null"},
                   {"[]", "[]"},
                   {"[1, 'a', null, [true]]", R"([1,"a",null,[true]])"},
                   {"[a.b, s, a.c]", R"([7,"GET",[10,20,30]])"},
               });
}

TEST_CASE("numbers compare numerically whatever their spelling") {
  Eval e(R"({"x":1.0,"y":1,"z":100})");
  checkJson(e, {
                   {"1 == 1.0", "true"},
                   {"x == y", "true"},
                   {"z == 1e2", "true"},
                   {"x != y", "false"},
                   {"2 > 1.5", "true"},
                   {"-0.0 == 0", "true"},
               });
}

TEST_CASE("values of different types are never equal") {
  Eval e;
  checkJson(e, {
                   {R"("1" == 1)", "false"},
                   {R"("1" != 1)", "true"},
                   {"null == false", "false"},
                   {"0 == false", "false"},
               });
}

TEST_CASE(
    "values of different types order as jq: null false true numbers strings "
    "arrays objects") {
  Eval e(R"({"o":{}})");
  checkJson(e, {
                   {"null < false", "true"},
                   {"false < true", "true"},
                   {"true < -1000", "true"},
                   {"1e300 < ''", "true"},
                   {"'zzz' < []", "true"},
                   {"[9] < o", "true"},
                   {"o > null", "true"},
                   {"missing < 0", "true"},
               });
}

TEST_CASE("strings compare by bytes, arrays element-wise") {
  Eval e(R"({"xs":[1,2,3]})");
  checkJson(e, {
                   {"'B' < 'a'", "true"},
                   {"'ab' < 'abc'", "true"},
                   {"'é' > 'z'", "true"},
                   {"xs == [1, 2, 3.0]", "true"},
                   {"xs < [1, 3]", "true"},
                   {"xs >= [1, 2, 3]", "true"},
               });
}

TEST_CASE("integers and doubles compare exactly near 2^53") {
  Eval e(R"({"i":9007199254740993,"d":9007199254740992.0})");
  checkJson(e, {
                   {"i > d", "true"},
                   {"i == d", "false"},
                   {"i - 1 == d", "true"},
                   {"9007199254740993 > 9007199254740992.0", "true"},
               });
}

TEST_CASE("integers and doubles compare exactly near 2^63 and 2^64") {
  Eval e;
  checkJson(e, {
                   {"9223372036854775807 < 9223372036854775808.0", "true"},
                   {"9223372036854775808 == 9223372036854775808.0", "true"},
                   {"9223372036854775809 > 9223372036854775808.0", "true"},
                   {"-9223372036854775808 == -9223372036854775808.0", "true"},
                   {"18446744073709551615 < 18446744073709551616.0", "true"},
                   {"9223372036854775807 < 9223372036854775808", "true"},
               });
}

TEST_CASE("integer arithmetic is exact") {
  Eval e;
  checkJson(e, {
                   {"9007199254740993 + 1", "9007199254740994"},
                   {"9223372036854775807 - 1", "9223372036854775806"},
                   {"3037000499 * 3037000499", "9223372030926249001"},
               });
  CHECK(e.eval("2 + 3").kind == ValueKind::kInt);
}

TEST_CASE("integer overflow goes on in uint64, then in a double") {
  Eval e;
  CHECK(e.json("9223372036854775807 + 1") == "9223372036854775808");
  CHECK(e.eval("9223372036854775807 + 1").kind == ValueKind::kUint);
  CHECK(e.eval("18446744073709551615 + 1").kind == ValueKind::kDouble);
  CHECK(e.json("18446744073709551615 + 1") == "1.8446744073709552e+19");
  CHECK(e.eval("-9223372036854775808 - 1").kind == ValueKind::kDouble);
  CHECK(e.eval("18446744073709551615 * 18446744073709551615").kind ==
        ValueKind::kDouble);
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
  checkJson(e, {
                   {"6 / 3", "2"},
                   {"7 / 2", "3.5"},
                   {"-9223372036854775808 / -1", "9223372036854775808"},
                   {"1 / 3", "0.3333333333333333"},
               });
  CHECK(e.eval("6.0 / 3").kind == ValueKind::kDouble);
}

TEST_CASE("division and modulo by zero are null") {
  Eval e;
  checkJson(e, {
                   {"1 / 0", "null"},
                   {"1.5 / 0.0", "null"},
                   {"5 % 0", "null"},
                   {"5 % 0.5", "null"},
               });
}

TEST_CASE("modulo truncates its operands to integers, sign of the dividend") {
  Eval e;
  checkJson(e, {
                   {"7 % 3", "1"},
                   {"-7 % 3", "-1"},
                   {"7 % -3", "1"},
                   {"7.9 % 3", "1"},
                   {"18446744073709551615 % 10", "5"},
                   {"1e300 % 7", "null"},
               });
}

TEST_CASE("a double result that overflows is null") {
  Eval e;
  CHECK(e.json("1e308 * 10") == "null");
}

TEST_CASE("arithmetic on a non-number is null") {
  Eval e(kRecord);
  checkJson(e, {
                   {"null + 1", "null"},
                   {"missing * 2", "null"},
                   {"'a' - 'b'", "null"},
                   {"'a' + 1", "null"},
                   {"true + 1", "null"},
                   {"a + a", "null"},
                   {"-s", "null"},
               });
}

TEST_CASE("plus joins two strings and two arrays") {
  Eval e(kRecord);
  checkJson(e, {
                   {"'ab' + 'cd'", R"("abcd")"},
                   {"s + '/' + a.k", R"("GET/v")"},
                   {"a.c + [40]", "[10,20,30,40]"},
                   {"[] + a.c", "[10,20,30]"},
                   {"a.c + []", "[10,20,30]"},
               });
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
  checkJson(e, {
                   {"1 and 'x'", "true"},
                   {"0 and ''", "true"},
                   {"null or false", "false"},
                   {"n or i", "true"},
                   {"f and missing", "false"},
               });
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
  checkJson(e, {
                   {"not null", "true"},
                   {"not f", "true"},
                   {"not 0", "false"},
                   {"not ''", "false"},
                   {"not not a", "true"},
                   {"not missing", "true"},
               });
}

TEST_CASE("in tests membership with numeric equality") {
  Eval e(kRecord);
  checkJson(e, {
                   {"2 in [1, 2]", "true"},
                   {"2.0 in [1, 2]", "true"},
                   {"3 in [1, 2]", "false"},
                   {"'1' in [1, 2]", "false"},
                   {"s in ['GET', 'HEAD']", "true"},
                   {"null in [null]", "true"},
                   {"missing in [1]", "false"},
                   {"x in []", "false"},
               });
}

TEST_CASE("in works with computed lists and arrays of the record") {
  Eval e(kRecord);
  checkJson(e, {
                   {"7 in [i, a.b]", "true"},
                   {"8 in [i, a.b]", "false"},
                   {"'bot' in tags", "true"},
                   {"'v3' in tags", "false"},
                   {"20 in a.c", "true"},
                   {"[2] in arr", "true"},
                   {"arr[3] in arr", "true"},
               });
}

TEST_CASE("in with containers as elements") {
  Eval e(kRecord);
  CHECK(e.json("a.c in [[10, 20, 30], 1]") == "true");
  CHECK(e.json("[1] in [[1.0], 2]") == "true");
}

TEST_CASE("in on something other than an array is false") {
  Eval e(kRecord);
  checkJson(e, {
                   {"'G' in s", "false"},
                   {"'k' in a", "false"},
                   {"1 in null", "false"},
               });
}

TEST_CASE("=~ is an RE2 partial match") {
  Eval e(R"({"host":"web-04.prod","name":"Łukasz"})");
  checkJson(e, {
                   {"host =~ 'web'", "true"},
                   {"host =~ '^web-0[1-4]\\\\.'", "true"},
                   {"host =~ '^prod'", "false"},
                   {"host =~ '(?i)WEB'", "true"},
                   {"name =~ '^.ukasz$'", "true"},
               });
}

TEST_CASE("=~ on a non-string is false") {
  Eval e(R"({"n":42,"a":["x"]})");
  checkJson(e, {
                   {"n =~ '4'", "false"},
                   {"a =~ 'x'", "false"},
                   {"missing =~ ''", "false"},
               });
}

TEST_CASE("test() agrees with the truthiness of eval()") {
  Eval e(kRecord);
  for (const char* text :
       {"a", "n", "f", "i", "arr", "missing", "a.c[0]", "s == 'GET'", "not a",
        "coalesce(n, f)", "[]", "a.c[1] > 15 and s =~ 'G'"}) {
    INFO(text);
    const bool truth = clusterproc::truthy(e.eval(text));
    CHECK(e.test(text) == truth);
  }
}
