#include "row_writer.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "test_util.h"

using namespace clusterproc;

namespace {

/// Writes rows with format f into a file and returns what was written.
std::string render(Format f, const std::vector<std::string>& rows,
                   std::vector<std::string> columns = {}, size_t width = 0) {
  testing::TempDir dir;
  std::string path = dir.path() + "/out";
  Result<OutputFile> out = OutputFile::open(path);
  REQUIRE(out.ok());
  {
    std::unique_ptr<RowWriter> w =
        makeRowWriter(f, out.value(), std::move(columns), width);
    for (const std::string& r : rows) REQUIRE(w->write(r).ok());
    REQUIRE(w->finish().ok());
  }
  REQUIRE(out.value().commit().ok());
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("row_writer: jsonl writes each row on its own line") {
  CHECK(render(Format::kJsonl, {"{\"a\":1}", "{\"a\":2}"}) ==
        "{\"a\":1}\n{\"a\":2}\n");
}

TEST_CASE("row_writer: json is one array, empty when there are no rows") {
  CHECK(render(Format::kJson, {"{\"a\":1}", "{\"a\":2}"}) ==
        "[\n{\"a\":1},\n{\"a\":2}\n]\n");
  CHECK(render(Format::kJson, {}) == "[]\n");
}

TEST_CASE(
    "row_writer: csv quotes per RFC 4180 and writes nested values as JSON") {
  std::string got = render(
      Format::kCsv,
      {R"({"s":"a,b","q":"say \"hi\"","n":1.5,"z":null,"o":{"x":[1,2]}})",
       R"({"s":"line\nbreak","q":"","n":-3,"z":true,"o":[]})"});
  CHECK(got ==
        "s,q,n,z,o\n"
        "\"a,b\",\"say \"\"hi\"\"\",1.5,,\"{\"\"x\"\":[1,2]}\"\n"
        "\"line\nbreak\",,-3,true,[]\n");
}

TEST_CASE(
    "row_writer: csv takes columns from the job, missing keys are empty") {
  CHECK(render(Format::kCsv, {R"({"b":2})"}, {"a", "b"}) == "a,b\n,2\n");
  CHECK(render(Format::kCsv, {}, {"a", "b"}) == "a,b\n");
}

TEST_CASE("row_writer: tsv escapes tabs, newlines and backslashes") {
  CHECK(render(Format::kTsv, {R"({"a":"x\ty","b":"c:\\d\n"})"}) ==
        "a\tb\nx\\ty\tc:\\\\d\\n\n");
}

TEST_CASE("row_writer: a row that is not an object is one column named '.'") {
  CHECK(render(Format::kCsv, {"[1,2]", "\"s\""}) == ".\n\"[1,2]\"\ns\n");
}

TEST_CASE("row_writer: table aligns columns and right-aligns numbers") {
  std::string got = render(
      Format::kTable,
      {R"({"host":"a","count":5})", R"({"host":"bbbbbb","count":12345})"});
  CHECK(got ==
        "host    count\n"
        "──────  ─────\n"
        "a           5\n"
        "bbbbbb  12345\n");
}

TEST_CASE("row_writer: table fits the width by cutting the widest column") {
  std::string got = render(
      Format::kTable, {R"({"k":"abcdefghijklmnopqrstuvwxyz","n":1})"}, {}, 16);
  CHECK(got ==
        "k              n\n"
        "─────────────  ─\n"
        "abcdefghijkl…  1\n");  // 13 + 2 + 1 = 16 columns
}

TEST_CASE("row_writer: display width counts code points and wide characters") {
  CHECK(displayWidth("abc") == 3);
  CHECK(displayWidth("Zoë") == 3);
  CHECK(displayWidth("山田") == 4);
}

TEST_CASE("row_writer: parseFormat accepts the five formats only") {
  CHECK(parseFormat("csv").value() == Format::kCsv);
  CHECK(parseFormat("table").value() == Format::kTable);
  CHECK_FALSE(parseFormat("xml").ok());
  CHECK(parseFormat("xml").status().code() == ExitCode::kUsage);
}

TEST_CASE("row_writer: table cuts text before numbers to fit the width") {
  std::string got = render(
      Format::kTable, {R"({"n":123456789012,"k":"abcdefghijklmnop"})"}, {}, 20);
  CHECK(got ==
        "n             k\n"
        "────────────  ──────\n"
        "123456789012  abcde…\n");  // 12 + 2 + 6 = 20 columns
}
