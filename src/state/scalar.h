#pragma once
// Scalar JSON values of the summary profile: their identity (type and value),
// hash, jq order, JSON text and partial-state encoding.

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>

#include "bytes.h"
#include "hash.h"

namespace clusterproc {

/// Kinds of scalar values, in jq's order (false < true < numbers < strings);
/// ints sort before floats on an exact numeric tie. The values are part of
/// the partial-state encoding.
enum class ScalarKind : uint8_t { kBool, kInt, kFloat, kString };

/// A scalar JSON value, by identity: type and value (1 and 1.0 differ). A
/// string is a view; whoever keeps a Scalar keeps its bytes alive. Ints, in
/// [-2^63, 2^64), are 64 bits and a sign rather than an __int128: cheaper to
/// build and compare on the hot path.
struct Scalar {
  ScalarKind kind = ScalarKind::kInt;
  bool negative = false;  ///< kInt below zero: bits is an int64_t
  uint64_t bits = 0;      ///< kBool 0 or 1, kInt, kFloat's IEEE bits
  std::string_view s;     ///< kString: unescaped bytes

  static Scalar boolean(bool b) { return {ScalarKind::kBool, false, b, {}}; }
  static Scalar integer(int64_t v) {
    return {ScalarKind::kInt, v < 0, static_cast<uint64_t>(v), {}};
  }
  static Scalar integer(uint64_t v) { return {ScalarKind::kInt, false, v, {}}; }
  /// v must be finite and not -0.0.
  static Scalar floating(double v) {
    return {ScalarKind::kFloat, false, std::bit_cast<uint64_t>(v), {}};
  }
  static Scalar string(std::string_view v) {
    return {ScalarKind::kString, false, 0, v};
  }

  /// kFloat's value.
  double d() const { return std::bit_cast<double>(bits); }
  /// kBool's and kInt's value.
  __int128 integer() const {
    return negative ? static_cast<__int128>(static_cast<int64_t>(bits))
                    : static_cast<__int128>(bits);
  }
};

/// The value's hash (hash.h), the one HyperLogLog sketches are built from.
[[gnu::always_inline]] inline uint64_t hashScalar(const Scalar& v) {
  switch (v.kind) {
    case ScalarKind::kBool:
      return hashWord(v.bits, HashTag::kBool);
    case ScalarKind::kInt:
      return hashWord(v.bits, v.negative ? HashTag::kNegInt : HashTag::kInt);
    case ScalarKind::kFloat:
      return hashWord(v.bits, HashTag::kFloat);
    case ScalarKind::kString:
      return hashBytes(v.s, HashTag::kString);
  }
  return 0;
}

/// Whether a and b are the same value (same kind and value). Floats compare
/// by bits: they are never NaN or -0.0.
inline bool sameScalar(const Scalar& a, const Scalar& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == ScalarKind::kString) return equalBytes(a.s, b.s);
  return a.bits == b.bits && a.negative == b.negative;
}

/// Whether int a is below int b.
inline bool intBelow(const Scalar& a, const Scalar& b) {
  // Negative ints are below the others; within one sign, the unsigned order
  // of the bits is the order of the values.
  return a.negative != b.negative ? a.negative : a.bits < b.bits;
}

/// Numeric comparison of two numbers (kInt or kFloat), exact: -1, 0 or 1.
int compareNumbers(const Scalar& a, const Scalar& b);
/// jq's order, a strict total order on distinct values: -1, 0 or 1.
int compareScalars(const Scalar& a, const Scalar& b);

/// Whether number v should replace the minimum cur (the smaller; on an exact
/// tie the int).
inline bool betterMin(const Scalar& v, const Scalar& cur) {
  if (v.kind == ScalarKind::kInt && cur.kind == ScalarKind::kInt) {
    return intBelow(v, cur);
  }
  if (v.kind == ScalarKind::kFloat && cur.kind == ScalarKind::kFloat) {
    return v.d() < cur.d();
  }
  return compareScalars(v, cur) < 0;
}
/// Whether number v should replace the maximum cur (the larger; on an exact
/// tie the int).
inline bool betterMax(const Scalar& v, const Scalar& cur) {
  if (v.kind == ScalarKind::kInt && cur.kind == ScalarKind::kInt) {
    return intBelow(cur, v);
  }
  if (v.kind == ScalarKind::kFloat && cur.kind == ScalarKind::kFloat) {
    return v.d() > cur.d();
  }
  const int c = compareNumbers(v, cur);
  return c > 0 || (c == 0 && v.kind == ScalarKind::kInt);
}

/// Appends v as JSON text.
void appendScalar(std::string& out, const Scalar& v);

/// Appends v's encoding: u8 kind, then bool and int as a 128-bit two's
/// complement (u64 low, u64 high), float as its IEEE bits (u64), string as
/// u64 length and bytes.
void writeScalar(ByteWriter& w, const Scalar& v);
/// Reads writeScalar()'s output; false on malformed bytes or a value out of
/// its kind's range. A string stays a view into the reader's bytes.
bool readScalar(ByteReader& r, Scalar* v);

}  // namespace clusterproc
