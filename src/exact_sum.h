#pragma once
// Exact sums whose result does not depend on the order of additions and
// merges: the basis of byte-identical sums and means for any -j.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "status.h"

namespace clusterproc {

/// Exact sum of doubles, correctly rounded (half-even) once at the end: the
/// same as Python's math.fsum over the same values, whatever the order of
/// add() and merge() calls. It keeps Shewchuk's non-overlapping partials, as
/// CPython's math_fsum does; once a magnitude reaches 2^1000 (where partials
/// could overflow) it switches to a fixed-point accumulator covering every
/// double, so sums that pass DBL_MAX on the way stay exact (where fsum raises
/// "intermediate overflow", value() still returns the rounded exact sum, or
/// +-inf if that is beyond DBL_MAX). Non-finite inputs follow IEEE: any NaN, or
/// both infinities, give NaN; one infinity gives that infinity. A sum of zeros
/// only is +0.0 (as fsum in CPython 3.11).
class ExactFloatSum {
 public:
  /// Adds one value.
  void add(double x);
  /// Adds everything other has seen.
  void merge(const ExactFloatSum& other);
  /// The correctly rounded sum; 0.0 when nothing was added.
  double value() const;
  /// Appends a compact little-endian encoding to out.
  void serialize(std::string& out) const;
  /// Reads serialize()'s output from the front of in and consumes it.
  static Result<ExactFloatSum> deserialize(std::string_view& in);

 private:
  void addFinite(double x);
  void switchToWide();
  void wideAdd(double x);

  std::vector<double> partials_;  // increasing magnitude, non-overlapping
  std::vector<uint64_t> wide_;    // two's complement, unit 2^-1074; or empty
  uint8_t special_ = 0;           // kPosInf | kNegInf | kNaN seen
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
  /// Appends a compact little-endian encoding (16 bytes) to out.
  void serialize(std::string& out) const;
  /// Reads serialize()'s output from the front of in and consumes it.
  static Result<ExactIntSum> deserialize(std::string_view& in);

 private:
  __int128 sum_ = 0;
};

}  // namespace clusterproc
