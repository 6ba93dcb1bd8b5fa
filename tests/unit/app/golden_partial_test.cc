// The committed golden partials (tests/unit/data/golden-v*.part, made as
// tests/unit/data/README.md says) pin the partial format: their bytes must
// decode, on any machine and in any later version of clusterproc, to the
// values they were made with.

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bytes.h"
#include "partial.h"
#include "partial_format.h"

namespace clusterproc {
namespace {

/// tests/unit/data/golden-v1-group.agg
const char* const kGoldenAgg =
    "count, sum(bytes), avg(latency_ms), quantile(latency_ms, 0.99), "
    "count_distinct(user.name), "
    "approx_distinct(path), min(ts), first(path), top(status, 2)";

std::string dataFile(const std::string& name) {
  std::ifstream in(std::string(CLUSTERPROC_TEST_DATA) + "/" + name,
                   std::ios::binary);
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in),
                     std::istreambuf_iterator<char>());
}

/// The one partial that bytes hold.
Partial decodeOne(const std::string& name, const std::string& bytes) {
  Result<std::vector<Partial>> d = decodePartials(bytes, name);
  REQUIRE(d.ok());
  REQUIRE(d.value().size() == 1);
  return d.value()[0];
}

/// What `clusterproc merge` of bytes prints (-f jsonl).
std::string mergedRows(const std::string& name, const std::string& bytes) {
  Result<MergedPartials> m = mergePartials(Job{}, {{name, bytes}});
  REQUIRE(m.ok());
  std::vector<std::string> rows;
  m.value().state->render(rows, m.value().partial.totals);
  std::string out;
  for (const std::string& r : rows) out += r + "\n";
  return out;
}

TEST_CASE("golden partial: the header is little-endian, version 1",
          "[partial]") {
  const std::string bytes = dataFile("golden-v1-group.part");
  REQUIRE(bytes.size() > 24);
  CHECK(bytes.substr(0, 8) == std::string("\x89"
                                          "CLPART\n"));
  CHECK(bytes.substr(8, 4) ==
        std::string("\x01\x00\x00\x00", 4));  // version 1, flags 0
  CHECK(loadLittle(bytes.data() + 12, 8) + 24 == bytes.size());  // body length
}

TEST_CASE("golden partial: a group-by partial decodes to its values",
          "[partial]") {
  const std::string bytes = dataFile("golden-v1-group.part");
  const Partial p = decodeOne("golden-v1-group.part", bytes);
  CHECK(p.job ==
        std::vector<std::string>{"--group-by", "method", "--agg", kGoldenAgg});
  CHECK(p.totals.records == 2000);
  CHECK(p.totals.matched == 2000);
  CHECK(p.totals.bad_records == 0);
  CHECK(p.totals.bytes == 679433);  // wc -c data/sample.jsonl
  CHECK(p.totals.lines == 2000);
  CHECK(p.order_span == (uint64_t{8} << 32));
  REQUIRE(p.extensions.size() == 1);
  CHECK(p.extensions[0].first == "inputs");
  CHECK(p.extensions[0].second == "data/sample.jsonl");
  CHECK(mergedRows("golden-v1-group.part", bytes) ==
        dataFile("golden-v1-group.jsonl"));
}

TEST_CASE("golden partial: a summary partial decodes to its values",
          "[partial]") {
  // Version 2: the summary state with p50/p99, string bounds and array
  // elements.
  const std::string bytes = dataFile("golden-v2-summary.part");
  CHECK(bytes.substr(8, 4) == std::string("\x02\x00\x00\x00", 4));
  const Partial p = decodeOne("golden-v2-summary.part", bytes);
  CHECK(p.job.empty());
  CHECK(p.totals.records == 22);
  CHECK(p.totals.bad_records == 0);
  CHECK(mergedRows("golden-v2-summary.part", bytes) ==
        dataFile("golden-v2-summary.jsonl"));
}

TEST_CASE("golden partial: a version 1 summary partial is refused, saying why",
          "[partial]") {
  const std::string bytes = dataFile("golden-v1-summary.part");
  Result<MergedPartials> m =
      mergePartials(Job{}, {{"golden-v1-summary.part", bytes}});
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message().find("format version 1 (an older clusterproc)") !=
        std::string::npos);
}

}  // namespace
}  // namespace clusterproc
