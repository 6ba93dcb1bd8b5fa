#include "value_set.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace clusterproc {

uint64_t ValueSet::distinct() const {
  return overflowed_ ? static_cast<uint64_t>(std::llround(hll_.estimate()))
                     : entries_.size();
}

uint64_t ValueSet::probeLong(std::string_view s) {
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
  return mix(load64(p + n - 16) ^ kSeed1, load64(p + n - 8) ^ h);
}

void ValueSet::addNew(const Scalar& v, uint64_t probe, uint64_t count) {
  if (entries_.size() < kMaxExact) {
    insert(v, probe, count);
    return;
  }
  overflow();
  hll_.add(hashScalar(v));
}

void ValueSet::insert(const Scalar& v, uint64_t probe, uint64_t count) {
  assert(!overflowed_ && entries_.size() < kMaxExact);
  if (slots_.empty()) {
    slots_.assign(kSlots, 0);
    entries_.reserve(kMaxExact);
  }
  size_t pos = probe % kSlots;
  while (slots_[pos] != 0) pos = (pos + 1) % kSlots;
  Entry e{probe, count, v.i, v.d, 0, 0, v.kind};
  if (v.kind == ScalarKind::kString) {
    e.offset = text_.size();
    e.length = v.s.size();
    text_.append(v.s);
  }
  entries_.push_back(e);
  slots_[pos] = static_cast<uint8_t>(entries_.size());
}

void ValueSet::overflow() {
  for (const Entry& e : entries_) hll_.add(hashScalar(view(e)));
  entries_ = {};
  slots_ = {};
  text_ = {};
  overflowed_ = true;
}

void ValueSet::merge(const ValueSet& o) {
  if (!overflowed_) {
    if (o.overflowed_) {
      overflow();
    } else {
      for (const Entry& e : o.entries_) {
        const Scalar v = o.view(e);
        if (Entry* mine = find(v, e.probe)) {
          mine->count += e.count;
          continue;
        }
        addNew(v, e.probe, e.count);
        if (overflowed_) break;
      }
      if (!overflowed_) return;
    }
  }
  hll_.merge(o.hll_);
  for (const Entry& e : o.entries_) hll_.add(hashScalar(o.view(e)));
}

std::vector<std::pair<Scalar, uint64_t>> ValueSet::top(size_t k) const {
  std::vector<std::pair<Scalar, uint64_t>> all;
  all.reserve(entries_.size());
  for (const Entry& e : entries_) all.emplace_back(view(e), e.count);
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
  w.u64(entries_.size());
  for (const Entry& e : entries_) {
    writeScalar(w, view(e));
    w.u64(e.count);
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
  for (uint64_t k = 0; k < n; ++k) {
    Scalar v;
    if (!readScalar(r, &v)) return false;
    const uint64_t count = r.u64();
    if (r.failed() || count == 0) return false;
    const uint64_t probe = probeHash(v);
    if (find(v, probe) != nullptr) return false;
    insert(v, probe, count);
  }
  return true;
}

}  // namespace clusterproc
