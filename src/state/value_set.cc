#include "value_set.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace clusterproc {

uint64_t ValueSet::distinct() const {
  return overflowed_ ? static_cast<uint64_t>(std::llround(hll_.estimate()))
                     : size_;
}

uint32_t ValueSet::probeLong(std::string_view s) {
  using hash_detail::load64;
  const char* p = s.data();
  size_t n = s.size();
  assert(n > 16);
  uint64_t h = kSeed2 ^ n;
  do {
    h = mix(load64(p) ^ kSeed1, load64(p + 8) ^ h);
    p += 16;
    n -= 16;
  } while (n > 16);
  return static_cast<uint32_t>(
      mix(load64(p + n - 16) ^ kSeed1, load64(p + n - 8) ^ h));
}

void ValueSet::addNew(const Scalar& v, const Key& key, uint64_t count) {
  assert(!overflowed_ && count > 0);
  if (size_ == kMaxExact) {
    overflow();
    hll_.add(hashScalar(v));
    return;
  }
  Entry e{key.probe, v.kind, key.length, count, {key.word[0], key.word[1]}};
  if (key.length == kLong) {
    e.word[0] = text_.size();
    e.word[1] = v.s.size();
    text_.append(v.s);
  }
  ++size_;
  if (size_ * kMaxSlots > table_.size() * kMaxExact) {  // load > 0.4: grow
    std::vector<Entry> old(std::max(kMinSlots, 2 * table_.size()), Entry{});
    old.swap(table_);
    for (const Entry& o : old) {
      if (o.count != 0) place(o);
    }
  }
  place(e);
}

void ValueSet::place(const Entry& e) {
  const size_t mask = table_.size() - 1;
  size_t pos = e.probe & mask;
  while (table_[pos].count != 0) pos = (pos + 1) & mask;
  table_[pos] = e;
}

void ValueSet::overflow() {
  forEach([this](const Entry& e) { hll_.add(hashScalar(view(e))); });
  table_ = {};
  size_ = 0;
  text_ = {};
  overflowed_ = true;
}

void ValueSet::merge(const ValueSet& o) {
  if (!overflowed_ && o.overflowed_) overflow();
  if (!overflowed_) {
    for (const Entry& e : o.table_) {
      if (e.count == 0) continue;
      const Scalar v = o.view(e);
      const Key key = makeKey(v);
      if (Entry* mine = find(v, key)) {
        mine->count += e.count;
      } else {
        addNew(v, key, e.count);
        if (overflowed_) break;
      }
    }
    if (!overflowed_) return;
  }
  hll_.merge(o.hll_);
  o.forEach([&](const Entry& e) { hll_.add(hashScalar(o.view(e))); });
}

std::vector<std::pair<Scalar, uint64_t>> ValueSet::top(size_t k) const {
  std::vector<std::pair<Scalar, uint64_t>> all;
  all.reserve(size_);
  forEach([&](const Entry& e) { all.emplace_back(view(e), e.count); });
  k = std::min(k, all.size());
  std::partial_sort(all.begin(), all.begin() + k, all.end(),
                    [](const auto& a, const auto& b) {
                      if (a.second != b.second) return a.second > b.second;
                      return compareScalars(a.first, b.first) < 0;
                    });
  all.resize(k);
  return all;
}

void ValueSet::serialize(ByteWriter& w) const {
  w.u8(overflowed_ ? 1 : 0);
  if (overflowed_) {
    hll_.serialize(w);
    return;
  }
  // In value order, so that equal sets have equal bytes.
  std::vector<std::pair<Scalar, uint64_t>> all;
  all.reserve(size_);
  forEach([&](const Entry& e) { all.emplace_back(view(e), e.count); });
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return compareScalars(a.first, b.first) < 0;
  });
  w.u64(all.size());
  for (const auto& [v, count] : all) {
    writeScalar(w, v);
    w.u64(count);
  }
}

bool ValueSet::deserialize(ByteReader& r) {
  assert(empty());
  const uint8_t form = r.u8();
  if (r.failed() || form > 1) return false;
  if (form == 1) {
    auto h = Hll::deserialize(r);
    if (!h.ok()) return false;
    hll_ = std::move(h.value());
    overflowed_ = true;
    return true;
  }
  const uint64_t n = r.u64();
  if (r.failed() || n > kMaxExact) return false;
  Scalar previous;
  for (uint64_t k = 0; k < n; ++k) {
    Scalar v;
    if (!readScalar(r, &v)) return false;
    const uint64_t count = r.u64();
    if (r.failed() || count == 0) return false;
    // Strictly increasing: no value twice.
    if (k > 0 && compareScalars(previous, v) >= 0) return false;
    addNew(v, makeKey(v), count);
    previous = v;
  }
  return true;
}

}  // namespace clusterproc
