#pragma once
// sum(x) and avg(x): exact sums of JSON numbers whose result does not depend
// on the order of records or merges.

#include <cstdint>
#include <memory>

#include "aggregate.h"
#include "exact_sum.h"

namespace clusterproc {

/// Exact sum of doubles, like ExactFloatSum, but faster for the common case
/// of values within a range of magnitudes: a 192-bit fixed-point window
/// anchored near the first value's lowest bit takes every value whose bits
/// fall inside it (a few integer operations, no branch on the data); the
/// others, and merged states, go to an ExactFloatSum. value() is the
/// correctly rounded exact sum, so any order of add() and merge() gives the
/// same result.
class WindowedSum {
 public:
  /// Adds a finite value.
  void add(double x);
  /// Adds everything other has seen.
  void merge(const WindowedSum& other);
  /// The exact sum as an ExactFloatSum (to round, serialize, or add to).
  ExactFloatSum total() const;
  /// Appends the exact sum in ExactFloatSum's encoding.
  void serialize(ByteWriter& w) const { total().serialize(w); }
  /// Reads serialize()'s output; fails on malformed bytes.
  static Result<WindowedSum> deserialize(ByteReader& r);

 private:
  void addToWindow(uint64_t mantissa, int shift, bool negative);
  void foldWindowInto(ExactFloatSum& sum) const;

  // The window: a 192-bit two's complement integer (lo_ the low 128 bits,
  // hi_ the top 64) in units of 2^(anchor_ - 1075); anchor_ 0 = unset.
  unsigned __int128 lo_ = 0;
  uint64_t hi_ = 0;
  int anchor_ = 0;
  uint32_t window_adds_ =
      0;  // folded into rest_ before the window can overflow
  ExactFloatSum rest_;
};

/// The column of sum(x), or of avg(x).
std::unique_ptr<AggColumn> makeSumColumn(bool average);

}  // namespace clusterproc
