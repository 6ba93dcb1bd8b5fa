#include "json_write.h"

#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

namespace clusterproc {
namespace {

std::string str(std::string_view s) {
  std::string out;
  appendJsonString(out, s);
  return out;
}

std::string dbl(double v) {
  std::string out;
  appendJsonDouble(out, v);
  return out;
}

TEST_CASE("json_write: quotes and backslashes are escaped") {
  CHECK(str("") == "\"\"");
  CHECK(str("plain") == "\"plain\"");
  CHECK(str("a\"b\\c") == "\"a\\\"b\\\\c\"");
  CHECK(str("/") == "\"/\"");
}

TEST_CASE("json_write: control characters use short or \\u00XX escapes") {
  CHECK(str("\b\f\n\r\t") == "\"\\b\\f\\n\\r\\t\"");
  CHECK(str(std::string_view("\0", 1)) == "\"\\u0000\"");
  CHECK(str("\x01\x1f") == "\"\\u0001\\u001f\"");
  CHECK(str("\x7f") == "\"\x7f\"");  // DEL is not a control character in JSON
}

TEST_CASE("json_write: UTF-8 and other high bytes pass through") {
  CHECK(str("h\xc3\xa9llo \xe2\x82\xac") == "\"h\xc3\xa9llo \xe2\x82\xac\"");
  CHECK(str("\xff\xfe") == "\"\xff\xfe\"");  // invalid UTF-8 is left as is
}

TEST_CASE("json_write: doubles use the shortest round-trip form") {
  CHECK(dbl(1.0) == "1");
  CHECK(dbl(0.1) == "0.1");
  CHECK(dbl(1e20) == "1e+20");
  CHECK(dbl(-2.5) == "-2.5");
  CHECK(dbl(100.0) == "100");
  CHECK(dbl(0.0) == "0");
  CHECK(dbl(-0.0) == "-0");
  CHECK(dbl(5e-324) == "5e-324");
  CHECK(dbl(1.7976931348623157e308) == "1.7976931348623157e+308");
}

TEST_CASE("json_write: non-finite doubles are null") {
  CHECK(dbl(std::numeric_limits<double>::infinity()) == "null");
  CHECK(dbl(-std::numeric_limits<double>::infinity()) == "null");
  CHECK(dbl(std::numeric_limits<double>::quiet_NaN()) == "null");
}

TEST_CASE("json_write: random doubles read back to the same bits") {
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 100000; ++i) {
    uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v)) continue;
    const std::string s = dbl(v);
    double back = 0;
    auto res = std::from_chars(s.data(), s.data() + s.size(), back);
    REQUIRE(res.ec == std::errc());
    REQUIRE(res.ptr == s.data() + s.size());
    REQUIRE(std::memcmp(&back, &v, sizeof v) == 0);
  }
}

TEST_CASE("json_write: integers at the ends of their ranges") {
  std::string out;
  appendJsonInt(out, std::numeric_limits<int64_t>::min());
  out += ' ';
  appendJsonInt(out, std::numeric_limits<int64_t>::max());
  out += ' ';
  appendJsonInt(out, 0);
  out += ' ';
  appendJsonUint(out, std::numeric_limits<uint64_t>::max());
  out += ' ';
  appendJsonUint(out, 0);
  CHECK(out ==
        "-9223372036854775808 9223372036854775807 0 18446744073709551615 0");
}

}  // namespace
}  // namespace clusterproc
