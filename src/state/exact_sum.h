#pragma once
// Exact sums whose result does not depend on the order of additions and
// merges: the basis of byte-identical sums and means for any -j.

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "bytes.h"
#include "status.h"

namespace clusterproc {

/// Exact sum of doubles, correctly rounded (half-even) once at the end: the
/// same as Python's math.fsum over the same values, whatever the order of
/// add() and merge() calls. Every finite double is an integer multiple of
/// 2^-1074, so the sum is kept as a fixed-point number covering every double
/// with headroom for 2^63 additions: where fsum raises "intermediate
/// overflow", value() still returns the rounded exact sum, or +-inf if that
/// is beyond DBL_MAX. Non-finite inputs follow IEEE: any NaN, or both
/// infinities, give NaN; one infinity gives that infinity. A sum of zeros only
/// is +0.0 (as fsum in CPython 3.11).
///
/// The number is kept in 32-bit chunks held in signed 64-bit words (Radford
/// Neal's "small superaccumulator"), so that add() is two integer additions
/// without carries; carries are propagated once every kCarryEvery additions.
/// Only the chunks that the values reach are stored (a window that grows), so
/// a sum of values of similar magnitude takes a few dozen bytes.
class ExactFloatSum {
 public:
  /// Adds one value.
  void add(double x) {
    const uint64_t bits = std::bit_cast<uint64_t>(x);
    const uint64_t exp = (bits >> 52) & 0x7ff;
    if (exp == 0x7ff) {
      addNonFinite(x);
      return;
    }
    // x = mant * 2^(shift - 1074), mant < 2^53.
    uint64_t mant = bits & ((uint64_t{1} << 52) - 1);
    uint64_t shift = 0;
    if (exp != 0) {
      mant |= uint64_t{1} << 52;
      shift = exp - 1;
    }
    const size_t k = shift / kChunkBits;  // x reaches chunks k and k + 1
    if (k < base_ || k + kHeadroom >= base_ + chunks_.size()) reach(k);
    const uint64_t off = shift % kChunkBits;
    const auto lo = static_cast<int64_t>((mant << off) & kChunkMask);
    const auto hi = static_cast<int64_t>(mant >> (kChunkBits - off));
    const int64_t sign = -static_cast<int64_t>(bits >> 63);  // 0 or -1
    int64_t* c = chunks_.data() + (k - base_);
    c[0] += (lo ^ sign) - sign;
    c[1] += (hi ^ sign) - sign;
    if (++pending_ == kCarryEvery) carry();
  }
  /// Adds static_cast<double>(v), faster: integers of at most 53 bits, whose
  /// doubles are exact, are summed apart as integers.
  void addInteger(int64_t v) {
    if (v >= -kExactInt && v <= kExactInt) {
      ints_ += v;
    } else {
      add(static_cast<double>(v));
    }
  }
  void addInteger(uint64_t v) {
    if (v <= static_cast<uint64_t>(kExactInt)) {
      ints_ += static_cast<int64_t>(v);
    } else {
      add(static_cast<double>(v));
    }
  }
  /// Adds everything other has seen.
  void merge(const ExactFloatSum& other);
  /// The correctly rounded sum; 0.0 when nothing was added.
  double value() const;
  /// Appends a compact encoding: u8 flags (1 +inf, 2 -inf, 4 NaN seen), u8
  /// first, u8 n, then n u64 words: the sum as a two's complement number in
  /// units of 2^-1074, 64 bits a word, of which the words below first are
  /// zero and those from first + n on extend the sign of the last one.
  void serialize(ByteWriter& w) const;
  /// Reads serialize()'s output; fails on malformed bytes.
  static Result<ExactFloatSum> deserialize(ByteReader& r);

 private:
  static constexpr uint64_t kChunkBits = 32;
  static constexpr uint64_t kChunkMask = (uint64_t{1} << kChunkBits) - 1;
  // 70 chunks = 35 words of 64 bits: a double reaches bit 2097 (chunk 65),
  // the rest is headroom for the sign and 2^63 additions.
  static constexpr size_t kWords = 35;
  static constexpr size_t kChunks = 2 * kWords;
  // The window reaches this many chunks above the highest one a value
  // reaches: its top chunk, which keeps the carries and the sign, then stays
  // below 2^51 in magnitude for any 2^63 additions.
  static constexpr size_t kHeadroom = 3;
  // Between carries a chunk changes by less than 2^53 per addition: 512 of
  // them, and a merge on top, stay far from 2^63.
  static constexpr uint32_t kCarryEvery = 512;
  static constexpr int64_t kExactInt = int64_t{1} << 53;

  void addNonFinite(double x);
  // Widens the window to chunks k to k + kHeadroom.
  void reach(size_t k) { cover(k, k + kHeadroom); }
  // Widens the window to chunks lo to hi.
  void cover(size_t lo, size_t hi);
  // Brings chunks below the top into [0, 2^32); the top one keeps the sign.
  void carry();
  // Moves ints_ into the chunks.
  void foldInts();
  // The sum as kWords two's complement words, lowest first.
  std::vector<uint64_t> words() const;

  std::vector<int64_t> chunks_;  // chunk base_ + i; the top one is signed
  size_t base_ = 0;
  __int128 ints_ = 0;     // addInteger()'s, below 2^117 in magnitude
  uint32_t pending_ = 0;  // additions since the last carry()
  uint8_t special_ = 0;   // kPosInf | kNegInf | kNaN seen
};

/// Exact sum of 64-bit integers (signed and unsigned) in a signed 128-bit
/// accumulator: exact for any count of additions below 2^63.
class ExactIntSum {
 public:
  /// Adds one value.
  void add(int64_t v) { sum_ += v; }
  void add(uint64_t v) { sum_ += static_cast<__int128>(v); }
  /// Adds everything other has seen.
  void merge(const ExactIntSum& other) { sum_ += other.sum_; }
  /// The exact sum.
  __int128 value() const { return sum_; }
  /// The sum rounded to the nearest double (half-even).
  double toDouble() const { return static_cast<double>(sum_); }
  /// The sum in decimal, e.g. "-170141183460469231731687303715884105728".
  std::string toString() const;
  /// Appends a compact encoding: 16 bytes, little-endian two's complement.
  void serialize(ByteWriter& w) const;
  /// Reads serialize()'s output; fails on malformed bytes.
  static Result<ExactIntSum> deserialize(ByteReader& r);

 private:
  __int128 sum_ = 0;
};

}  // namespace clusterproc
