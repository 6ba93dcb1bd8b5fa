#include "hll.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "hash.h"

namespace clusterproc {
namespace {

uint64_t h(uint64_t i) { return hashWord(i, HashTag::kInt); }

double relativeError(double estimate, double truth) {
  return std::fabs(estimate - truth) / truth;
}

TEST_CASE("hll: an empty sketch estimates zero") {
  Hll s;
  CHECK(s.empty());
  CHECK(s.estimate() == 0.0);
}

TEST_CASE("hll: small sets are nearly exact") {
  for (uint64_t n : {1, 10, 100, 1000}) {
    Hll s;
    for (uint64_t i = 0; i < n; ++i) s.add(h(i));
    CHECK(std::llround(s.estimate()) >= static_cast<long long>(n * 98 / 100));
    CHECK(relativeError(s.estimate(), n) < 0.02);
  }
}

TEST_CASE("hll: repeated values do not change the estimate") {
  Hll once, thrice;
  for (uint64_t i = 0; i < 5000; ++i) once.add(h(i));
  for (int r = 0; r < 3; ++r) {
    for (uint64_t i = 0; i < 5000; ++i) thrice.add(h(i));
  }
  CHECK(once == thrice);
}

TEST_CASE("hll: 1e5 and 1e6 distinct values within 5%") {
  for (uint64_t n : {100000, 1000000}) {
    Hll s;
    for (uint64_t i = 0; i < n; ++i) s.add(h(i));
    INFO("n = " << n << ", estimate = " << s.estimate());
    CHECK(relativeError(s.estimate(), static_cast<double>(n)) < 0.05);
  }
}

TEST_CASE("hll: distinct strings within 5%") {
  Hll s;
  for (int i = 0; i < 200000; ++i) {
    s.add(hashBytes("user-" + std::to_string(i), HashTag::kString));
  }
  CHECK(relativeError(s.estimate(), 200000) < 0.05);
}

TEST_CASE("hll: merging two halves equals adding everything") {
  Hll all, left, right;
  for (uint64_t i = 0; i < 300000; ++i) {
    all.add(h(i));
    (i % 7 < 3 ? left : right).add(h(i));
  }
  Hll lr = left, rl = right;
  lr.merge(right);
  rl.merge(left);
  CHECK(lr == all);
  CHECK(rl == all);
  CHECK(lr.estimate() == all.estimate());
  Hll empty;
  empty.merge(all);
  CHECK(empty == all);
}

TEST_CASE("hll: serialization round trips, sparse and dense") {
  for (uint64_t n : {0, 10, 500, 100000}) {
    Hll s;
    for (uint64_t i = 0; i < n; ++i) s.add(h(i));
    ByteWriter w;
    s.serialize(w);
    ByteReader in(w.str());
    auto back = Hll::deserialize(in);
    REQUIRE(back.ok());
    CHECK(in.atEnd());
    CHECK(back.value() == s);
    CHECK(back.value().estimate() == s.estimate());
  }
}

TEST_CASE("hll: truncated or garbage bytes are rejected") {
  Hll s;
  for (uint64_t i = 0; i < 100000; ++i) s.add(h(i));
  ByteWriter w;
  s.serialize(w);
  const std::string bytes = w.str();
  for (size_t n : {size_t{0}, size_t{1}, size_t{100}, bytes.size() - 1}) {
    ByteReader in(std::string_view(bytes.data(), n));
    CHECK_FALSE(Hll::deserialize(in).ok());
  }
  std::string bad = bytes;
  bad[10] = 60;  // a register beyond the largest possible rank
  ByteReader in(bad);
  CHECK_FALSE(Hll::deserialize(in).ok());
  ByteReader unknown(std::string_view("\x07"));
  CHECK_FALSE(Hll::deserialize(unknown).ok());
}

}  // namespace
}  // namespace clusterproc
