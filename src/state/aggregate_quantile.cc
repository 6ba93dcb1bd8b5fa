#include "aggregate_quantile.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <vector>

#include "ddsketch.h"
#include "json_write.h"

namespace clusterproc {

namespace {

class SketchColumn final : public StateColumn<DDSketch> {
 public:
  explicit SketchColumn(double q) : q_(q) {}

  void add(size_t g, const Value& v, uint64_t) override {
    // A number beyond the double range counts as the largest double.
    if (v.isNumber()) {
      states_[g].add(std::clamp(v.asDouble(),
                                -std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::max()));
    }
  }
  void merge(size_t g, const AggColumn& other, size_t og) override {
    states_[g].merge(stateOf(other, og));
  }
  void write(size_t g, ByteWriter& w) const override { states_[g].write(w); }
  bool read(size_t g, ByteReader& r) override { return states_[g].read(r); }
  void render(size_t g, std::string& out) const override {
    const std::optional<double> r = states_[g].quantile(q_);
    if (r) {
      appendJsonDouble(out, *r);
    } else {
      out += "null";
    }
  }

 private:
  double q_;
};

// A number as it was written: 16 bytes instead of a whole Value.
struct Number {
  ValueKind kind;
  uint64_t bits;  // int64 or uint64 as is, a double's IEEE bits

  Value value() const {
    switch (kind) {
      case ValueKind::kInt:
        return Value::integer(static_cast<int64_t>(bits));
      case ValueKind::kUint:
        return Value::uinteger(bits);
      default: {
        // Not Value::number(): a big number beyond the double range is
        // +-inf here, and sorts as such.
        Value x;
        x.kind = ValueKind::kDouble;
        x.d = std::bit_cast<double>(bits);
        return x;
      }
    }
  }
};

bool numberLess(const Number& a, const Number& b) {
  const int c = compareValues(a.value(), b.value());
  if (c != 0) return c < 0;
  // 1 before 1.0, 0.0 before -0.0: a total order, so any split of the
  // values selects the same one.
  if (a.kind != b.kind) return a.kind < b.kind;
  return a.bits < b.bits;
}

class ExactQuantileColumn final : public StateColumn<std::vector<Number>> {
 public:
  explicit ExactQuantileColumn(double q) : q_(q) {}

  void add(size_t g, const Value& v, uint64_t) override {
    switch (v.kind) {
      case ValueKind::kInt:
        states_[g].push_back({v.kind, static_cast<uint64_t>(v.i)});
        break;
      case ValueKind::kUint:
        states_[g].push_back({v.kind, v.u});
        break;
      case ValueKind::kDouble:
        states_[g].push_back({v.kind, std::bit_cast<uint64_t>(v.d)});
        break;
      default:
        break;
    }
  }
  void merge(size_t g, const AggColumn& other, size_t og) override {
    const std::vector<Number>& o = stateOf(other, og);
    states_[g].insert(states_[g].end(), o.begin(), o.end());
  }
  void write(size_t g, ByteWriter& w) const override {
    w.u64(states_[g].size());
    for (const Number& x : states_[g]) {
      w.u8(static_cast<uint8_t>(x.kind));
      w.u64(x.bits);
    }
  }
  bool read(size_t g, ByteReader& r) override {
    const uint64_t n = r.u64();
    for (uint64_t k = 0; k < n && !r.failed(); ++k) {
      const auto kind = static_cast<ValueKind>(r.u8());
      const uint64_t bits = r.u64();
      const bool valid =
          (kind == ValueKind::kInt) ||
          (kind == ValueKind::kUint && bits > uint64_t{INT64_MAX}) ||
          (kind == ValueKind::kDouble &&
           !std::isnan(std::bit_cast<double>(bits)));
      if (r.failed() || !valid) return false;
      states_[g].push_back({kind, bits});
    }
    return !r.failed();
  }
  void render(size_t g, std::string& out) const override {
    if (states_[g].empty()) {
      out += "null";
      return;
    }
    std::vector<Number> sorted = states_[g];
    const auto rank = static_cast<std::ptrdiff_t>(lowerRank(q_, sorted.size()));
    std::nth_element(sorted.begin(), sorted.begin() + rank, sorted.end(),
                     numberLess);
    const Value v = sorted[static_cast<size_t>(rank)].value();
    if (v.kind == ValueKind::kDouble && !std::isfinite(v.d)) {
      out += "null";  // a big number beyond the double range
    } else {
      appendValueJson(out, v);
    }
  }

 private:
  double q_;
};

}  // namespace

std::unique_ptr<AggColumn> makeSketchQuantileColumn(double q) {
  return std::make_unique<SketchColumn>(q);
}

std::unique_ptr<AggColumn> makeExactQuantileColumn(double q) {
  return std::make_unique<ExactQuantileColumn>(q);
}

}  // namespace clusterproc
