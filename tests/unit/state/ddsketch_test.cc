#include "ddsketch.h"

#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

namespace clusterproc {
namespace {

// Exact lower-rank quantile of the values (the sketch's target).
double exactQuantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[lowerRank(q, v.size())];
}

void checkErrorBound(const std::vector<double>& values) {
  DDSketch s;
  for (double v : values) s.add(v);
  for (double q :
       {0.0, 0.001, 0.01, 0.1, 0.25, 0.333, 0.5, 0.75, 0.9, 0.99, 0.999, 1.0}) {
    const double exact = exactQuantile(values, q);
    const double estimate = s.quantile(q).value();
    INFO("q = " << q << ", exact " << exact << ", estimate " << estimate);
    // alpha, plus a little room for the rounding of log and exp.
    CHECK(std::fabs(estimate - exact) <=
          (DDSketch::kAlpha + 1e-12) * std::fabs(exact));
  }
}

std::string bytesOf(const DDSketch& s) {
  ByteWriter w;
  s.write(w);
  return w.str();
}

TEST_CASE("lowerRank is floor(q * (n - 1)), clamped") {
  CHECK(lowerRank(0.5, 4) == 1);
  CHECK(lowerRank(0.5, 5) == 2);
  CHECK(lowerRank(0.9, 5) == 3);
  CHECK(lowerRank(1.0, 5) == 4);
  CHECK(lowerRank(0.0, 5) == 0);
  CHECK(lowerRank(0.999, 1) == 0);
  CHECK(lowerRank(-1, 10) == 0);
  CHECK(lowerRank(2, 10) == 9);
  CHECK(lowerRank(std::nan(""), 10) == 0);
}

TEST_CASE("a bucket's representative is within alpha of every value in it") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-300, 300);
  for (int i = 0; i < 100000; ++i) {
    const double v = std::pow(10.0, exponent(rng));
    const double rep = DDSketch::bucketValue(DDSketch::bucketIndex(v));
    REQUIRE(std::fabs(rep - v) <= (DDSketch::kAlpha + 1e-12) * v);
  }
  // The extremes of the double range have buckets too.
  CHECK(DDSketch::bucketIndex(4.9e-324) > DDSketch::kMinIndex);
  CHECK(DDSketch::bucketIndex(1.7976931348623157e308) < DDSketch::kMaxIndex);
}

TEST_CASE("an empty sketch has no quantile") {
  DDSketch s;
  CHECK_FALSE(s.quantile(0.5).has_value());
  CHECK(s.count() == 0);
}

TEST_CASE("quantiles of log-normal data are within 1% of the exact ones") {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(3.0, 2.0);
  std::vector<double> values(20000);
  for (double& v : values) v = dist(rng);
  checkErrorBound(values);
}

TEST_CASE("quantiles of mixed negative, zero and positive data are within 1%") {
  std::mt19937_64 rng(43);
  std::lognormal_distribution<double> dist(0.0, 3.0);
  std::uniform_int_distribution<int> kind(0, 9);
  std::vector<double> values(20000);
  for (double& v : values) {
    const int k = kind(rng);
    v = k < 4 ? -dist(rng) : k < 6 ? 0.0 : dist(rng);
  }
  checkErrorBound(values);
}

TEST_CASE("quantiles of tiny and huge magnitudes are within 1%") {
  std::mt19937_64 rng(44);
  std::uniform_real_distribution<double> exponent(-300, 300);
  std::vector<double> values(5000);
  for (double& v : values)
    v = std::pow(10.0, exponent(rng)) * (rng() % 2 ? 1 : -1);
  values.push_back(1.7976931348623157e308);
  values.push_back(-4.9e-324);
  checkErrorBound(values);
}

TEST_CASE("the exact minimum and maximum clamp the representative") {
  DDSketch s;
  for (int i = 0; i < 5; ++i) s.add(100.5);
  // 100.5's bucket representative is below it: the minimum lifts it back.
  CHECK(DDSketch::bucketValue(DDSketch::bucketIndex(100.5)) != 100.5);
  CHECK(s.quantile(0).value() == 100.5);
  CHECK(s.quantile(1).value() == 100.5);
  DDSketch t;
  for (double v : {3.7, -2.25, 100.5, 0.0, 42.0}) t.add(v);
  CHECK(t.quantile(0).value() >= -2.25);
  CHECK(t.quantile(1).value() <= 100.5);
}

TEST_CASE("zeros and -0.0 are exact and alike") {
  DDSketch a, b;
  a.add(0.0);
  a.add(-0.0);
  b.add(-0.0);
  b.add(0.0);
  CHECK(bytesOf(a) == bytesOf(b));
  CHECK(std::signbit(a.quantile(0.5).value()) == false);
  CHECK(a.quantile(0.5).value() == 0.0);
}

TEST_CASE("merging sketches in any order gives the same bytes") {
  std::mt19937_64 rng(45);
  std::lognormal_distribution<double> dist(1.0, 4.0);
  std::vector<double> values(3000);
  for (double& v : values) v = rng() % 3 == 0 ? -dist(rng) : dist(rng);
  DDSketch whole;
  for (double v : values) whole.add(v);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<DDSketch> parts(1 + rng() % 5);
    for (double v : values) parts[rng() % parts.size()].add(v);
    std::shuffle(parts.begin(), parts.end(), rng);
    DDSketch merged;
    for (const DDSketch& p : parts) merged.merge(p);
    REQUIRE(bytesOf(merged) == bytesOf(whole));
  }
}

TEST_CASE("a written sketch reads back identical") {
  DDSketch s;
  for (double v : {1.0, -5.5, 0.0, 1e300, -1e-300, 77.0}) s.add(v);
  const std::string bytes = bytesOf(s);
  ByteReader r(bytes);
  DDSketch t;
  REQUIRE(t.read(r));
  CHECK(r.atEnd());
  CHECK(bytesOf(t) == bytes);
  CHECK(t.quantile(0.5) == s.quantile(0.5));
}

TEST_CASE("truncated or inconsistent sketch bytes are rejected") {
  DDSketch s;
  for (double v : {1.0, 2.0, -3.0, 0.0}) s.add(v);
  const std::string bytes = bytesOf(s);
  for (size_t n = 0; n < bytes.size(); ++n) {
    ByteReader r(std::string_view(bytes).substr(0, n));
    DDSketch t;
    CHECK_FALSE(t.read(r));
  }
  // A bucket index beyond the range.
  ByteWriter w;
  w.u64(0);
  w.u64(1);
  w.u32(static_cast<uint32_t>(DDSketch::kMaxIndex + 1));
  w.u64(1);
  w.u64(0);
  w.u64(std::bit_cast<uint64_t>(-1.0));
  w.u64(std::bit_cast<uint64_t>(-1.0));
  ByteReader r(w.str());
  DDSketch t;
  CHECK_FALSE(t.read(r));
}

}  // namespace
}  // namespace clusterproc
