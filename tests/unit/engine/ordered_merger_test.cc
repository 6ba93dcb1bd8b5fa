#include "ordered_merger.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>
#include <random>
#include <vector>

namespace clusterproc {
namespace {

ChunkReport report(uint64_t id) {
  ChunkReport r;
  r.chunk_id = id;
  r.lines = id * 10 + 1;  // a payload to check it travels with its id
  r.records = id;
  return r;
}

TEST_CASE("ordered_merger: reports in random order pop in id order") {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    std::vector<uint64_t> ids(100);
    std::iota(ids.begin(), ids.end(), 0);
    std::shuffle(ids.begin(), ids.end(), std::mt19937(seed));
    OrderedMerger merger;
    std::vector<uint64_t> popped;
    for (uint64_t id : ids) {
      merger.insert(report(id));
      while (std::optional<ChunkReport> r = merger.pop()) {
        CHECK(r->lines == r->chunk_id * 10 + 1);
        popped.push_back(r->chunk_id);
      }
    }
    std::vector<uint64_t> expect(100);
    std::iota(expect.begin(), expect.end(), 0);
    CHECK(popped == expect);
    CHECK(merger.waiting() == 0);
    CHECK(merger.next() == 100);
  }
}

TEST_CASE("ordered_merger: pop waits for a gap to be filled") {
  OrderedMerger merger;
  CHECK_FALSE(merger.pop().has_value());  // nothing yet
  merger.insert(report(1));
  merger.insert(report(2));
  CHECK_FALSE(merger.pop().has_value());  // chunk 0 is missing
  CHECK(merger.waiting() == 2);
  CHECK(merger.next() == 0);

  merger.insert(report(0));
  for (uint64_t want = 0; want < 3; ++want) {
    std::optional<ChunkReport> r = merger.pop();
    REQUIRE(r.has_value());
    CHECK(r->chunk_id == want);
  }
  CHECK_FALSE(merger.pop().has_value());
  CHECK(merger.next() == 3);

  merger.insert(report(5));
  CHECK_FALSE(merger.pop().has_value());  // 3 and 4 are missing
  merger.insert(report(4));
  CHECK_FALSE(merger.pop().has_value());  // 3 is still missing
  CHECK(merger.waiting() == 2);
  merger.insert(report(3));
  CHECK(merger.pop()->chunk_id == 3);
  CHECK(merger.pop()->chunk_id == 4);
  CHECK(merger.pop()->chunk_id == 5);
  CHECK(merger.waiting() == 0);
}

TEST_CASE("ordered_merger: a popped report keeps its bad records") {
  OrderedMerger merger;
  ChunkReport r = report(0);
  r.bad.push_back({2, 17, "invalid JSON: no value", "]"});
  merger.insert(std::move(r));
  std::optional<ChunkReport> out = merger.pop();
  REQUIRE(out.has_value());
  REQUIRE(out->bad.size() == 1);
  CHECK(out->bad[0].line == 2);
  CHECK(out->bad[0].offset == 17);
  CHECK(out->bad[0].reason == "invalid JSON: no value");
  CHECK(out->bad[0].raw == "]");
}

}  // namespace
}  // namespace clusterproc
