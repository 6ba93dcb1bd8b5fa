#include "big_number.h"

#include <catch2/catch.hpp>
#include <string>
#include <thread>

#include "value.h"

using namespace clusterproc;

namespace {

Value parsed(JsonParser& parser, const std::string& text, EvalArena& arena) {
  simdjson::dom::element root;
  REQUIRE(parser.parse(text, root) == simdjson::SUCCESS);
  return fromElement(root, arena);
}

}  // namespace

TEST_CASE("JsonParser reads numbers beyond simdjson's range as big numbers",
          "[big_number]") {
  JsonParser parser;
  EvalArena arena;
  simdjson::dom::element root;
  REQUIRE(
      parser.parse(
          std::string(R"({"s":"1e400","v":1e400,"w":[18446744073709551616]})"),
          root) == simdjson::SUCCESS);
  simdjson::dom::element s = root["s"].value(), v = root["v"].value();
  CHECK_FALSE(isBigNumber(s.get_string().value()));  // a real string stays one
  CHECK(isBigNumber(v.get_string().value()));
  std::string text;
  appendElementJson(text, root);
  CHECK(text == R"({"s":"1e400","v":1e400,"w":[18446744073709551616]})");
  // The marks go with the next parse of the same parser.
  REQUIRE(parser.parse(std::string(R"({"v":"1e400"})"), root) ==
          simdjson::SUCCESS);
  CHECK_FALSE(isBigNumber(root["v"].get_string().value()));
  CHECK_FALSE(bigNumbersSeen());
  // Malformed numbers stay errors.
  CHECK(parser.parse(std::string("[01]"), root) != simdjson::SUCCESS);
  CHECK(parser.parse(std::string("[1e400,01]"), root) != simdjson::SUCCESS);
  (void)arena;
}

TEST_CASE("a JsonParser's big-number marks go with it", "[big_number]") {
  {
    JsonParser parser;
    simdjson::dom::element root;
    REQUIRE(parser.parse(std::string("[1e400]"), root) == simdjson::SUCCESS);
    CHECK(bigNumbersSeen());
  }
  // A string later at the same address is never taken for a number.
  CHECK_FALSE(bigNumbersSeen());
}

TEST_CASE("a parser that outlives its thread's marks does not touch them",
          "[big_number]") {
  // The parser is made before the thread's marks, so it is destroyed after
  // them when the thread ends (as a static parser is at exit). Under ASan
  // (tools/dev sanitize) a look at the destroyed marks is a failure.
  bool parsed_big = false;
  std::thread thread([&parsed_big] {
    static thread_local JsonParser parser;
    simdjson::dom::element root;
    parsed_big =
        parser.parse(std::string("[1e400]"), root) == simdjson::SUCCESS &&
        bigNumbersSeen();
  });
  thread.join();
  CHECK(parsed_big);
}

TEST_CASE("big numbers compare, hash and print exactly", "[big_number]") {
  JsonParser parser;
  EvalArena arena;
  const Value big = parsed(parser, "100000000000000000000", arena);
  REQUIRE(big.isBig());
  CHECK(equalValues(big, Value::number(1e20)));
  CHECK(hashValue(big) == hashValue(Value::number(1e20)));
  const Value above = Value::big("18446744073709551617");
  CHECK(compareValues(above, Value::uinteger(UINT64_MAX)) > 0);
  CHECK(compareValues(above, Value::number(18446744073709551616.0)) > 0);
  CHECK(compareValues(Value::big("-1e+9999"),
                      Value::number(-1.7976931348623157e308)) < 0);
  CHECK(compareValues(Value::big("1e400"), Value::big("10e399")) == 0);
  CHECK(hashValue(Value::big("1e400")) == hashValue(Value::big("10e399")));
  CHECK(compareValues(Value::big("1e400"), Value::string("")) <
        0);  // numbers before strings
  std::string out;
  appendValueJson(out, Value::big("-1e+9999"));
  CHECK(out == "-1e+9999");
  OwnedValue owned(above);
  CHECK(owned.v.s.data() != above.s.data());
  CHECK(owned.v.isBig());
}

TEST_CASE("BigIntSum adds integers of any size exactly", "[big_number]") {
  BigIntSum s;
  s.addText("18446744073709551616");
  s.addText("-123456789012345678901234567890");
  s.add(static_cast<__int128>(INT64_MIN) * 4);
  BigIntSum t;
  t.addText("123456789012345678901234567890");
  s.merge(t);
  // 2^64 - 2^65 = -2^64
  CHECK(s.toString() == "-18446744073709551616");
  s.addText("18446744073709551616");
  CHECK(s.isZero());
  CHECK(s.toString() == "0");
  ByteWriter w;
  t.serialize(w);
  ByteReader r(w.str());
  BigIntSum u;
  REQUIRE(u.deserialize(r));
  CHECK(u.toString() == "123456789012345678901234567890");
  CHECK(u.toDouble() == 1.2345678901234568e29);
}

TEST_CASE("decimals compare exactly", "[big_number]") {
  CHECK(compareDecimals(decimalOfText("0.5"), decimalOfDouble(0.5)) == 0);
  CHECK(compareDecimals(decimalOfText("0.1"), decimalOfDouble(0.1)) <
        0);  // 0.1 as a double is above
  CHECK(compareDecimals(decimalOfText("-0"), decimalOfText("0e10")) == 0);
  CHECK(compareDecimals(decimalOfText("5300e-2"), decimalOfText("53")) == 0);
  CHECK(canonicalText(decimalOfText("5300e-2")) ==
        canonicalText(decimalOfText("53.0")));
}
