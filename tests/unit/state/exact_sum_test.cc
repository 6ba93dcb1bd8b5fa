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
  // Not 0: the inputs are binary.
  CHECK(fsum({0.1, 0.2, 0.3, -0.6}) == 0x1p-55);
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

TEST_CASE("exact_sum: huge magnitudes stay exact") {
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

TEST_CASE("exact_sum: huge sums round half to even") {
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

TEST_CASE("exact_sum: long runs carry exactly, over every exponent") {
  // Far more values than additions between carries; expected: math.fsum.
  struct Case {
    uint64_t seed, mask;
    int offset, n;
    double expected;
  };
  const Case cases[] = {
      {3, 0x3ff, 1000, 200000, 0x1.39e1b0d550fd1p+78},
      {5, 0x1f, 60, 100000, 0x1.150686f11c802p+28},
      {3, 0x7ff, 1100, 100000, -0x1.4411affd4f1b5p+995},  // 2^-1100 to 2^999
      {4, 0x3f, 1130, 5000, -0x1.6b06c754cf595p-1013},    // subnormals
  };
  std::mt19937_64 rng(3);
  for (const Case& c : cases) {
    auto v = sample(c.seed, c.mask, c.offset, c.n);
    REQUIRE(bits(fsum(v)) == bits(c.expected));
    std::shuffle(v.begin(), v.end(), rng);
    REQUIRE(bits(mergedSum(v, rng)) == bits(c.expected));
  }
}

TEST_CASE("exact_sum: a value and its negation cancel after any run") {
  auto v = sample(9, 0x7ff, 1100, 3000);
  ExactFloatSum s;
  for (double x : v) s.add(x);
  s.add(1.5);
  for (double x : v) s.add(-x);
  CHECK(s.value() == 1.5);
}

ExactFloatSum roundTrip(const ExactFloatSum& s) {
  ByteWriter w;
  s.serialize(w);
  w.u8(0x5a);  // what follows stays unread
  ByteReader r(w.str());
  auto back = ExactFloatSum::deserialize(r);
  REQUIRE(back.ok());
  REQUIRE(r.u8() == 0x5a);
  REQUIRE(r.atEnd());
  return std::move(back.value());
}

TEST_CASE("exact_sum: float sums survive serialization") {
  const double inf = std::numeric_limits<double>::infinity();
  for (int scale : {0, 930, -1000}) {
    for (double sign : {1.0, -1.0}) {
      auto v = sample(7, 0x3f, 32, 1500);
      ExactFloatSum s;
      for (double x : v) s.add(sign * std::ldexp(std::fabs(x), scale));
      const ExactFloatSum back = roundTrip(s);
      CHECK(bits(back.value()) == bits(s.value()));
      // The restored sum keeps adding and merging exactly.
      ExactFloatSum more = back;
      more.merge(roundTrip(back));
      more.add(-s.value());
      CHECK(bits(more.value()) == bits(s.value()));
    }
  }
  CHECK(bits(roundTrip(ExactFloatSum()).value()) == bits(0.0));
  ExactFloatSum minus_one;
  minus_one.add(-1.0);
  CHECK(roundTrip(minus_one).value() == -1.0);
  ExactFloatSum special;
  special.add(inf);
  special.add(2.0);
  CHECK(roundTrip(special).value() == inf);
}

TEST_CASE("exact_sum: truncated or garbage float sums are rejected") {
  ExactFloatSum s;
  s.add(0.1);
  s.add(-1e300);
  ByteWriter w;
  s.serialize(w);
  const std::string bytes = w.str();
  for (size_t n = 0; n < bytes.size(); ++n) {
    ByteReader r(std::string_view(bytes.data(), n));
    auto back = ExactFloatSum::deserialize(r);
    REQUIRE_FALSE(back.ok());
    CHECK(back.status().code() == ExitCode::kInput);
  }
  const auto header = [](uint8_t flags, uint8_t first, uint8_t n) {
    std::string h = {static_cast<char>(flags), static_cast<char>(first),
                     static_cast<char>(n)};
    return h + std::string(8 * n, '\x01');
  };
  const std::string widest = header(7, 3, 31), bad_flags = header(8, 0, 1);
  const std::string too_wide = header(0, 3, 32);  // the sign-only top word
  ByteReader r1(widest), r2(bad_flags), r3(too_wide);
  CHECK(ExactFloatSum::deserialize(r1).ok());
  CHECK_FALSE(ExactFloatSum::deserialize(r2).ok());
  CHECK_FALSE(ExactFloatSum::deserialize(r3).ok());
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
  ByteWriter w;
  s.serialize(w);
  ByteReader in(w.str());
  auto back = ExactIntSum::deserialize(in);
  REQUIRE(back.ok());
  CHECK(in.atEnd());
  CHECK(back.value().toString() == "-18446744073709551616");
  ByteReader short_in(std::string_view(w.str().data(), 15));
  CHECK_FALSE(ExactIntSum::deserialize(short_in).ok());
}

}  // namespace
}  // namespace clusterproc
