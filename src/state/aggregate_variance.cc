#include "aggregate_variance.h"

#include <cmath>
#include <vector>

#include "json_write.h"

namespace clusterproc {

namespace {

// An exact sum is at most ~2100 bits wide and each step below removes 53 of
// them, so 64 steps always reach zero.
constexpr int kMaxParts = 64;

// Doubles, largest first, whose exact sum is s's exact value.
std::vector<double> expansion(ExactFloatSum s) {
  std::vector<double> parts;
  for (int i = 0; i < kMaxParts; ++i) {
    const double v = s.value();
    if (v == 0 || !std::isfinite(v)) break;
    parts.push_back(v);
    s.add(-v);
  }
  return parts;
}

void addProduct(ExactFloatSum& s, double x, double y) {
  const double hi = x * y;
  const double lo = std::fma(x, y, -hi);
  s.add(hi);
  if (lo != 0) s.add(lo);
}

std::optional<long double> varianceLd(uint64_t n, const ExactFloatSum& sum,
                                      const ExactFloatSum& squares) {
  if (n < 2 || !std::isfinite(sum.value()) || !std::isfinite(squares.value())) {
    return std::nullopt;
  }
  const std::vector<double> a = expansion(sum);
  const std::vector<double> b = expansion(squares);
  // n * squares - sum^2, exactly: n in two exact 32-bit halves, every
  // product as a two-product.
  ExactFloatSum numerator;
  const double n_parts[2] = {static_cast<double>(n & 0xffffffffu),
                             std::ldexp(static_cast<double>(n >> 32), 32)};
  for (double m : n_parts) {
    if (m == 0) continue;
    for (double y : b) addProduct(numerator, m, y);
  }
  for (double x : a) {
    for (double y : a) addProduct(numerator, -x, y);
  }
  const double hi = numerator.value();
  if (!std::isfinite(hi)) return std::nullopt;
  numerator.add(-hi);
  const long double exact = static_cast<long double>(hi) + numerator.value();
  // Exactly >= 0 (Cauchy-Schwarz); only subnormal losses could break it.
  if (exact <= 0) return 0.0L;
  const long double denominator =
      static_cast<long double>(n) * static_cast<long double>(n - 1);
  return exact / denominator;
}

struct Moments {
  uint64_t n = 0;
  ExactFloatSum sum;
  ExactFloatSum squares;
};

class VarianceColumn final : public StateColumn<Moments> {
 public:
  explicit VarianceColumn(bool stddev) : stddev_(stddev) {}

  void add(size_t g, const Value& v, uint64_t) override {
    if (!v.isNumber()) return;
    Moments& m = states_[g];
    const double x = v.asDouble();
    ++m.n;
    m.sum.add(x);
    addSquare(m.squares, x);
  }
  void merge(size_t g, const AggColumn& other, size_t og) override {
    Moments& m = states_[g];
    const Moments& o = stateOf(other, og);
    m.n += o.n;
    m.sum.merge(o.sum);
    m.squares.merge(o.squares);
  }
  void write(size_t g, ByteWriter& w) const override {
    const Moments& m = states_[g];
    w.u64(m.n);
    m.sum.serialize(w);
    m.squares.serialize(w);
  }
  bool read(size_t g, ByteReader& r) override {
    Moments& m = states_[g];
    m.n = r.u64();
    return !r.failed() && readInto(r, m.sum) && readInto(r, m.squares);
  }
  void render(size_t g, std::string& out) const override {
    const Moments& m = states_[g];
    const std::optional<double> r = stddev_
                                        ? sampleStddev(m.n, m.sum, m.squares)
                                        : sampleVariance(m.n, m.sum, m.squares);
    if (r) {
      appendJsonDouble(out, *r);
    } else {
      out += "null";
    }
  }

 private:
  bool stddev_;
};

}  // namespace

void addSquare(ExactFloatSum& s, double x) { addProduct(s, x, x); }

std::optional<double> sampleVariance(uint64_t n, const ExactFloatSum& sum,
                                     const ExactFloatSum& squares) {
  const std::optional<long double> v = varianceLd(n, sum, squares);
  if (!v) return std::nullopt;
  return static_cast<double>(*v);
}

std::optional<double> sampleStddev(uint64_t n, const ExactFloatSum& sum,
                                   const ExactFloatSum& squares) {
  const std::optional<long double> v = varianceLd(n, sum, squares);
  if (!v) return std::nullopt;
  return static_cast<double>(std::sqrt(*v));
}

std::unique_ptr<AggColumn> makeVarianceColumn(bool stddev) {
  return std::make_unique<VarianceColumn>(stddev);
}

}  // namespace clusterproc
