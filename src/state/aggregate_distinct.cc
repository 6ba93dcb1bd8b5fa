#include "aggregate_distinct.h"

#include <algorithm>
#include <cassert>

#include "json_write.h"

namespace clusterproc {

namespace {

constexpr size_t kInitialSlots = 8;

class DistinctColumn final : public StateColumn<ValueCounter> {
 public:
  /// top_k < 0: count_distinct.
  explicit DistinctColumn(int64_t top_k) : top_k_(top_k) {}

  void add(size_t g, const Value& v, uint64_t order) override {
    if (!v.isNull()) states_[g].add(v, order);
  }
  void merge(size_t g, const AggColumn& other, size_t og) override {
    states_[g].merge(stateOf(other, og));
  }
  void write(size_t g, ByteWriter& w) const override { states_[g].write(w); }
  bool read(size_t g, ByteReader& r) override { return states_[g].read(r); }
  void shiftOrders(size_t g, uint64_t offset) override {
    states_[g].shiftOrders(offset);
  }
  void render(size_t g, std::string& out) const override {
    const ValueCounter& c = states_[g];
    if (top_k_ < 0) {
      appendJsonUint(out, c.size());
      return;
    }
    std::vector<const ValueCounter::Entry*> top;
    top.reserve(c.size());
    for (const ValueCounter::Entry& e : c.entries()) top.push_back(&e);
    const size_t k = std::min(top.size(), static_cast<size_t>(top_k_));
    // Distinct entries never compare equal, so this order is total.
    std::partial_sort(
        top.begin(), top.begin() + static_cast<std::ptrdiff_t>(k), top.end(),
        [](const ValueCounter::Entry* a, const ValueCounter::Entry* b) {
          if (a->count != b->count) return a->count > b->count;
          return compareValues(a->value.v, b->value.v) < 0;
        });
    out += '[';
    for (size_t i = 0; i < k; ++i) {
      if (i > 0) out += ',';
      out += "{\"value\":";
      appendValueJson(out, top[i]->value.v);
      out += ",\"count\":";
      appendJsonUint(out, top[i]->count);
      out += '}';
    }
    out += ']';
  }

 private:
  int64_t top_k_;
};

}  // namespace

void ValueCounter::add(const Value& v, uint64_t order, uint64_t count) {
  assert(!v.isNull());
  if (slots_.empty()) slots_.assign(kInitialSlots, 0);
  const uint64_t h = hashValue(v);
  const size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const uint32_t slot = slots_[i];
    if (slot == 0) {
      Entry e;
      assignOwned(e.value, v);
      e.count = count;
      e.order = order;
      e.hash = h;
      entries_.push_back(std::move(e));
      slots_[i] = static_cast<uint32_t>(entries_.size());
      if (entries_.size() * 2 > slots_.size()) rehash(slots_.size() * 2);
      return;
    }
    Entry& e = entries_[slot - 1];
    if (e.hash == h && equalValues(e.value.v, v)) {
      e.count += count;
      if (order < e.order) {
        assignOwned(e.value, v);
        e.order = order;
      }
      return;
    }
  }
}

void ValueCounter::merge(const ValueCounter& other) {
  for (const Entry& e : other.entries_) add(e.value.v, e.order, e.count);
}

void ValueCounter::rehash(size_t slot_count) {
  slots_.assign(slot_count, 0);
  const size_t mask = slot_count - 1;
  for (size_t k = 0; k < entries_.size(); ++k) {
    size_t i = entries_[k].hash & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = static_cast<uint32_t>(k + 1);
  }
}

void ValueCounter::write(ByteWriter& w) const {
  w.u64(entries_.size());
  for (const Entry& e : entries_) {
    writeValue(w, e.value.v);
    w.u64(e.count);
    w.u64(e.order);
  }
}

bool ValueCounter::read(ByteReader& r) {
  const uint64_t n = r.u64();
  OwnedValue v;
  for (uint64_t k = 0; k < n && !r.failed(); ++k) {
    if (!readValue(r, v) || v.v.isNull()) return false;
    const uint64_t count = r.u64();
    const uint64_t order = r.u64();
    if (r.failed() || count == 0) return false;
    add(v.v, order, count);
  }
  return !r.failed();
}

std::unique_ptr<AggColumn> makeCountDistinctColumn() {
  return std::make_unique<DistinctColumn>(-1);
}

std::unique_ptr<AggColumn> makeTopColumn(double k) {
  // NaN and k < 1 give an empty list; checkAggSpec rejects them earlier.
  const double clamped = k >= 1 ? std::min(k, 2147483647.0) : 0;
  return std::make_unique<DistinctColumn>(static_cast<int64_t>(clamped));
}

}  // namespace clusterproc
