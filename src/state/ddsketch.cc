#include "ddsketch.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>

namespace clusterproc {

namespace {

constexpr double kGamma = (1 + DDSketch::kAlpha) / (1 - DDSketch::kAlpha);
const double kLogGamma = std::log(kGamma);
const double kInvLogGamma = 1 / kLogGamma;
// log(2 / (gamma + 1)): folded into the exponent so that the top bucket's
// representative does not overflow on the way.
const double kLogRepFactor = std::log(2 / (kGamma + 1));

// Buckets allocated around the first index, and the least growth step.
constexpr int64_t kInitialBuckets = 64;

}  // namespace

uint64_t lowerRank(double q, uint64_t n) {
  assert(n > 0);
  if (!(q > 0)) return 0;  // also NaN
  if (q >= 1) return n - 1;
  const double r = std::floor(q * static_cast<double>(n - 1));
  return std::min(static_cast<uint64_t>(r), n - 1);
}

int32_t DDSketch::bucketIndex(double magnitude) {
  assert(magnitude > 0 && std::isfinite(magnitude));
  const double i = std::ceil(std::log(magnitude) * kInvLogGamma);
  return static_cast<int32_t>(std::clamp<double>(i, kMinIndex, kMaxIndex));
}

double DDSketch::bucketValue(int32_t index) {
  return std::exp(index * kLogGamma + kLogRepFactor);
}

void DDSketch::merge(const DDSketch& other) {
  if (other.count() == 0) return;
  if (count() == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  negative_.merge(other.negative_);
  positive_.merge(other.positive_);
  zeros_ += other.zeros_;
}

std::optional<double> DDSketch::quantile(double q) const {
  const uint64_t n = count();
  if (n == 0) return std::nullopt;
  uint64_t rank = lowerRank(q, n);
  double r = 0;
  if (rank < negative_.total) {
    // Most negative first: the largest magnitudes of the negative store.
    uint64_t seen = 0;
    for (size_t k = negative_.counts.size(); k-- > 0;) {
      seen += negative_.counts[k];
      if (seen > rank) {
        r = -bucketValue(negative_.offset + static_cast<int32_t>(k));
        break;
      }
    }
  } else if (rank < negative_.total + zeros_) {
    r = 0;
  } else {
    rank -= negative_.total + zeros_;
    uint64_t seen = 0;
    for (size_t k = 0; k < positive_.counts.size(); ++k) {
      seen += positive_.counts[k];
      if (seen > rank) {
        r = bucketValue(positive_.offset + static_cast<int32_t>(k));
        break;
      }
    }
  }
  // The exact extremes bound every quantile, and make q = 0 and q = 1 exact.
  return std::clamp(r, min_, max_);
}

void DDSketch::write(ByteWriter& w) const {
  w.u64(zeros_);
  negative_.write(w);
  positive_.write(w);
  if (count() > 0) {
    w.u64(std::bit_cast<uint64_t>(min_));
    w.u64(std::bit_cast<uint64_t>(max_));
  }
}

bool DDSketch::read(ByteReader& r) {
  *this = DDSketch();
  zeros_ = r.u64();
  if (r.failed() || !negative_.read(r) || !positive_.read(r)) return false;
  if (count() == 0) return true;
  min_ = std::bit_cast<double>(r.u64());
  max_ = std::bit_cast<double>(r.u64());
  if (r.failed() || !std::isfinite(min_) || !std::isfinite(max_) ||
      min_ > max_) {
    return false;
  }
  // The extremes must agree with the stores' signs.
  return (negative_.total > 0) == (min_ < 0) &&
         (positive_.total > 0) == (max_ > 0) &&
         (zeros_ == 0 || (min_ <= 0 && max_ >= 0));
}

void DDSketch::Store::addOutside(int32_t index, uint64_t n) {
  assert(index >= kMinIndex && index <= kMaxIndex);
  const int64_t size = static_cast<int64_t>(counts.size());
  if (size == 0) {
    offset = static_cast<int32_t>(
        std::max<int64_t>(kMinIndex, index - kInitialBuckets / 2));
    counts.assign(
        std::min<int64_t>(kInitialBuckets, int64_t{kMaxIndex} - offset + 1), 0);
  } else if (index < offset || index >= offset + size) {
    // Grow by at least the current size on the side of the new index, so a
    // widening range costs amortized O(1) per bucket.
    const int64_t step = std::max(size, kInitialBuckets);
    int64_t lo = offset, hi = offset + size - 1;
    if (index < lo) {
      lo = std::max<int64_t>(kMinIndex, std::min<int64_t>(index, lo - step));
    } else {
      hi = std::min<int64_t>(kMaxIndex, std::max<int64_t>(index, hi + step));
    }
    std::vector<uint64_t> grown(static_cast<size_t>(hi - lo + 1), 0);
    std::copy(counts.begin(), counts.end(), grown.begin() + (offset - lo));
    counts.swap(grown);
    offset = static_cast<int32_t>(lo);
  }
  counts[static_cast<size_t>(index - offset)] += n;
  total += n;
}

void DDSketch::Store::merge(const Store& other) {
  for (size_t k = 0; k < other.counts.size(); ++k) {
    if (other.counts[k] != 0)
      add(other.offset + static_cast<int32_t>(k), other.counts[k]);
  }
}

void DDSketch::Store::write(ByteWriter& w) const {
  const uint64_t n =
      counts.size() - std::count(counts.begin(), counts.end(), uint64_t{0});
  w.u64(n);
  for (size_t k = 0; k < counts.size(); ++k) {
    if (counts[k] == 0) continue;
    w.u32(static_cast<uint32_t>(offset + static_cast<int32_t>(k)));
    w.u64(counts[k]);
  }
}

bool DDSketch::Store::read(ByteReader& r) {
  const uint64_t n = r.u64();
  if (r.failed() || n > static_cast<uint64_t>(kMaxIndex - kMinIndex + 1))
    return false;
  int64_t previous = int64_t{kMinIndex} - 1;
  for (uint64_t k = 0; k < n; ++k) {
    const auto index = static_cast<int32_t>(r.u32());
    const uint64_t c = r.u64();
    if (r.failed() || index <= previous || index > kMaxIndex || c == 0)
      return false;
    add(index, c);
    previous = index;
  }
  return true;
}

}  // namespace clusterproc
