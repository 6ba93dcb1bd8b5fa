#include "aggregate.h"

#include <bit>
#include <cmath>

#include "aggregate_distinct.h"
#include "aggregate_quantile.h"
#include "aggregate_sum.h"
#include "aggregate_variance.h"
#include "hll.h"
#include "json_diagnose.h"
#include "json_write.h"

namespace clusterproc {

namespace {

// writeValue()'s kind byte for a big number (after the ValueKinds).
constexpr uint8_t kBigNumberTag = 8;

Status usage(std::string message) {
  return Status::error(ExitCode::kUsage, std::move(message));
}

// --- count, count(x) ------------------------------------------------------

class CountColumn final : public StateColumn<uint64_t> {
 public:
  explicit CountColumn(bool non_null) : non_null_(non_null) {}
  void add(size_t g, const Value& v, uint64_t) override {
    if (!non_null_ || !v.isNull()) ++states_[g];
  }
  void merge(size_t g, const AggColumn& other, size_t og) override {
    states_[g] += stateOf(other, og);
  }
  void write(size_t g, ByteWriter& w) const override { w.u64(states_[g]); }
  bool read(size_t g, ByteReader& r) override {
    states_[g] = r.u64();
    return !r.failed();
  }
  void render(size_t g, std::string& out) const override {
    appendJsonUint(out, states_[g]);
  }

 private:
  bool non_null_;
};

// --- min, max, first, last ------------------------------------------------

// A chosen value and the input position of the record it came from.
struct Pick {
  OwnedValue value;
  uint64_t order = 0;
  bool has = false;
};

enum class PickRule { kMin, kMax, kFirst, kLast };

class PickColumn final : public StateColumn<Pick> {
 public:
  explicit PickColumn(PickRule rule) : rule_(rule) {}

  void add(size_t g, const Value& v, uint64_t order) override {
    if (rule_ == PickRule::kMin || rule_ == PickRule::kMax) {
      if (v.isNull()) return;
    }
    Pick& p = states_[g];
    if (better(p, v, order)) {
      assignOwned(p.value, v);
      p.order = order;
      p.has = true;
    }
  }
  void merge(size_t g, const AggColumn& other, size_t og) override {
    const Pick& o = stateOf(other, og);
    if (!o.has) return;
    Pick& p = states_[g];
    if (better(p, o.value.v, o.order)) {
      assignOwned(p.value, o.value.v);
      p.order = o.order;
      p.has = true;
    }
  }
  void write(size_t g, ByteWriter& w) const override {
    const Pick& p = states_[g];
    w.u8(p.has);
    if (!p.has) return;
    w.u64(p.order);
    writeValue(w, p.value.v);
  }
  bool read(size_t g, ByteReader& r) override {
    Pick& p = states_[g];
    const uint8_t has = r.u8();
    if (r.failed() || has > 1) return false;
    if (has == 0) return true;
    p.has = true;
    p.order = r.u64();
    if (!readValue(r, p.value)) return false;
    return rule_ == PickRule::kFirst || rule_ == PickRule::kLast ||
           !p.value.v.isNull();
  }
  void shiftOrders(size_t g, uint64_t offset) override {
    if (states_[g].has) states_[g].order += offset;
  }
  void render(size_t g, std::string& out) const override {
    const Pick& p = states_[g];
    if (p.has) {
      appendValueJson(out, p.value.v);
    } else {
      out += "null";
    }
  }

 private:
  // Whether (v, order) replaces p. Equal values keep the earliest spelling,
  // so the result is the same for any order of adds and merges.
  bool better(const Pick& p, const Value& v, uint64_t order) const {
    if (!p.has) return true;
    switch (rule_) {
      case PickRule::kFirst:
        return order < p.order;
      case PickRule::kLast:
        // >=: the records --explode makes of one line share its position;
        // the later one is added later.
        return order >= p.order;
      case PickRule::kMin:
      case PickRule::kMax: {
        const int c = compareValues(v, p.value.v);
        if (c == 0) return order < p.order;
        return rule_ == PickRule::kMin ? c < 0 : c > 0;
      }
    }
    return false;
  }

  PickRule rule_;
};

// --- approx_distinct ------------------------------------------------------

class HllColumn final : public StateColumn<Hll> {
 public:
  void add(size_t g, const Value& v, uint64_t) override {
    if (!v.isNull()) states_[g].add(hashValue(v));
  }
  void merge(size_t g, const AggColumn& other, size_t og) override {
    states_[g].merge(stateOf(other, og));
  }
  void write(size_t g, ByteWriter& w) const override {
    states_[g].serialize(w);
  }
  bool read(size_t g, ByteReader& r) override {
    return readInto(r, states_[g]);
  }
  void render(size_t g, std::string& out) const override {
    appendJsonUint(out,
                   static_cast<uint64_t>(std::llround(states_[g].estimate())));
  }
};

}  // namespace

Result<AggFunc> aggFuncFromName(std::string_view name, bool has_arg) {
  const AggregateInfo* f = findAggregate(name);
  if (f == nullptr) {
    return usage("unknown aggregate '" + std::string(name) +
                 "' (known: " + aggregateNameList() + ")");
  }
  if (f->func == AggFunc::kCount)
    return has_arg ? AggFunc::kCountOf : AggFunc::kCount;
  if (!has_arg) {
    return usage("aggregate " + std::string(name) +
                 " needs an argument: " + std::string(name) + "(x)");
  }
  return f->func;
}

std::string_view aggFuncName(AggFunc func) {
  if (func == AggFunc::kCountOf) return "count";
  for (const AggregateInfo& f : aggregateTable()) {
    if (f.func == func) return f.name;
  }
  return "?";
}

Status checkAggSpec(const AggSpec& spec) {
  const std::string name(aggFuncName(spec.func));
  const AggregateInfo* f = findAggregate(name);
  const AggParam param = f != nullptr ? f->param : AggParam::kNone;
  if (param == AggParam::kFraction && !(spec.param >= 0 && spec.param <= 1)) {
    return usage(name + ": q must be between 0 and 1");
  }
  if (param == AggParam::kCount &&
      (!(spec.param >= 1 && spec.param < 2147483648.0) ||
       spec.param != std::floor(spec.param))) {
    return usage(name + ": k must be a positive integer");
  }
  return Status();
}

std::unique_ptr<AggColumn> makeAggColumn(const AggSpec& spec) {
  switch (spec.func) {
    case AggFunc::kCount:
      return std::make_unique<CountColumn>(false);
    case AggFunc::kCountOf:
      return std::make_unique<CountColumn>(true);
    case AggFunc::kSum:
      return makeSumColumn(false);
    case AggFunc::kAvg:
      return makeSumColumn(true);
    case AggFunc::kMin:
      return std::make_unique<PickColumn>(PickRule::kMin);
    case AggFunc::kMax:
      return std::make_unique<PickColumn>(PickRule::kMax);
    case AggFunc::kFirst:
      return std::make_unique<PickColumn>(PickRule::kFirst);
    case AggFunc::kLast:
      return std::make_unique<PickColumn>(PickRule::kLast);
    case AggFunc::kVar:
      return makeVarianceColumn(false);
    case AggFunc::kStddev:
      return makeVarianceColumn(true);
    case AggFunc::kCountDistinct:
      return makeCountDistinctColumn();
    case AggFunc::kApproxDistinct:
      return std::make_unique<HllColumn>();
    case AggFunc::kQuantile:
      return makeSketchQuantileColumn(spec.param);
    case AggFunc::kMedian:
      return makeSketchQuantileColumn(0.5);
    case AggFunc::kQuantileExact:
      return makeExactQuantileColumn(spec.param);
    case AggFunc::kTop:
      return makeTopColumn(spec.param);
  }
  return nullptr;
}

void writeValue(ByteWriter& w, const Value& v) {
  if (v.isBig()) {
    w.u8(kBigNumberTag);
    w.bytes(v.s);
    return;
  }
  w.u8(static_cast<uint8_t>(v.kind));
  switch (v.kind) {
    case ValueKind::kNull:
      break;
    case ValueKind::kBool:
      w.u8(v.b);
      break;
    case ValueKind::kInt:
      w.u64(static_cast<uint64_t>(v.i));
      break;
    case ValueKind::kUint:
      w.u64(v.u);
      break;
    case ValueKind::kDouble:
      w.u64(std::bit_cast<uint64_t>(v.d));
      break;
    case ValueKind::kString:
    case ValueKind::kArray:
    case ValueKind::kObject:
      w.bytes(v.s);
      break;
  }
}

bool readValue(ByteReader& r, OwnedValue& out) {
  const uint8_t kind = r.u8();
  Value v;
  if (kind == kBigNumberTag) {
    const std::string_view text = r.bytes();
    const JsonProblem p = diagnoseJson(text);
    if (r.failed() || p.found || p.big_numbers.size() != 1 ||
        p.big_numbers[0].offset != 0 || p.big_numbers[0].size != text.size()) {
      return false;
    }
    assignOwned(out, Value::big(text));
    return true;
  }
  switch (static_cast<ValueKind>(kind)) {
    case ValueKind::kNull:
      break;
    case ValueKind::kBool: {
      const uint8_t b = r.u8();
      if (b > 1) return false;
      v = Value::boolean(b != 0);
      break;
    }
    case ValueKind::kInt:
      v = Value::integer(static_cast<int64_t>(r.u64()));
      break;
    case ValueKind::kUint:
      v = Value::uinteger(r.u64());
      if (v.kind != ValueKind::kUint) return false;  // not the canonical form
      break;
    case ValueKind::kDouble:
      v = Value::number(std::bit_cast<double>(r.u64()));
      if (v.isNull()) return false;
      break;
    case ValueKind::kString:
      v = Value::string(r.bytes());
      break;
    case ValueKind::kArray:
    case ValueKind::kObject:
      v = Value::container(static_cast<ValueKind>(kind), r.bytes());
      break;
    default:
      return false;
  }
  if (r.failed()) return false;
  assignOwned(out, v);
  return true;
}

void assignOwned(OwnedValue& dst, const Value& src) {
  const bool has_bytes = src.kind == ValueKind::kString ||
                         src.kind == ValueKind::kArray ||
                         src.kind == ValueKind::kObject || src.isBig();
  // assign() copes with overlap; the test only skips a copy onto itself.
  if (has_bytes && (src.s.data() != dst.storage.data() ||
                    src.s.size() != dst.storage.size())) {
    dst.storage.assign(src.s);
  }
  dst.v = src;
  if (has_bytes) dst.v.s = dst.storage;
}

}  // namespace clusterproc
