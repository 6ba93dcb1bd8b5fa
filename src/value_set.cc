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

void ValueSet::addNew(const Scalar& v, uint32_t probe, uint64_t count) {
  if (entries_.size() < kMaxExact) {
    insert(v, probe, count);
    return;
  }
  overflow();
  hll_.add(hashScalar(v));
}

void ValueSet::insert(const Scalar& v, uint32_t probe, uint64_t count) {
  assert(!overflowed_ && entries_.size() < kMaxExact);
  if (entries_.empty()) entries_.reserve(kMaxExact);
  Entry e{probe, v.kind, v.negative, count, v.bits, 0};
  if (v.kind == ScalarKind::kString) {
    e.bits = text_.size();
    e.length = v.s.size();
    text_.append(v.s);
  }
  entries_.push_back(e);
  // Keep the load at most kMaxExact / kMaxSlots.
  if (entries_.size() * kMaxSlots > slots_.size() * kMaxExact) {
    slots_.assign(std::max(kMinSlots, 2 * slots_.size()), 0);
    for (size_t i = 0; i < entries_.size(); ++i) placeSlot(i);
  } else {
    placeSlot(entries_.size() - 1);
  }
}

void ValueSet::placeSlot(size_t entry) {
  const size_t mask = slots_.size() - 1;
  size_t pos = entries_[entry].probe & mask;
  while (slots_[pos] != 0) pos = (pos + 1) & mask;
  slots_[pos] = static_cast<uint8_t>(entry + 1);
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
        if (Entry* mine = find(v, e.probe)) {  // e.probe == probeHash(v)
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
    const uint32_t probe = probeHash(v);
    if (find(v, probe) != nullptr) return false;
    insert(v, probe, count);
  }
  return true;
}

}  // namespace clusterproc
