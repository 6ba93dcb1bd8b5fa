// Parsing expressions: error messages with their columns, default names,
// precedence.

#include <catch2/catch.hpp>
#include <string>

#include "expr.h"
#include "json_write.h"

using clusterproc::EvalArena;
using clusterproc::ExitCode;
using clusterproc::parseExpr;
using clusterproc::Value;

namespace {

/// The message of the error parsing text as --where (the parse must fail).
std::string errorOf(const std::string& text,
                    const std::string& option = "--where") {
  auto r = parseExpr(text, option);
  INFO(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ExitCode::kUsage);
  return r.status().message();
}

/// The default name of text (the parse must succeed).
std::string nameOf(const std::string& text) {
  auto r = parseExpr(text, "--select");
  INFO(text);
  REQUIRE(r.ok());
  return r.value()->name();
}

/// text evaluated against {} as JSON text.
std::string constantJson(const std::string& text) {
  auto r = parseExpr(text, "--select");
  INFO(text);
  REQUIRE(r.ok());
  simdjson::dom::parser parser;
  simdjson::dom::element record = parser.parse(std::string("{}")).value();
  EvalArena arena;
  std::string out;
  clusterproc::appendValueJson(out, r.value()->eval(record, arena));
  return out;
}

}  // namespace

TEST_CASE("an unclosed parenthesis is reported where ')' was expected") {
  CHECK(errorOf("(status == 1") ==
        "error in --where at column 13: expected ')'");
  CHECK(errorOf("(status == 1 or (x") ==
        "error in --where at column 19: expected ')'");
}

TEST_CASE("a stray closing parenthesis is an unexpected token") {
  CHECK(errorOf("status == 1)") ==
        "error in --where at column 12: unexpected ')'");
}

TEST_CASE("an operator where an operand belongs is an unexpected token") {
  CHECK(errorOf("status == == 1") ==
        "error in --where at column 11: unexpected '=='");
  CHECK(errorOf("status == and") ==
        "error in --where at column 11: unexpected 'and'");
  CHECK(errorOf("* 2") == "error in --where at column 1: unexpected '*'");
}

TEST_CASE("an expression that stops early ends unexpectedly") {
  CHECK(errorOf("status ==") ==
        "error in --where at column 10: unexpected end of expression");
  CHECK(errorOf("not") ==
        "error in --where at column 4: unexpected end of expression");
}

TEST_CASE("malformed numbers are rejected with their text") {
  CHECK(errorOf("status == 01") ==
        "error in --where at column 11: invalid number '01'");
  CHECK(errorOf("x == 1.5.3") ==
        "error in --where at column 6: invalid number '1.5.3'");
  CHECK(errorOf("x == 1e") ==
        "error in --where at column 6: invalid number '1e'");
  CHECK(errorOf("x == 12ab") ==
        "error in --where at column 6: invalid number '12ab'");
  CHECK(errorOf("x == .5") ==
        "error in --where at column 6: invalid number (write 0.5, not .5)");
  CHECK(errorOf("x == 1e-999") ==
        "error in --where at column 6: invalid number '1e-999' (out of range)");
}

TEST_CASE("an unterminated string is reported at its opening quote") {
  CHECK(errorOf("method == \"GET") ==
        "error in --where at column 11: unterminated string");
  CHECK(errorOf("method == 'GET") ==
        "error in --where at column 11: unterminated string");
  CHECK(errorOf("method == \"GET\\") ==
        "error in --where at column 11: unterminated string");
}

TEST_CASE("bad escapes in strings are reported at the backslash") {
  CHECK(errorOf(R"(x == "a\qb")") ==
        R"(error in --where at column 8: invalid escape '\q')");
  CHECK(errorOf(R"(x == "\u12")") ==
        R"(error in --where at column 7: invalid \u escape)");
  CHECK(errorOf(R"(x == "\udc00")") ==
        R"(error in --where at column 7: invalid \u escape (lone surrogate))");
  CHECK(errorOf(R"(x == "it\'s")") ==
        R"(error in --where at column 9: invalid escape '\'')");
  CHECK(
      errorOf("x == \"a\tb\"") ==
      "error in --where at column 8: control character in string (escape it)");
}

TEST_CASE("an unknown function is reported at its name") {
  CHECK(errorOf("foo(1) == 2") ==
        "error in --where at column 1: unknown function 'foo'");
  CHECK(errorOf("x and sum(bytes) > 1") ==
        "error in --where at column 7: unknown function 'sum' (aggregates "
        "belong in --agg)");
}

TEST_CASE("a wrong number of arguments is reported at the function name") {
  CHECK(errorOf("len(a, b)") ==
        "error in --where at column 1: len() takes 1 argument (got 2)");
  CHECK(
      errorOf("x or substr(a)") ==
      "error in --where at column 6: substr() takes 2 or 3 arguments (got 1)");
  CHECK(errorOf("coalesce()") ==
        "error in --where at column 1: coalesce() takes at least 1 argument "
        "(got 0)");
  CHECK(errorOf("contains(a)") ==
        "error in --where at column 1: contains() takes 2 arguments (got 1)");
}

TEST_CASE("an unclosed argument list expects ',' or ')'") {
  CHECK(errorOf("len(a b)") ==
        "error in --where at column 7: expected ',' or ')'");
  CHECK(errorOf("[1, 2") ==
        "error in --where at column 6: expected ',' or ']'");
}

TEST_CASE("the regex of =~ must be a string literal") {
  CHECK(errorOf("host =~ pattern") ==
        "error in --where at column 9: expected a string literal after '=~'");
  CHECK(errorOf("host =~ (\"a\")") ==
        "error in --where at column 9: expected a string literal after '=~'");
}

TEST_CASE("an invalid regex is reported at its literal with RE2's reason") {
  CHECK(errorOf("host =~ \"(ab\"") ==
        "error in --where at column 9: invalid regex: missing ): (ab");
}

TEST_CASE("an empty expression is an error at column 1") {
  CHECK(errorOf("") == "error in --where at column 1: empty expression");
  CHECK(errorOf("   ") == "error in --where at column 1: empty expression");
}

TEST_CASE("trailing tokens after a complete expression are unexpected") {
  CHECK(errorOf("status 200") ==
        "error in --where at column 8: unexpected '200'");
  CHECK(errorOf("a == 1 b") == "error in --where at column 8: unexpected 'b'");
  CHECK(errorOf("a, b") == "error in --where at column 2: unexpected ','");
}

TEST_CASE("comparisons do not chain") {
  CHECK(errorOf("1 < a < 3") ==
        "error in --where at column 7: unexpected '<' (comparisons do not "
        "chain; use parentheses)");
  CHECK(errorOf("a == b in [1]") ==
        "error in --where at column 8: unexpected 'in' (comparisons do not "
        "chain; use parentheses)");
}

TEST_CASE("characters of other languages get a hint") {
  CHECK(errorOf("a = 1") ==
        "error in --where at column 3: unexpected character '=' (did you mean "
        "'=='?)");
  CHECK(errorOf("!a") ==
        "error in --where at column 1: unexpected character '!' (did you mean "
        "'not'?)");
  CHECK(errorOf("a && b") ==
        "error in --where at column 3: unexpected character '&' (did you mean "
        "'and'?)");
  CHECK(errorOf("a @ b") ==
        "error in --where at column 3: unexpected character '@'");
}

TEST_CASE("a dot must be followed by a key") {
  CHECK(errorOf("a. b") ==
        "error in --where at column 4: expected a key after '.'");
  CHECK(errorOf("a.") ==
        "error in --where at column 3: expected a key after '.'");
}

TEST_CASE("exists() takes a path") {
  CHECK(errorOf("exists(1 + a)") ==
        "error in --where at column 8: exists() takes a path, such as .a.b or "
        ".a[0]");
}

TEST_CASE("the first problem in reading order is the one reported") {
  CHECK(errorOf("(a b \"unterminated") ==
        "error in --where at column 4: expected ')'");
  CHECK(errorOf("(a \"unterminated") ==
        "error in --where at column 4: unterminated string");
}

TEST_CASE("error messages name the option they come from") {
  CHECK(errorOf("(a", "--group-by") ==
        "error in --group-by at column 3: expected ')'");
}

TEST_CASE("default names drop white space outside strings") {
  CHECK(nameOf("  user .id  ") == "user.id");
  CHECK(nameOf("status >= 500") == "status>=500");
  CHECK(nameOf("len( tags ) + 1") == "len(tags)+1");
  CHECK(nameOf("'a b'") == "'a b'");
  // A single key in brackets or quotes is named by the key itself.
  CHECK(nameOf(R"(.["key with space"])") == "key with space");
  CHECK(nameOf(R"(.["id.orig_h"])") == "id.orig_h");
  CHECK(nameOf(R"(."user-agent")") == "user-agent");
  // ... but the empty key keeps its text: a column needs a name (fuzz finding).
  CHECK(nameOf(R"(.[""])") == R"(.[""])");
  CHECK(nameOf(R"(."")") == R"(."")");
  CHECK(nameOf(R"(.a["b c"])") == R"(.a["b c"])");
  CHECK(nameOf(R"(.["a"][0])") == R"(.["a"][0])");
  CHECK(nameOf(R"(x == "a \" b")") == R"(x=="a \" b")");
}

TEST_CASE("default names keep one space around operator words") {
  CHECK(nameOf("not  ok") == "not ok");
  CHECK(nameOf("x in [1, 2]") == "x in [1,2]");
  CHECK(nameOf("len(a) > 1 and b") == "len(a)>1 and b");
  CHECK(nameOf("(a) or (b)") == "(a) or (b)");
  CHECK(nameOf(".in == 1") == ".in==1");
  CHECK(nameOf("2 .a") == "2 .a");  // "2.a" would be a malformed number
}

TEST_CASE("multiplication binds tighter than addition") {
  CHECK(constantJson("1 + 2 * 3") == "7");
  CHECK(constantJson("(1 + 2) * 3") == "9");
  CHECK(constantJson("2 * 3 % 4") == "2");
}

TEST_CASE("subtraction and division associate to the left") {
  CHECK(constantJson("10 - 2 - 3") == "5");
  CHECK(constantJson("8 / 2 / 2") == "2");
}

TEST_CASE("unary minus binds tighter than multiplication") {
  CHECK(constantJson("-2 * 3") == "-6");
  CHECK(constantJson("- -2") == "2");
  CHECK(constantJson("-[1][0]") == "-1");
}

TEST_CASE(
    "comparison binds tighter than not, not tighter than and, and than or") {
  CHECK(constantJson("not 1 == 2") == "true");
  CHECK(constantJson("true or false and false") == "true");
  CHECK(constantJson("not false and false") == "false");
  CHECK(constantJson("1 + 1 == 2 and 3 > 2") == "true");
}

TEST_CASE("expressions without record paths are folded to constants") {
  auto r =
      parseExpr("len('abc') * 2 + epoch('1970-01-01T00:00:01Z')", "--select");
  REQUIRE(r.ok());
  CHECK(r.value()->isConstant());
  auto p = parseExpr("len(a) * 2", "--select");
  REQUIRE(p.ok());
  CHECK_FALSE(p.value()->isConstant());
}

TEST_CASE("keywords are keys after a dot") {
  CHECK(constantJson(".and") == "null");
  auto r = parseExpr(".not == .in", "--where");
  CHECK(r.ok());
}

TEST_CASE("nesting is bounded") {
  const std::string deep = std::string(300, '(') + "a" + std::string(300, ')');
  CHECK(errorOf(deep) ==
        "error in --where at column 257: expression nested too deeply");
  CHECK(errorOf(std::string(300, '-') + "1") ==
        "error in --where at column 256: expression nested too deeply");
  auto ok =
      parseExpr(std::string(200, '(') + "a" + std::string(200, ')'), "--where");
  CHECK(ok.ok());
}

TEST_CASE("operator chains are bounded") {
  std::string chain = "a";
  for (int i = 0; i < 5000; ++i) chain += "+a";
  CHECK(errorOf(chain) ==
        "error in --where at column 8194: expression too long");
}

TEST_CASE("identifiers may contain non-ASCII letters") {
  auto r = parseExpr("région == 'EU'", "--where");
  REQUIRE(r.ok());
  CHECK(r.value()->name() == "région=='EU'");
  simdjson::dom::parser parser;
  simdjson::dom::element record =
      parser.parse(std::string(R"({"région":"EU"})")).value();
  EvalArena arena;
  CHECK(r.value()->test(record, arena));
}
