#include "aggregate_sum.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "big_number.h"
#include "json_write.h"

namespace clusterproc {

namespace {

// The window spans 48 bits below the first value's lowest bit up to 2^159
// units; with 2^31 additions of values below 2^159 units it cannot overflow
// its 192 bits (one for the sign).
constexpr int kBelow = 48;
constexpr int kMaxShift = 159 - 53;
constexpr uint32_t kFoldEvery = uint32_t{1} << 31;
// Values from 2^900 up skip the window, so that every 32-bit piece of it
// converts to a finite double.
constexpr int kMaxWindowExponent = 1075 + 900;

}  // namespace

void WindowedSum::add(double x) {
  const uint64_t bits = std::bit_cast<uint64_t>(x);
  int e = static_cast<int>((bits >> 52) & 0x7ff);
  uint64_t m = bits & ((uint64_t{1} << 52) - 1);
  if (e == 0) {
    if (m == 0) return;  // a zero changes no sum (an empty sum is +0.0 too)
    e = 1;               // subnormal: m * 2^(1 - 1075)
  } else {
    m |= uint64_t{1} << 52;
  }
  // x = +-m * 2^(e - 1075)
  if (anchor_ == 0 && e <= kMaxWindowExponent)
    anchor_ = std::max(1, e - kBelow);
  const int shift = e - anchor_;
  if (anchor_ == 0 || shift < 0 || shift > kMaxShift ||
      e > kMaxWindowExponent) {
    rest_.add(x);
    return;
  }
  addToWindow(m, shift, (bits >> 63) != 0);
  if (++window_adds_ == kFoldEvery) {
    foldWindowInto(rest_);
    lo_ = 0;
    hi_ = 0;
    window_adds_ = 0;
  }
}

void WindowedSum::addToWindow(uint64_t mantissa, int shift, bool negative) {
  unsigned __int128 vlo;
  uint64_t vhi;
  if (shift < 64) {
    vlo = static_cast<unsigned __int128>(mantissa) << shift;
    vhi = 0;
  } else {
    const unsigned __int128 t = static_cast<unsigned __int128>(mantissa)
                                << (shift - 64);
    vlo = t << 64;
    vhi = static_cast<uint64_t>(t >> 64);
  }
  const unsigned __int128 old = lo_;
  if (negative) {
    lo_ -= vlo;
    hi_ -= vhi + (lo_ > old);
  } else {
    lo_ += vlo;
    hi_ += vhi + (lo_ < old);
  }
}

void WindowedSum::foldWindowInto(ExactFloatSum& sum) const {
  if (anchor_ == 0) return;
  const bool negative = (hi_ >> 63) != 0;
  unsigned __int128 lo = lo_;
  uint64_t hi = hi_;
  if (negative) {  // magnitude of the two's complement value
    lo = ~lo + 1;
    hi = ~hi + (lo == 0 ? 1 : 0);
  }
  // 32-bit pieces times a power of two in the double range: exact doubles.
  for (int k = 0; k < 6; ++k) {
    const auto piece =
        static_cast<uint32_t>(k < 4 ? lo >> (32 * k) : hi >> (32 * (k - 4)));
    if (piece == 0) continue;
    const double d =
        std::ldexp(static_cast<double>(piece), anchor_ - 1075 + 32 * k);
    sum.add(negative ? -d : d);
  }
}

void WindowedSum::merge(const WindowedSum& other) {
  rest_.merge(other.rest_);
  other.foldWindowInto(rest_);
}

ExactFloatSum WindowedSum::total() const {
  ExactFloatSum t = rest_;
  foldWindowInto(t);
  return t;
}

Result<WindowedSum> WindowedSum::deserialize(ByteReader& r) {
  Result<ExactFloatSum> sum = ExactFloatSum::deserialize(r);
  if (!sum.ok()) return sum.status();
  WindowedSum s;
  s.rest_ = std::move(sum.value());
  return s;
}

namespace {

// Integers are summed exactly. fsum needs them as doubles, each rounded on
// its own, so the integers beyond 2^53 (which doubles round) also add up
// their rounding errors; ints + rounding is then the exact sum of the
// rounded integers, added to the float sum only when a result needs it.
//
// Integers beyond 64 bits (big numbers) are summed exactly in big, and their
// doubles (rounded each on its own, as fsum's input) go to doubles.
struct NumberSum {
  ExactIntSum ints;
  ExactIntSum rounding;  // sum of double(i) - i
  WindowedSum doubles;
  BigIntSum big;
  uint64_t int_count = 0;
  uint64_t double_count = 0;
};

constexpr int64_t kTwo53 = int64_t{1} << 53;

template <typename Int>
int64_t roundingError(Int i) {
  // Exact: a double that rounds an int64 or uint64 is an integer below 2^64
  // (or exactly 2^63, 2^64), and differs from it by at most 2^10.
  return static_cast<int64_t>(static_cast<__int128>(static_cast<double>(i)) -
                              static_cast<__int128>(i));
}

// The exact sum of every number as a double: math.fsum's input.
ExactFloatSum allAsDoubles(const NumberSum& s) {
  ExactFloatSum total = s.doubles.total();
  const __int128 ints = s.ints.value() + s.rounding.value();
  const bool negative = ints < 0;
  auto magnitude = static_cast<unsigned __int128>(ints);
  if (negative) magnitude = ~magnitude + 1;
  for (int shift = 0; shift < 128; shift += 32) {
    const auto piece = static_cast<uint32_t>(magnitude >> shift);
    if (piece == 0) continue;
    const double d = std::ldexp(static_cast<double>(piece), shift);
    total.add(negative ? -d : d);
  }
  return total;
}

class SumColumn final : public StateColumn<NumberSum> {
 public:
  explicit SumColumn(bool average) : average_(average) {}

  void add(size_t g, const Value& v, uint64_t) override {
    NumberSum& s = states_[g];
    switch (v.kind) {
      case ValueKind::kInt:
        s.ints.add(v.i);
        ++s.int_count;
        if (v.i > kTwo53 || v.i < -kTwo53) s.rounding.add(roundingError(v.i));
        break;
      case ValueKind::kUint:
        s.ints.add(v.u);
        ++s.int_count;
        s.rounding.add(roundingError(v.u));
        break;
      case ValueKind::kDouble:
        s.doubles.add(v.d);
        if (v.isBig() && isIntegerText(v.s)) {
          s.big.addText(v.s);
          ++s.int_count;
        } else {
          ++s.double_count;
        }
        break;
      default:
        break;
    }
  }
  void merge(size_t g, const AggColumn& other, size_t og) override {
    NumberSum& s = states_[g];
    const NumberSum& o = stateOf(other, og);
    s.ints.merge(o.ints);
    s.rounding.merge(o.rounding);
    s.doubles.merge(o.doubles);
    s.big.merge(o.big);
    s.int_count += o.int_count;
    s.double_count += o.double_count;
  }
  void write(size_t g, ByteWriter& w) const override {
    const NumberSum& s = states_[g];
    w.u64(s.int_count);
    w.u64(s.double_count);
    s.ints.serialize(w);
    s.rounding.serialize(w);
    s.doubles.serialize(w);
    s.big.serialize(w);
  }
  bool read(size_t g, ByteReader& r) override {
    NumberSum& s = states_[g];
    s.int_count = r.u64();
    s.double_count = r.u64();
    return !r.failed() && readInto(r, s.ints) && readInto(r, s.rounding) &&
           readInto(r, s.doubles) && s.big.deserialize(r);
  }
  void render(size_t g, std::string& out) const override {
    const NumberSum& s = states_[g];
    const uint64_t n = s.int_count + s.double_count;
    if (n == 0) {
      out += "null";
    } else if (average_) {
      appendJsonDouble(out, allAsDoubles(s).value() / static_cast<double>(n));
    } else if (s.double_count == 0 && s.big.isZero()) {
      out += s.ints.toString();
    } else if (s.double_count == 0) {
      BigIntSum total = s.big;
      total.add(s.ints.value());
      out += total.toString();
    } else {
      appendJsonDouble(out, allAsDoubles(s).value());
    }
  }

 private:
  bool average_;
};

}  // namespace

std::unique_ptr<AggColumn> makeSumColumn(bool average) {
  return std::make_unique<SumColumn>(average);
}

}  // namespace clusterproc
