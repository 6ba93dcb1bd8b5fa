#include "row_columns.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "row_spool.h"

using namespace clusterproc;

namespace {

using Cells = std::vector<std::string>;

Cells split(RowColumns& columns, std::string_view row) {
  Cells cells;
  REQUIRE(columns.split(row, cells).ok());
  return cells;
}

}  // namespace

TEST_CASE(
    "row_columns: whole records grow the columns in order of first "
    "appearance") {
  RowColumns columns({}, false);
  CHECK(split(columns, R"({"a":1,"b":2})") == Cells{"1", "2"});
  CHECK(split(columns, R"({"c":3,"a":4})") == Cells{"4", "", "3"});
  CHECK(columns.names() == Cells{"a", "b", "c"});
  CHECK(split(columns, R"({"b":5})") == Cells{"", "5", ""});
}

TEST_CASE(
    "row_columns: cells are strings' bytes, JSON text otherwise, numbers as "
    "written") {
  RowColumns columns({}, false);
  CHECK(
      split(
          columns,
          R"({"s":"a\"\u00e9","n":1.50,"e":1E400,"big":123456789012345678901234,)"
          R"("z":null,"t":true,"o":{ "x" : [1, "a b"] }})") ==
      Cells{"a\"é", "1.50", "1E400", "123456789012345678901234", "", "true",
            R"({"x":[1,"a b"]})"});
}

TEST_CASE("row_columns: a repeated key fills as many columns of that name") {
  RowColumns columns({}, false);
  CHECK(split(columns, R"({"a":1,"a":2})") == Cells{"1", "2"});
  CHECK(split(columns, R"({"a":3})") == Cells{"3", ""});
  CHECK(columns.names() == Cells{"a", "a"});
}

TEST_CASE("row_columns: a row that is not an object is the column '.'") {
  RowColumns columns({}, false);
  CHECK(split(columns, R"({"a":1})") == Cells{"1"});
  CHECK(split(columns, R"([1, 2])") == Cells{"", "[1,2]"});
  CHECK(split(columns, R"("x")") == Cells{"", "x"});
  CHECK(split(columns, "null") == Cells{"", ""});
  CHECK(columns.names() == Cells{"a", "."});
}

TEST_CASE("row_columns: fixed columns never grow; another key is an error") {
  RowColumns columns({"a", "b"}, false);
  CHECK(split(columns, R"({"b":2})") == Cells{"", "2"});
  Cells cells;
  Status s = columns.split(R"({"a":1,"c":3})", cells);
  CHECK_FALSE(s.ok());
  CHECK(s.message() ==
        "an output row has the key 'c', which is not one of its columns");
}

TEST_CASE("row_columns: more than kMaxColumns keys is an error") {
  RowColumns columns({}, false);
  std::string row = "{";
  for (size_t i = 0; i <= kMaxColumns; ++i)
    row += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  row += '}';
  Cells cells;
  CHECK_FALSE(columns.split(row, cells).ok());
}

TEST_CASE(
    "row_columns: short floats are 7 significant digits, integers exact") {
  RowColumns columns({}, true);
  std::vector<char> numeric;
  Cells cells;
  REQUIRE(
      columns
          .split(
              R"({"f":44.99879355679,"i":12345678901234567,"e":1e400,"g":2.0,"s":"1.5"})",
              cells, &numeric)
          .ok());
  CHECK(cells == Cells{"44.99879", "12345678901234567", "1e400", "2", "1.5"});
  CHECK(numeric == std::vector<char>{1, 1, 1, 1, 0});
  CHECK(shortFloat("1234567.891") == "1234568");
  CHECK(shortFloat("0.000123456789") == "0.0001234568");
  CHECK(shortFloat("1743112583.5") ==
        "1743112584");  // whole from 10^7 to 10^15
  CHECK(shortFloat("1.5e16") == "1.5e+16");
}

TEST_CASE("row_spool: rows come back in order, from memory or from a file") {
  for (size_t memory : {size_t{1} << 20, size_t{7}}) {
    RowSpool spool(memory);
    std::vector<std::string> rows;
    for (int i = 0; i < 100; ++i)
      rows.push_back(std::string(i % 13, 'x') + std::to_string(i));
    for (const std::string& r : rows) REQUIRE(spool.append(r).ok());
    CHECK(spool.spilled() == (memory == 7));
    std::vector<std::string> back;
    REQUIRE(spool
                .replay([&](std::string_view r) {
                  back.emplace_back(r);
                  return Status();
                })
                .ok());
    CHECK(back == rows);
  }
}
