#include "exact_sum.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>
#include <limits>

namespace clusterproc {

namespace {

constexpr uint8_t kPosInf = 1;
constexpr uint8_t kNegInf = 2;
constexpr uint8_t kNaN = 4;

// Below this magnitude Shewchuk's partials cannot overflow: each step adds at
// most |x| + 2 * |largest partial| < 2^1002.
const double kWideThreshold = std::ldexp(1.0, 1000);

// The wide accumulator: bit 0 is 2^-1074 (the smallest subnormal), a double
// reaches bit 2098, and the rest is headroom for 2^140 additions and the sign.
constexpr size_t kWideLimbs = 35;

// Encoding tags.
constexpr uint8_t kPartialsForm = 0;
constexpr uint8_t kWideForm = 1;
constexpr size_t kMaxPartials = 2200;

void putU64(std::string& out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out.append(b, 8);
}

bool getU64(std::string_view& in, uint64_t* v) {
  if (in.size() < 8) return false;
  uint64_t r = 0;
  for (int i = 0; i < 8; ++i) {
    r |= static_cast<uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  }
  in.remove_prefix(8);
  *v = r;
  return true;
}

Status truncated(const char* what) {
  return Status::error(ExitCode::kInput,
                       std::string("malformed partial state: ") + what);
}

// Adds (or subtracts) the 128-bit value hi:lo shifted left by 64 * limb bits.
void addWords(std::vector<uint64_t>& w, size_t limb, uint64_t lo, uint64_t hi,
              bool negative) {
  uint64_t carry = 0;
  for (size_t i = limb; i < w.size(); ++i) {
    const uint64_t v = i == limb ? lo : i == limb + 1 ? hi : 0;
    if (i > limb + 1 && carry == 0) break;
    const uint64_t old = w[i];
    if (!negative) {
      const uint64_t s = old + v;
      const uint64_t s2 = s + carry;
      carry = (s < old) | (s2 < s);
      w[i] = s2;
    } else {
      const uint64_t d = old - v;
      const uint64_t d2 = d - carry;
      carry = (old < v) | (d < carry);
      w[i] = d2;
    }
  }
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
    r = std::ldexp(static_cast<double>(mant),
                   static_cast<int>(t) - 52 - 1074);
  }
  return negative ? -r : r;
}

}  // namespace

void ExactFloatSum::add(double x) {
  if (std::isfinite(x)) {
    addFinite(x);
  } else if (std::isnan(x)) {
    special_ |= kNaN;
  } else {
    special_ |= x > 0 ? kPosInf : kNegInf;
  }
}

void ExactFloatSum::addFinite(double x) {
  if (wide_.empty() && (std::fabs(x) >= kWideThreshold ||
                        (!partials_.empty() &&
                         std::fabs(partials_.back()) >= kWideThreshold))) {
    switchToWide();
  }
  if (!wide_.empty()) {
    wideAdd(x);
    return;
  }
  // CPython's math_fsum inner loop: partials stay exact and non-overlapping.
  size_t i = 0;
  for (size_t j = 0; j < partials_.size(); ++j) {
    double y = partials_[j];
    if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
    const double hi = x + y;
    const double lo = y - (hi - x);
    if (lo != 0.0) partials_[i++] = lo;
    x = hi;
  }
  partials_.resize(i);
  if (x != 0.0) partials_.push_back(x);
}

void ExactFloatSum::switchToWide() {
  wide_.assign(kWideLimbs, 0);
  for (double p : partials_) wideAdd(p);
  partials_.clear();
  partials_.shrink_to_fit();
}

void ExactFloatSum::wideAdd(double x) {
  const uint64_t bits = std::bit_cast<uint64_t>(x);
  const unsigned exp = (bits >> 52) & 0x7ff;
  uint64_t mant = bits & ((uint64_t{1} << 52) - 1);
  if (exp != 0) mant |= uint64_t{1} << 52;
  const unsigned shift = exp == 0 ? 0 : exp - 1;  // x = mant * 2^(shift-1074)
  const unsigned off = shift % 64;
  const uint64_t lo = mant << off;
  const uint64_t hi = off == 0 ? 0 : mant >> (64 - off);
  addWords(wide_, shift / 64, lo, hi, (bits >> 63) != 0);
}

void ExactFloatSum::merge(const ExactFloatSum& other) {
  special_ |= other.special_;
  if (other.wide_.empty()) {
    for (double p : other.partials_) addFinite(p);
    return;
  }
  if (wide_.empty()) switchToWide();
  for (size_t i = 0; i < kWideLimbs; ++i) {
    addWords(wide_, i, other.wide_[i], 0, false);
  }
}

double ExactFloatSum::value() const {
  if (special_ != 0) {
    if ((special_ & kNaN) || special_ == (kPosInf | kNegInf)) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return special_ == kPosInf ? std::numeric_limits<double>::infinity()
                               : -std::numeric_limits<double>::infinity();
  }
  if (!wide_.empty()) return roundWide(wide_);
  // CPython's math_fsum final step: sum from the top while exact, then fix
  // the half-even rounding across partials.
  size_t n = partials_.size();
  if (n == 0) return 0.0;
  double hi = partials_[--n];
  double lo = 0.0;
  while (n > 0) {
    const double x = hi;
    const double y = partials_[--n];
    assert(std::fabs(y) < std::fabs(x));
    hi = x + y;
    lo = y - (hi - x);
    if (lo != 0.0) break;
  }
  if (n > 0 && ((lo < 0.0 && partials_[n - 1] < 0.0) ||
                (lo > 0.0 && partials_[n - 1] > 0.0))) {
    const double y = lo * 2.0;
    const double x = hi + y;
    if (y == x - hi) hi = x;
  }
  return hi;
}

void ExactFloatSum::serialize(std::string& out) const {
  out.push_back(static_cast<char>(wide_.empty() ? kPartialsForm : kWideForm));
  out.push_back(static_cast<char>(special_));
  if (wide_.empty()) {
    putU64(out, partials_.size());
    for (double p : partials_) putU64(out, std::bit_cast<uint64_t>(p));
  } else {
    for (uint64_t limb : wide_) putU64(out, limb);
  }
}

Result<ExactFloatSum> ExactFloatSum::deserialize(std::string_view& in) {
  if (in.size() < 2) return truncated("float sum");
  const auto form = static_cast<uint8_t>(in[0]);
  const auto special = static_cast<uint8_t>(in[1]);
  in.remove_prefix(2);
  if (form > kWideForm || special > (kPosInf | kNegInf | kNaN)) {
    return truncated("float sum header");
  }
  ExactFloatSum s;
  s.special_ = special;
  if (form == kWideForm) {
    s.wide_.resize(kWideLimbs);
    for (auto& limb : s.wide_) {
      if (!getU64(in, &limb)) return truncated("float sum");
    }
    return s;
  }
  uint64_t n;
  if (!getU64(in, &n) || n > kMaxPartials) return truncated("float sum");
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t bits;
    if (!getU64(in, &bits)) return truncated("float sum");
    const double p = std::bit_cast<double>(bits);
    if (!std::isfinite(p)) return truncated("float sum partial");
    s.addFinite(p);  // re-adding restores the invariants whatever the bytes
  }
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

void ExactIntSum::serialize(std::string& out) const {
  const auto u = static_cast<unsigned __int128>(sum_);
  putU64(out, static_cast<uint64_t>(u));
  putU64(out, static_cast<uint64_t>(u >> 64));
}

Result<ExactIntSum> ExactIntSum::deserialize(std::string_view& in) {
  uint64_t lo, hi;
  if (!getU64(in, &lo) || !getU64(in, &hi)) return truncated("int sum");
  ExactIntSum s;
  s.sum_ = static_cast<__int128>((static_cast<unsigned __int128>(hi) << 64) |
                                 lo);
  return s;
}

}  // namespace clusterproc
