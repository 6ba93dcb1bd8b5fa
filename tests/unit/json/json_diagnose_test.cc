#include "json_diagnose.h"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "test_util.h"

namespace clusterproc {
namespace {

// The text with non-printable bytes as \xNN, for failure messages.
std::string printable(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

void expectProblem(std::string_view text, size_t column,
                   const std::string& what) {
  INFO("text: " << printable(text));
  JsonProblem problem = diagnoseJson(text);
  CHECK(problem.found);
  CHECK(problem.what == what);
  CHECK(problem.column == column);
}

void expectValid(std::string_view text) {
  INFO("text: " << printable(text));
  JsonProblem problem = diagnoseJson(text);
  CHECK_FALSE(problem.found);
  CHECK(problem.what.empty());
}

// What simdjson's DOM parser rejects: a problem, or a number beyond its range.
bool rejects(const JsonProblem& p) { return p.found || !p.big_numbers.empty(); }

bool simdjsonRejects(std::string_view text) {
  static simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  return parser.parse(padded).error() != simdjson::SUCCESS;
}

std::vector<std::string> sampleLines() {
  // Relative to this file, so the test runs from the build folder as well
  // as from the repository root.
  // (tests/unit/json/ -> the repository root)
  auto root = std::filesystem::path(__FILE__)
                  .parent_path()
                  .parent_path()
                  .parent_path()
                  .parent_path();
  return testing::specLines(
      testing::readFile((root / "data" / "sample.jsonl").string()));
}

}  // namespace

TEST_CASE("diagnoseJson accepts every line of the sample", "[json_diagnose]") {
  std::vector<std::string> lines = sampleLines();
  REQUIRE(lines.size() > 100);
  for (const std::string& line : lines) expectValid(line);
}

TEST_CASE("diagnoseJson accepts edge cases of the grammar", "[json_diagnose]") {
  // clang-format off
  const std::string_view valid[] = {
      "[]", " {} ", "\t\r\n[ ]\n", "-0", "0", "1E+5", "-0.0e-0", "true",
      "\"\\u0000\"", "\"a\x7f\"", "\"\\ud83d\\ude00\"", "\"\\uDBFF\\uDFFF\"",
      "\"\xf4\x8f\xbf\xbf\"", "\"\xed\x9f\xbf\"",
      "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "18446744073709551615",
      "-9223372036854775808", "1e-400", "0e99999999999999999999",
      "1.7976931348623157e308", "{\"a\":[1,{\"b\":null}],\"c\":false}"};
  // clang-format on
  for (std::string_view text : valid) expectValid(text);
}

TEST_CASE("diagnoseJson reports a trailing comma in an object",
          "[json_diagnose]") {
  expectProblem("{\"a\":1,}", 8,
                "expected '\"' to start a member name, found '}'");
}

TEST_CASE("diagnoseJson reports an unquoted member name", "[json_diagnose]") {
  expectProblem("{ts:\"x\"}", 2,
                "expected '\"' to start a member name, found 't'");
}

TEST_CASE("diagnoseJson reports an unclosed object at the end of the line",
          "[json_diagnose]") {
  expectProblem("{\"a\":1", 7, "expected ',' or '}', found end of line");
}

TEST_CASE("diagnoseJson reports a missing comma in an array",
          "[json_diagnose]") {
  expectProblem("[1 2]", 4, "expected ',' or ']', found '2'");
}

TEST_CASE("diagnoseJson reports a missing colon", "[json_diagnose]") {
  expectProblem("{\"a\" 1}", 6, "expected ':' after a member name, found '1'");
}

TEST_CASE("diagnoseJson reports an unterminated string at its quote",
          "[json_diagnose]") {
  expectProblem("{\"a\":\"abc", 6, "unterminated string");
  expectProblem("[\"ab\\", 2, "unterminated string");
  expectProblem("[\"\\ud800", 2, "unterminated string");
}

TEST_CASE("diagnoseJson reports text after the value", "[json_diagnose]") {
  expectProblem("[1,2]]", 6, "unexpected text after the value, found ']'");
}

TEST_CASE("diagnoseJson reports invalid UTF-8 in and out of strings",
          "[json_diagnose]") {
  expectProblem("[\"a\xff\"]", 4, "invalid UTF-8 byte 0xff");
  expectProblem("[\xff]", 2, "invalid UTF-8 byte 0xff");
  expectProblem("[1]\xff", 4, "invalid UTF-8 byte 0xff");
  expectProblem("\"\x80\"", 2,
                "invalid UTF-8 byte 0x80 (continuation byte without a lead "
                "byte)");
}

TEST_CASE("diagnoseJson reports overlong UTF-8", "[json_diagnose]") {
  expectProblem("\"\xc0\xaf\"", 2,
                "invalid UTF-8 byte 0xc0 (overlong encoding)");
  expectProblem("\"\xe0\x80\xaf\"", 2,
                "invalid UTF-8 byte 0xe0 (overlong encoding)");
  expectProblem("\"\xf0\x8f\xbf\xbf\"", 2,
                "invalid UTF-8 byte 0xf0 (overlong encoding)");
}

TEST_CASE("diagnoseJson reports surrogates encoded in UTF-8",
          "[json_diagnose]") {
  expectProblem("\"\xed\xa0\x80\"", 2,
                "invalid UTF-8 byte 0xed (encodes a surrogate)");
  expectProblem("\"\xed\xbf\xbf\"", 2,
                "invalid UTF-8 byte 0xed (encodes a surrogate)");
}

TEST_CASE("diagnoseJson reports UTF-8 above U+10FFFF", "[json_diagnose]") {
  expectProblem("\"\xf4\x90\x80\x80\"", 2,
                "invalid UTF-8 byte 0xf4 (above U+10FFFF)");
  expectProblem("\"\xf5\x80\x80\x80\"", 2, "invalid UTF-8 byte 0xf5");
}

TEST_CASE("diagnoseJson reports truncated UTF-8 sequences", "[json_diagnose]") {
  expectProblem("\"\xc3\"", 2, "invalid UTF-8 byte 0xc3 (truncated sequence)");
  expectProblem("\"\xe2\x82", 2,
                "invalid UTF-8 byte 0xe2 (truncated sequence)");
}

TEST_CASE("diagnoseJson reports control characters in strings",
          "[json_diagnose]") {
  expectProblem("[\"a\nb\"]", 4, "control character 0x0a in string");
  expectProblem(std::string_view("\"\0\"", 3), 2,
                "control character 0x00 in string");
}

TEST_CASE("diagnoseJson reports unknown escapes", "[json_diagnose]") {
  expectProblem("[\"a\\x\"]", 4, "invalid escape '\\x'");
  expectProblem("[\"\\\x01\"]", 3,
                "invalid escape: '\\' followed by byte 0x01");
}

TEST_CASE("diagnoseJson reports bad hex digits in \\u escapes",
          "[json_diagnose]") {
  expectProblem("\"\\u12G4\"", 2,
                "invalid escape '\\u12', expected 4 hex digits, found 'G'");
  expectProblem("\"\\u1\"", 2,
                "invalid escape '\\u1', expected 4 hex digits, found '\"'");
}

TEST_CASE("diagnoseJson reports unpaired surrogate escapes",
          "[json_diagnose]") {
  expectProblem("\"\\ud800\"", 2, "unpaired surrogate \\ud800");
  expectProblem("\"x\\uD800\\u0041\"", 3, "unpaired surrogate \\uD800");
  expectProblem("\"\\ud800\\ud800\"", 2, "unpaired surrogate \\ud800");
  expectProblem("\"\\udc00\"", 2, "unpaired surrogate \\udc00");
}

TEST_CASE("diagnoseJson reports malformed numbers", "[json_diagnose]") {
  expectProblem("01", 2, "invalid number '01': leading zeros are not allowed");
  expectProblem("1.", 3,
                "invalid number '1.', expected a digit after '.', found end "
                "of line");
  expectProblem("[1.]", 4,
                "invalid number '1.', expected a digit after '.', found ']'");
  expectProblem(".5", 1,
                "invalid number '.5', expected a digit or '-', found '.'");
  expectProblem("-", 2,
                "invalid number '-', expected a digit after '-', found end of "
                "line");
  expectProblem("1e", 3,
                "invalid number '1e', expected a digit in the exponent, found "
                "end of line");
  expectProblem("+1", 1,
                "invalid number '+1', expected a digit or '-', found '+'");
  expectProblem("0x10", 2, "invalid number '0x10', unexpected 'x'");
}

// Numbers that simdjson rejects are valid JSON: listed, not problems.
void expectBig(std::string_view text, size_t offset, size_t size,
               size_t strings_before) {
  INFO("text: " << printable(text));
  JsonProblem problem = diagnoseJson(text);
  CHECK_FALSE(problem.found);
  REQUIRE(problem.big_numbers.size() == 1);
  CHECK(problem.big_numbers[0].offset == offset);
  CHECK(problem.big_numbers[0].size == size);
  CHECK(problem.big_numbers[0].strings_before == strings_before);
}

TEST_CASE("diagnoseJson lists integers outside [-2^63, 2^64)",
          "[json_diagnose]") {
  expectBig("18446744073709551616", 0, 20, 0);
  expectBig("[-9223372036854775809]", 1, 20, 0);
  expectBig("{\"a\":\"x\",\"v\":100000000000000000000}", 13, 21, 3);
  CHECK(diagnoseJson("[18446744073709551615,-9223372036854775808]")
            .big_numbers.empty());
  // Still malformed whatever their size.
  expectProblem("[01]", 3,
                "invalid number '01': leading zeros are not allowed");
}

TEST_CASE("diagnoseJson lists floats that overflow to infinity",
          "[json_diagnose]") {
  expectBig("1e400", 0, 5, 0);
  expectBig("[-1e+9999]", 1, 8, 0);
  CHECK(diagnoseJson("1e-400").big_numbers.empty());
  // 2^1024 - 2^970, exactly halfway between DBL_MAX and 2^1024, rounds to
  // infinity (ties to even); anything below it rounds to DBL_MAX.
  const std::string halfway =
      "1797693134862315807937289714053034150799341327100378269361737789804449"
      "6829276475094664901797758720709633028641669288791094655554785194040263"
      "0657488671505820681908902000708383676273854845817711531764475730270069"
      "8555713669596228429148198608349364752927190741684443655107043427115596"
      "99508093042880177904174497792";
  CHECK(diagnoseJson("0." + halfway + "e309").big_numbers.size() == 1);
  std::string below = halfway;
  below.back() -= 1;
  CHECK(diagnoseJson("0." + below + "999e309").big_numbers.empty());
  CHECK(simdjsonRejects("0." + halfway + "e309"));
  CHECK_FALSE(simdjsonRejects("0." + below + "999e309"));
}

TEST_CASE("diagnoseJson reports invalid literals", "[json_diagnose]") {
  expectProblem("NaN", 1,
                "invalid literal 'NaN', expected true, false or null");
  expectProblem("[Infinity]", 2,
                "invalid literal 'Infinity', expected true, false or null");
  expectProblem("tru", 1,
                "invalid literal 'tru', expected true, false or null");
  expectProblem("[nul]", 2,
                "invalid literal 'nul', expected true, false or null");
}

TEST_CASE("diagnoseJson reports nesting deeper than max_depth",
          "[json_diagnose]") {
  // As simdjson: the root is level 1 and an empty container adds no level.
  expectValid(std::string(1024, '[') + std::string(1024, ']'));
  expectValid("[" + std::string(1022, '[') + "1" + std::string(1023, ']'));
  expectProblem(std::string(1025, '[') + std::string(1025, ']'), 1025,
                "nested deeper than 1024 levels");
  expectProblem(std::string(1024, '[') + "1" + std::string(1024, ']'), 1025,
                "nested deeper than 1024 levels");
  CHECK(diagnoseJson("[[[1]]]", 3).what == "nested deeper than 3 levels");
  CHECK_FALSE(diagnoseJson("[[[]]]", 3).found);
}

TEST_CASE("diagnoseJson stops at the depth limit of 10^6 nested arrays",
          "[json_diagnose]") {
  std::string deep(1'000'000, '[');
  expectProblem(deep, 1025, "nested deeper than 1024 levels");
  // Without a limit the explicit stack takes them all: no recursion.
  JsonProblem unlimited = diagnoseJson(deep, SIZE_MAX);
  CHECK(unlimited.what == "expected a value, found end of line");
  CHECK(unlimited.column == deep.size() + 1);
}

// No timing assertion (tests never assert on time): a quadratic scan of
// these 4 MB texts would make the suite visibly hang instead.
TEST_CASE("diagnoseJson handles multi-megabyte texts of each kind",
          "[json_diagnose]") {
  const size_t n = 4'000'000;
  CHECK(diagnoseJson(std::string(n, '1')).big_numbers.size() == 1);  // integer
  CHECK(diagnoseJson("0." + std::string(n, '0') + "1e400").found == false);
  CHECK(diagnoseJson("\"" + std::string(n, 'a')).found);       // string
  CHECK(diagnoseJson(std::string(n, ' ')).found);              // empty
  CHECK(diagnoseJson("[" + std::string(n, 'x') + "]").found);  // literal
}

TEST_CASE("diagnoseJson reports an empty or blank text", "[json_diagnose]") {
  expectProblem("", 1, "no JSON value");
  expectProblem(" \t\r\n", 5, "no JSON value");
}

TEST_CASE("diagnoseJson knows only RFC 8259 white space", "[json_diagnose]") {
  expectProblem("\v1", 1, "expected a value, found byte 0x0b");
  expectProblem("[1,\f2]", 4, "expected a value, found byte 0x0c");
  expectProblem("[\xc2\xa0 1]", 2, "expected a value, found byte 0xc2");
}

TEST_CASE("describeJsonProblem prefixes the column", "[json_diagnose]") {
  CHECK(describeJsonProblem(diagnoseJson("{\"a\":1,}")) ==
        "invalid JSON at column 8: expected '\"' to start a member name, "
        "found '}'");
}

TEST_CASE("diagnoseJson agrees with simdjson on edge cases",
          "[json_diagnose]") {
  // clang-format off
  const std::string_view cases[] = {
      "[\"\\udc00\"]", "[\"\\ud800\\u0041\"]", "[\"\\ud800\\udc00\"]",
      "[\"\\ud800\\u00G0\"]", "18446744073709551615", "18446744073709551616",
      "100000000000000000000", "-9223372036854775808", "-9223372036854775809",
      "1.7976931348623158e308", "1.797693134862315808e308",
      "0.0000000000000000000000000001e336", "1e-99999999999999999999",
      "10000000000000000000000000000000000000000000e+300", "[true\"a\"]",
      "[1\"a\"]", "truex", "[1]x", "{\"a\":1}{", "[\f1]", "[\"a\x7f\"]",
      "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe0\x9f\xbf\"", "[-]",
      "[-01]", "[1.e5]", "{\"a\"}", "{,}", "[,]", "[1,]", "{\"a\":1,,\"b\":2}",
      " ", ""};
  // clang-format on
  for (std::string_view text : cases) {
    INFO("text: " << printable(text));
    CHECK(rejects(diagnoseJson(text)) == simdjsonRejects(text));
  }
  for (size_t depth : {1023, 1024, 1025}) {
    std::string empty_inside(depth, '[');
    empty_inside += std::string(depth, ']');
    std::string value_inside(depth, '[');
    value_inside += "1" + std::string(depth, ']');
    std::string objects;
    for (size_t i = 0; i < depth; ++i) objects += "{\"a\":";
    objects += "1" + std::string(depth, '}');
    for (const std::string& text : {empty_inside, value_inside, objects}) {
      INFO("depth " << depth << ": " << text.substr(0, 20));
      CHECK(rejects(diagnoseJson(text)) == simdjsonRejects(text));
    }
  }
}

TEST_CASE("diagnoseJson agrees with simdjson on mutated sample lines",
          "[json_diagnose]") {
  std::vector<std::string> lines = sampleLines();
  REQUIRE(!lines.empty());
  // Bytes that break JSON in interesting ways, besides random ones.
  const std::string special =
      std::string("\",}{[]:\\\xff\x80\xc3\xed\xa0 \t0-.eE+9utnx/") + '\0';
  std::mt19937 rng(20240301);  // raw outputs only: same on every platform
  auto below = [&](size_t n) { return n == 0 ? 0 : rng() % n; };
  size_t rejected = 0;
  std::vector<std::string> disagreements;
  for (int round = 0; round < 10000; ++round) {
    std::string text = lines[below(lines.size())];
    for (size_t edits = 1 + below(3); edits > 0; --edits) {
      char byte = below(4) == 0 ? static_cast<char>(rng() & 0xff)
                                : special[below(special.size())];
      size_t pos = below(text.size());
      switch (below(7)) {
        case 0:
        case 1:
          if (!text.empty()) text.erase(pos, 1);
          break;
        case 2:
        case 3:
          text.insert(pos, 1, byte);
          break;
        case 4:
        case 5:
          if (!text.empty()) text[pos] = byte;
          break;
        default:
          text.resize(pos);
          break;
      }
    }
    JsonProblem problem = diagnoseJson(text);
    bool simdjson_rejects = simdjsonRejects(text);
    if (problem.found) {
      ++rejected;
      CHECK(problem.column >= 1);
      CHECK(problem.column <= text.size() + 1);
      CHECK(!problem.what.empty());
    }
    if (rejects(problem) != simdjson_rejects && disagreements.size() < 10) {
      disagreements.push_back(printable(text) + " -> " +
                              (problem.found ? problem.what : "accepted"));
    }
  }
  for (const std::string& d : disagreements) UNSCOPED_INFO(d);
  CHECK(disagreements.empty());
  CHECK(rejected > 5000);  // most mutations break the line
  CHECK(rejected < 9900);  // yet some leave it valid
}

}  // namespace clusterproc
