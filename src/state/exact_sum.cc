#include "exact_sum.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace clusterproc {

namespace {

constexpr uint8_t kPosInf = 1;
constexpr uint8_t kNegInf = 2;
constexpr uint8_t kNaN = 4;

Status malformed(const char* what) {
  return Status::error(ExitCode::kInput,
                       std::string("malformed partial state: ") + what);
}

// Bits [pos, pos + n) of a magnitude, n <= 64; zero beyond its end.
uint64_t bitsAt(const std::vector<uint64_t>& m, size_t pos, unsigned n) {
  const size_t limb = pos / 64;
  const unsigned off = pos % 64;
  uint64_t r = limb < m.size() ? m[limb] >> off : 0;
  if (off != 0 && limb + 1 < m.size()) r |= m[limb + 1] << (64 - off);
  return n == 64 ? r : r & ((uint64_t{1} << n) - 1);
}

bool anyBitBelow(const std::vector<uint64_t>& m, size_t pos) {
  const size_t limb = pos / 64;
  for (size_t i = 0; i < limb; ++i) {
    if (m[i] != 0) return true;
  }
  const unsigned off = pos % 64;
  return off != 0 && (m[limb] & ((uint64_t{1} << off) - 1)) != 0;
}

// Rounds a two's complement fixed-point number (unit 2^-1074) to the nearest
// double, ties to even.
double roundWide(std::vector<uint64_t> m) {
  const bool negative = (m.back() >> 63) != 0;
  if (negative) {  // magnitude = ~m + 1
    uint64_t carry = 1;
    for (auto& limb : m) {
      limb = ~limb + carry;
      carry = carry && limb == 0;
    }
  }
  size_t top = m.size();
  while (top > 0 && m[top - 1] == 0) --top;
  if (top == 0) return 0.0;
  const size_t t = (top - 1) * 64 + 63 - std::countl_zero(m[top - 1]);
  double r;
  if (t <= 52) {  // below 2^53 units: exact (subnormal or small normal)
    r = std::ldexp(static_cast<double>(m[0]), -1074);
  } else {
    uint64_t mant = bitsAt(m, t - 52, 53);
    const bool half = bitsAt(m, t - 53, 1) != 0;
    if (half && (anyBitBelow(m, t - 53) || (mant & 1))) ++mant;
    r = std::ldexp(static_cast<double>(mant), static_cast<int>(t) - 52 - 1074);
  }
  return negative ? -r : r;
}

}  // namespace

void ExactFloatSum::addNonFinite(double x) {
  if (std::isnan(x)) {
    special_ |= kNaN;
  } else {
    special_ |= x > 0 ? kPosInf : kNegInf;
  }
}

void ExactFloatSum::cover(size_t lo, size_t hi) {
  assert(lo <= hi && hi < kChunks);
  std::vector<int64_t> wider;
  if (chunks_.empty()) {
    wider.assign(hi - lo + 1, 0);
  } else {
    lo = std::min(lo, base_);
    hi = std::max(hi, base_ + chunks_.size() - 1);
    wider.assign(hi - lo + 1, 0);
    std::copy(chunks_.begin(), chunks_.end(), wider.begin() + (base_ - lo));
  }
  chunks_ = std::move(wider);
  base_ = lo;
}

void ExactFloatSum::carry() {
  for (size_t i = 0; i + 1 < chunks_.size(); ++i) {
    chunks_[i + 1] += chunks_[i] >> kChunkBits;  // arithmetic: floor division
    chunks_[i] &= static_cast<int64_t>(kChunkMask);
  }
  pending_ = 0;
}

void ExactFloatSum::foldInts() {
  // Three exact doubles: the high 64 bits (below 2^53 in magnitude) and the
  // two halves of the low ones.
  const auto low = static_cast<uint64_t>(ints_);
  const auto high = static_cast<int64_t>(ints_ >> 64);
  ints_ = 0;
  if (high != 0) add(std::ldexp(static_cast<double>(high), 64));
  if ((low >> 32) != 0) add(std::ldexp(static_cast<double>(low >> 32), 32));
  if ((low & kChunkMask) != 0) add(static_cast<double>(low & kChunkMask));
}

void ExactFloatSum::merge(const ExactFloatSum& other) {
  special_ |= other.special_;
  ints_ += other.ints_;
  if (other.chunks_.empty()) return;
  if (chunks_.empty()) {
    chunks_ = other.chunks_;
    base_ = other.base_;
    pending_ = other.pending_;
    return;
  }
  cover(other.base_, other.base_ + other.chunks_.size() - 1);
  // Carried chunks are below 2^32 and other's below 2^62: no overflow.
  carry();
  for (size_t i = 0; i < other.chunks_.size(); ++i) {
    chunks_[other.base_ - base_ + i] += other.chunks_[i];
  }
  carry();
}

std::vector<uint64_t> ExactFloatSum::words() const {
  ExactFloatSum c = *this;
  c.foldInts();
  // Every chunk, carried: the top one only holds the sign.
  if (!c.chunks_.empty()) c.cover(0, kChunks - 1);
  c.carry();
  std::vector<uint64_t> w(kWords, 0);
  if (c.chunks_.empty()) return w;
  assert(c.chunks_.back() == 0 || c.chunks_.back() == -1);
  for (size_t i = 0; i < kWords; ++i) {
    w[i] = static_cast<uint64_t>(c.chunks_[2 * i]) |
           static_cast<uint64_t>(c.chunks_[2 * i + 1]) << kChunkBits;
  }
  return w;
}

double ExactFloatSum::value() const {
  if (special_ != 0) {
    if ((special_ & kNaN) || special_ == (kPosInf | kNegInf)) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return special_ == kPosInf ? std::numeric_limits<double>::infinity()
                               : -std::numeric_limits<double>::infinity();
  }
  return roundWide(words());
}

void ExactFloatSum::serialize(ByteWriter& w) const {
  const std::vector<uint64_t> words = this->words();
  // Drop the words that only extend the sign, then the zero words below.
  size_t end = kWords;
  const uint64_t sign_word = (words.back() >> 63) ? ~uint64_t{0} : 0;
  while (
      end > 0 && words[end - 1] == sign_word &&
      (end == 1 ? sign_word == 0 : (words[end - 2] >> 63) == (sign_word & 1))) {
    --end;
  }
  size_t first = 0;
  while (first < end && words[first] == 0) ++first;
  w.u8(special_);
  w.u8(static_cast<uint8_t>(first));
  w.u8(static_cast<uint8_t>(end - first));
  for (size_t i = first; i < end; ++i) w.u64(words[i]);
}

Result<ExactFloatSum> ExactFloatSum::deserialize(ByteReader& r) {
  const uint8_t special = r.u8();
  const size_t first = r.u8();
  const size_t n = r.u8();
  if (r.failed()) return malformed("float sum truncated");
  // A reachable sum is below 2^1087 (2^63 additions of 2^1024 at most), so
  // the top word is never written: rejecting it keeps merges of any accepted
  // states from overflowing.
  if (special > (kPosInf | kNegInf | kNaN) || first + n >= kWords) {
    return malformed("float sum header");
  }
  ExactFloatSum s;
  s.special_ = special;
  if (n == 0) return s;
  std::vector<uint64_t> words(kWords, 0);
  for (size_t i = first; i < first + n; ++i) words[i] = r.u64();
  if (r.failed()) return malformed("float sum truncated");
  // The window: the given words, plus headroom above them; beyond it, chunks
  // extend the sign of its top one.
  const size_t lo = 2 * first;
  const size_t hi = std::min(kChunks - 1, 2 * (first + n) - 1 + kHeadroom);
  const bool negative = (words[first + n - 1] >> 63) != 0;
  for (size_t i = first + n; i < kWords; ++i) {
    words[i] = negative ? ~uint64_t{0} : 0;
  }
  s.cover(lo, hi);
  for (size_t j = lo; j < hi; ++j) {
    s.chunks_[j - lo] = static_cast<int64_t>(
        (words[j / 2] >> (kChunkBits * (j % 2))) & kChunkMask);
  }
  s.chunks_.back() = negative ? -1 : 0;
  return s;
}

std::string ExactIntSum::toString() const {
  const bool negative = sum_ < 0;
  // Negate in unsigned arithmetic so that the most negative value works.
  unsigned __int128 mag = static_cast<unsigned __int128>(sum_);
  if (negative) mag = ~mag + 1;
  char buf[48];
  char* p = buf + sizeof buf;
  do {
    *--p = static_cast<char>('0' + static_cast<int>(mag % 10));
    mag /= 10;
  } while (mag != 0);
  if (negative) *--p = '-';
  return std::string(p, buf + sizeof buf);
}

void ExactIntSum::serialize(ByteWriter& w) const {
  const auto u = static_cast<unsigned __int128>(sum_);
  w.u64(static_cast<uint64_t>(u));
  w.u64(static_cast<uint64_t>(u >> 64));
}

Result<ExactIntSum> ExactIntSum::deserialize(ByteReader& r) {
  const uint64_t lo = r.u64();
  const uint64_t hi = r.u64();
  if (r.failed()) return malformed("int sum truncated");
  ExactIntSum s;
  s.sum_ =
      static_cast<__int128>((static_cast<unsigned __int128>(hi) << 64) | lo);
  return s;
}

}  // namespace clusterproc
