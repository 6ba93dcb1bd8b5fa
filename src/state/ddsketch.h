#pragma once
// DDSketch (Masson, Rim, Lee, "DDSketch: a fast and fully-mergeable quantile
// sketch with relative-error guarantees", VLDB 2019): a mergeable quantile
// sketch whose answers are within a relative error alpha of the exact ones.

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "bytes.h"

namespace clusterproc {

/// 0-based rank of the q-quantile among n values: floor(q * (n - 1)), with q
/// clamped to [0, 1] (NaN counts as 0). n must be positive.
uint64_t lowerRank(double q, uint64_t n);

/// Quantile sketch with relative accuracy kAlpha = 1%. A value v != 0 goes to
/// bucket ceil(log_gamma(|v|)), gamma = (1 + alpha) / (1 - alpha), of the
/// positive or negative store; zeros are counted apart. Buckets only hold
/// counts, so add() and merge() commute: the sketch does not depend on the
/// order of values or merges. The exact minimum and maximum are kept too.
///
/// Guarantee: quantile(q) is within a relative error of alpha (plus a few
/// ulps of floating-point rounding) of the exact value of rank lowerRank(q, n)
/// among the values added; it is exact for 0 (zeros) and at the clamps.
class DDSketch {
 public:
  static constexpr double kAlpha = 0.01;
  /// Bucket range: every finite double, subnormals included, fits.
  static constexpr int32_t kMinIndex = -40000;
  static constexpr int32_t kMaxIndex = 40000;

  /// Adds a finite value. No allocation unless its bucket is outside the
  /// store's current range. Inline: the summary adds every number it sees.
  void add(double v) {
    assert(std::isfinite(v));
    if (v == 0) v = 0.0;  // -0.0 and 0.0 alike, so min/max are order-free
    if (count() == 0) {
      min_ = max_ = v;
    } else {
      min_ = std::min(min_, v);
      max_ = std::max(max_, v);
    }
    if (v == 0) {
      ++zeros_;
      return;
    }
    const double magnitude = std::abs(v);
    // The last magnitude's bucket, as runs of equal values are common.
    if (magnitude != last_magnitude_) {
      last_magnitude_ = magnitude;
      last_index_ = bucketIndex(magnitude);
    }
    (v > 0 ? positive_ : negative_).add(last_index_, 1);
  }
  /// Adds everything other has seen.
  void merge(const DDSketch& other);
  /// Number of values added.
  uint64_t count() const { return negative_.total + zeros_ + positive_.total; }
  /// The q-quantile estimate; nullopt when nothing was added.
  std::optional<double> quantile(double q) const;
  /// Appends the sketch to w: u64 zeros, each store (negative, positive) as
  /// u64 n and n x (u32 index as int32, u64 count > 0) by increasing index,
  /// then when count() > 0 the min and max (IEEE bits as u64).
  void write(ByteWriter& w) const;
  /// Reads write()'s output; false on malformed bytes (index out of range or
  /// not increasing, zero count, min/max inconsistent).
  bool read(ByteReader& r);

  /// The bucket of |v| (v != 0), and the representative value of a bucket.
  static int32_t bucketIndex(double magnitude);
  static double bucketValue(int32_t index);

 private:
  /// Counts of consecutive bucket indices [offset, offset + counts.size()).
  struct Store {
    int32_t offset = 0;
    std::vector<uint64_t> counts;
    uint64_t total = 0;

    void add(int32_t index, uint64_t n) {
      const int64_t at = int64_t{index} - offset;
      if (at >= 0 && at < static_cast<int64_t>(counts.size())) {
        counts[static_cast<size_t>(at)] += n;
        total += n;
      } else {
        addOutside(index, n);
      }
    }
    void addOutside(int32_t index, uint64_t n);  // grows counts
    void merge(const Store& other);
    void write(ByteWriter& w) const;
    bool read(ByteReader& r);
  };

  Store negative_;  ///< by index of |v|
  Store positive_;
  uint64_t zeros_ = 0;
  double min_ = 0;  ///< valid when count() > 0
  double max_ = 0;
  double last_magnitude_ = 0;  ///< of the last add() of a value != 0, or 0
  int32_t last_index_ = 0;     ///< its bucket
};

}  // namespace clusterproc
