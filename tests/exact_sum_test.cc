#include "exact_sum.h"

#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace clusterproc {
namespace {

// splitmix64, mirrored in Python to compute the expected math.fsum values.
uint64_t splitmix(uint64_t& s) {
  uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Doubles with 53-bit mantissas over a wide range of exponents, both signs:
//   mant = (x >> 11) - 2**52; e = (x & mask) - offset; ldexp(mant, e)
std::vector<double> sample(uint64_t seed, uint64_t mask, int offset, int n) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) {
    const uint64_t x = splitmix(seed);
    const auto mant = static_cast<int64_t>(x >> 11) - (int64_t{1} << 52);
    const int e = static_cast<int>(x & mask) - offset;
    v.push_back(std::ldexp(static_cast<double>(mant), e));
  }
  return v;
}

double fsum(const std::vector<double>& v) {
  ExactFloatSum s;
  for (double x : v) s.add(x);
  return s.value();
}

uint64_t bits(double d) { return std::bit_cast<uint64_t>(d); }

// Sums v split into random pieces merged in a random tree.
double mergedSum(const std::vector<double>& v, std::mt19937_64& rng) {
  std::vector<ExactFloatSum> parts;
  for (size_t i = 0; i < v.size();) {
    const size_t len = 1 + rng() % 50;
    ExactFloatSum s;
    for (size_t j = i; j < std::min(v.size(), i + len); ++j) s.add(v[j]);
    parts.push_back(std::move(s));
    i += len;
  }
  while (parts.size() > 1) {
    const size_t a = rng() % parts.size();
    size_t b = rng() % (parts.size() - 1);
    if (b >= a) ++b;
    parts[a].merge(parts[b]);
    parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(b));
  }
  return parts.empty() ? 0.0 : parts[0].value();
}

TEST_CASE("exact_sum: known math.fsum results") {
  CHECK(fsum({1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50}) == 1e-100);
  CHECK(fsum(std::vector<double>(10, 0.1)) == 1.0);
  CHECK(fsum({1e-16, 1.0, 1e16}) == 1.0000000000000002e16);  // half-even fix
  CHECK(fsum({}) == 0.0);
  CHECK(fsum({5e-324, 5e-324}) == 1e-323);
  CHECK(fsum({0.1, 0.2, 0.3, -0.6}) == 0x1p-55);  // not 0: the inputs are binary
}

TEST_CASE("exact_sum: sums of zeros are +0.0 as in CPython 3.11") {
  CHECK_FALSE(std::signbit(fsum({-0.0})));
  CHECK_FALSE(std::signbit(fsum({-0.0, -0.0})));
}

TEST_CASE("exact_sum: random values match math.fsum, not the naive sum") {
  const auto v = sample(42, 0x7f, 64, 1000);
  double naive = 0;
  for (double x : v) naive += x;
  CHECK(fsum(v) == 0x1.56990b28c5b1ap+113);
  CHECK(naive != 0x1.56990b28c5b1ap+113);
}

TEST_CASE("exact_sum: shuffles and merge trees give the same bits") {
  auto v = sample(42, 0x7f, 64, 1000);
  std::mt19937_64 rng(1);
  const uint64_t expected = bits(0x1.56990b28c5b1ap+113);
  for (int round = 0; round < 50; ++round) {
    std::shuffle(v.begin(), v.end(), rng);
    REQUIRE(bits(fsum(v)) == expected);
    REQUIRE(bits(mergedSum(v, rng)) == expected);
  }
}

TEST_CASE("exact_sum: huge magnitudes switch to the wide accumulator") {
  // The same values scaled by 2^930 (exact): some pass 2^1000.
  auto v = sample(7, 0x3f, 32, 1000);
  CHECK(fsum(v) == -0x1.22a6a95bb86ccp+84);
  for (double& x : v) x = std::ldexp(x, 930);
  std::mt19937_64 rng(2);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(v.begin(), v.end(), rng);
    REQUIRE(fsum(v) == -0x1.22a6a95bb86ccp+1014);
    REQUIRE(mergedSum(v, rng) == -0x1.22a6a95bb86ccp+1014);
  }
}

TEST_CASE("exact_sum: the wide accumulator rounds half to even") {
  const double big = std::ldexp(1.0, 1010);
  CHECK(fsum({big, std::ldexp(1.0, 957)}) == big);  // tie: stays even
  CHECK(fsum({big, std::ldexp(1.0, 957), std::ldexp(1.0, 900)}) ==
        0x1.0000000000001p+1010);  // above the tie
  CHECK(fsum({big, std::ldexp(1.0, 957), -std::ldexp(1.0, 900)}) == big);
  CHECK(fsum({0x1.0000000000001p+1010, std::ldexp(1.0, 957)}) ==
        0x1.0000000000002p+1010);  // tie from odd: up to even
  CHECK(fsum({1e308, -1e308, 5e-324}) == 5e-324);
}

TEST_CASE("exact_sum: sums that pass DBL_MAX on the way stay exact") {
  const double max = std::numeric_limits<double>::max();
  CHECK(fsum({1e308, 1e308, -1e308}) == 1e308);  // fsum would raise
  CHECK(fsum({max, max, -max}) == max);
  CHECK(fsum({max, max}) == std::numeric_limits<double>::infinity());
  CHECK(fsum({-max, -max}) == -std::numeric_limits<double>::infinity());
}

TEST_CASE("exact_sum: non-finite inputs follow IEEE") {
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(fsum({1.0, inf}) == inf);
  CHECK(fsum({-inf, 1.0}) == -inf);
  CHECK(std::isnan(fsum({inf, -inf})));
  CHECK(std::isnan(fsum({1.0, std::numeric_limits<double>::quiet_NaN()})));
}

TEST_CASE("exact_sum: float sums survive serialization") {
  for (double scale : {0.0, 930.0}) {
    auto v = sample(7, 0x3f, 32, 300);
    ExactFloatSum s;
    for (double x : v) s.add(std::ldexp(x, static_cast<int>(scale)));
    std::string bytes;
    s.serialize(bytes);
    bytes += "tail";
    std::string_view in = bytes;
    auto back = ExactFloatSum::deserialize(in);
    REQUIRE(back.ok());
    CHECK(in == "tail");
    CHECK(bits(back.value().value()) == bits(s.value()));
  }
}

TEST_CASE("exact_sum: truncated float sums are rejected") {
  ExactFloatSum s;
  s.add(0.1);
  s.add(1e-30);
  std::string bytes;
  s.serialize(bytes);
  for (size_t n = 0; n < bytes.size(); ++n) {
    std::string_view in(bytes.data(), n);
    auto back = ExactFloatSum::deserialize(in);
    REQUIRE_FALSE(back.ok());
    CHECK(back.status().code() == ExitCode::kInput);
  }
}

TEST_CASE("exact_sum: integer sums are exact past 2^63 and 2^64") {
  ExactIntSum s;
  for (int i = 0; i < 3; ++i) s.add(std::numeric_limits<uint64_t>::max());
  CHECK(s.toString() == "55340232221128654845");
  ExactIntSum t;
  for (int i = 0; i < 3; ++i) t.add(std::numeric_limits<int64_t>::min());
  CHECK(t.toString() == "-27670116110564327424");
  t.add(int64_t{5});
  s.merge(t);
  CHECK(s.toString() == "27670116110564327426");
  CHECK(s.toDouble() == 27670116110564327426.0);
  CHECK(ExactIntSum().toString() == "0");
}

TEST_CASE("exact_sum: integer sums survive serialization") {
  ExactIntSum s;
  s.add(std::numeric_limits<int64_t>::min());
  s.add(std::numeric_limits<int64_t>::min());
  std::string bytes;
  s.serialize(bytes);
  std::string_view in = bytes;
  auto back = ExactIntSum::deserialize(in);
  REQUIRE(back.ok());
  CHECK(back.value().toString() == "-18446744073709551616");
  std::string_view short_in(bytes.data(), 15);
  CHECK_FALSE(ExactIntSum::deserialize(short_in).ok());
}

}  // namespace
}  // namespace clusterproc
