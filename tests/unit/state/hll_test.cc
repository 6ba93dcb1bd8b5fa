#include "hll.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "hash.h"

namespace clusterproc {
namespace {

uint64_t h(uint64_t i) { return hashWord(i, HashTag::kInt); }

double relativeError(double estimate, double truth) {
  return std::fabs(estimate - truth) / truth;
}

// The hashes are part of the output (the estimates): these values were
// computed by the first implementation and must never change.
TEST_CASE("hash: values are pinned") {
  CHECK(hashBytes("", HashTag::kString) == 0x2295674ca6a1e887ULL);
  CHECK(hashBytes("GET", HashTag::kString) == 0xc40f793978870a67ULL);
  CHECK(hashBytes("2024-03-01T00:00:00.276Z", HashTag::kString) ==
        0x64f4d8e29e69d0a6ULL);
  CHECK(hashWord(200, HashTag::kInt) == 0x3f69aa6d75bc83a9ULL);
  CHECK(hashWord(1, HashTag::kBool) == 0xf39626555902dc28ULL);
  // Every length up to 40 at every alignment.
  std::string buf;
  for (int i = 0; i < 64; ++i) buf += static_cast<char>(i * 37 + 11);
  uint64_t x = 0;
  for (int off = 0; off < 8; ++off) {
    for (size_t n = 0; n <= 40; ++n) {
      x = x * 31 +
          hashBytes(std::string_view(buf.data() + off, n), HashTag::kString);
    }
  }
  CHECK(x == 0x542369ea2dff1c8fULL);
}

TEST_CASE("hash: byte loads and comparisons stay within the string") {
  // Each string sits at the end of its own allocation, so that ASan reports
  // any read past it; the bytes before it differ from run to run.
  for (size_t n = 0; n <= 40; ++n) {
    std::string pattern;
    for (size_t i = 0; i < n; ++i) pattern += static_cast<char>(0x80 | i);
    auto a = std::make_unique<char[]>(n + 1);
    auto b = std::make_unique<char[]>(n + 1);
    std::memcpy(a.get() + 1, pattern.data(), n);
    std::memcpy(b.get() + 1, pattern.data(), n);
    const std::string_view sa(a.get() + 1, n), sb(b.get() + 1, n);
    REQUIRE(equalBytes(sa, sb));
    if (n <= 16) {
      uint64_t w[2];
      hash_detail::loadUpTo16(sa.data(), n, w);
      char padded[16] = {};
      std::memcpy(padded, pattern.data(), n);
      uint64_t expected[2];
      std::memcpy(expected, padded, 16);  // little-endian hosts
      CHECK(w[0] == expected[0]);
      CHECK(w[1] == expected[1]);
    }
    for (size_t i = 0; i < n; ++i) {  // one differing byte anywhere
      b[1 + i] ^= 1;
      CHECK_FALSE(equalBytes(sa, sb));
      b[1 + i] ^= 1;
    }
    if (n > 0) CHECK_FALSE(equalBytes(sa, sb.substr(1)));
  }
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

TEST_CASE("hll: the last add is seen by every reader") {
  // add() updates its register on the next add or read.
  Hll a, b;
  for (uint64_t i = 0; i < 100; ++i) a.add(h(i));
  for (uint64_t i = 0; i < 99; ++i) b.add(h(i));
  CHECK_FALSE(a == b);  // h(99) raises a register
  b.add(h(99));
  CHECK(a == b);
  CHECK(a.estimate() == b.estimate());
  Hll c;
  c.merge(a);
  CHECK(c == a);
  ByteWriter w;
  a.serialize(w);
  ByteReader r(w.str());
  auto back = Hll::deserialize(r);
  REQUIRE(back.ok());
  CHECK(back.value() == a);
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
