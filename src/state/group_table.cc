#include "group_table.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <numeric>

#include "hash.h"
#include "json_write.h"

namespace clusterproc {

namespace {

constexpr uint8_t kFormatVersion = 2;  // 2: sum states hold big integers
constexpr size_t kInitialSlots = 16;

Status malformed(const std::string& what) {
  return Status::error(ExitCode::kInput,
                       "malformed partial state: group table: " + what);
}

// equalValues, with the common same-kind cases inline: the hot path compares
// the record's keys with a stored group's.
inline bool sameValue(const Value& a, const Value& b) {
  if (a.kind == b.kind) {
    switch (a.kind) {
      case ValueKind::kNull:
        return true;
      case ValueKind::kBool:
        return a.b == b.b;
      case ValueKind::kInt:
        return a.i == b.i;
      case ValueKind::kUint:
        return a.u == b.u;
      case ValueKind::kString:
        return a.s == b.s;
      default:
        break;
    }
  }
  return equalValues(a, b);
}

bool sameSpecs(const std::vector<AggSpec>& a, const std::vector<AggSpec>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const AggSpec& x, const AggSpec& y) {
                      return x.func == y.func &&
                             std::bit_cast<uint64_t>(x.param) ==
                                 std::bit_cast<uint64_t>(y.param);
                    });
}

}  // namespace

GroupTable::GroupTable(std::vector<AggSpec> specs, size_t key_count)
    : specs_(std::move(specs)),
      key_count_(key_count),
      slots_(kInitialSlots, 0) {
  for (const AggSpec& s : specs_) columns_.push_back(makeAggColumn(s));
}

uint64_t GroupTable::hashKeys(const Value* keys) const {
  if (key_count_ == 1) return hashValue(keys[0]);
  uint64_t h = key_count_;
  for (size_t i = 0; i < key_count_; ++i) {
    h = fmix64(h * hash_detail::kMul1 + hashValue(keys[i]));
  }
  return h;
}

bool GroupTable::sameKeys(size_t group, const Value* keys) const {
  const OwnedValue* stored = keys_.data() + group * key_count_;
  for (size_t i = 0; i < key_count_; ++i) {
    if (!sameValue(stored[i].v, keys[i])) return false;
  }
  return true;
}

size_t GroupTable::find(const Value* keys, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  const uint64_t tag = hash >> 32;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const uint64_t slot = slots_[i];
    if (slot == 0) return kNone;
    if ((slot >> 32) == tag) {
      const size_t g = static_cast<uint32_t>(slot) - 1;
      if (sameKeys(g, keys)) return g;
    }
  }
}

size_t GroupTable::insert(const Value* keys, uint64_t hash, uint64_t order) {
  const size_t g = key_orders_.size();
  assert(g < UINT32_MAX);
  for (size_t i = 0; i < key_count_; ++i) keys_.emplace_back(keys[i]);
  key_orders_.push_back(order);
  hashes_.push_back(hash);
  for (auto& c : columns_) c->addGroup();
  const size_t mask = slots_.size() - 1;
  size_t i = hash & mask;
  while (slots_[i] != 0) i = (i + 1) & mask;
  slots_[i] = (hash >> 32 << 32) | (g + 1);
  if (groups() * 2 > slots_.size()) rehash(slots_.size() * 2);
  return g;
}

void GroupTable::respell(size_t group, const Value* keys, uint64_t order) {
  for (size_t i = 0; i < key_count_; ++i)
    assignOwned(keys_[group * key_count_ + i], keys[i]);
  key_orders_[group] = order;
}

void GroupTable::rehash(size_t slot_count) {
  slots_.assign(slot_count, 0);
  const size_t mask = slot_count - 1;
  for (size_t g = 0; g < hashes_.size(); ++g) {
    size_t i = hashes_[g] & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = (hashes_[g] >> 32 << 32) | (g + 1);
  }
}

void GroupTable::add(const Value* keys, const Value* args, uint64_t order) {
  const uint64_t h = hashKeys(keys);
  size_t g = find(keys, h);
  if (g == kNone) {
    g = insert(keys, h, order);
  } else if (order < key_orders_[g]) {
    respell(g, keys, order);
  }
  for (size_t j = 0; j < columns_.size(); ++j)
    columns_[j]->add(g, args[j], order);
}

void GroupTable::merge(const GroupTable& other) {
  assert(key_count_ == other.key_count_ && sameSpecs(specs_, other.specs_));
  std::vector<Value> keys(key_count_);
  for (size_t og = 0; og < other.groups(); ++og) {
    for (size_t i = 0; i < key_count_; ++i)
      keys[i] = other.keys_[og * key_count_ + i].v;
    const uint64_t h = other.hashes_[og];
    const uint64_t order = other.key_orders_[og];
    size_t g = find(keys.data(), h);
    if (g == kNone) {
      g = insert(keys.data(), h, order);
    } else if (order < key_orders_[g]) {
      respell(g, keys.data(), order);
    }
    for (size_t j = 0; j < columns_.size(); ++j)
      columns_[j]->merge(g, *other.columns_[j], og);
  }
}

std::string GroupTable::serialize() const {
  ByteWriter w;
  w.u8(kFormatVersion);
  w.u32(static_cast<uint32_t>(specs_.size()));
  for (const AggSpec& s : specs_) {
    w.u8(static_cast<uint8_t>(s.func));
    w.u64(std::bit_cast<uint64_t>(s.param));
  }
  w.u32(static_cast<uint32_t>(key_count_));
  w.u64(groups());
  for (size_t g = 0; g < groups(); ++g) {
    w.u64(key_orders_[g]);
    for (size_t i = 0; i < key_count_; ++i)
      writeValue(w, keys_[g * key_count_ + i].v);
    for (const auto& c : columns_) c->write(g, w);
  }
  return std::move(w.str());
}

Status GroupTable::mergeSerialized(std::string_view bytes) {
  return mergeSerialized(bytes, 0);
}

Status GroupTable::mergeSerialized(std::string_view bytes,
                                   uint64_t order_offset) {
  GroupTable parsed(specs_, key_count_);
  Status s = parsed.readGroups(bytes, order_offset);
  if (!s.ok()) return s;
  if (groups() == 0) {
    // Into an empty table (the first of several partials) merge() would
    // rebuild the same groups one by one.
    *this = std::move(parsed);
    return Status();
  }
  merge(parsed);
  return Status();
}

// Reads a serialized table into this empty one.
Status GroupTable::readGroups(std::string_view bytes, uint64_t order_offset) {
  ByteReader r(bytes);
  const uint8_t version = r.u8();
  if (r.failed()) return malformed("empty");
  if (version != kFormatVersion) {
    return malformed("unknown version " + std::to_string(version));
  }
  const uint32_t spec_count = r.u32();
  if (r.failed() || spec_count != specs_.size())
    return malformed("not this job's aggregates");
  std::vector<AggSpec> specs;
  for (uint32_t j = 0; j < spec_count; ++j) {
    const uint8_t func = r.u8();
    const double param = std::bit_cast<double>(r.u64());
    specs.push_back(AggSpec{static_cast<AggFunc>(func), param});
  }
  const uint32_t key_count = r.u32();
  if (r.failed() || key_count != key_count_ || !sameSpecs(specs, specs_)) {
    return malformed("not this job's aggregates or keys");
  }
  const uint64_t group_count = r.u64();
  std::vector<OwnedValue> owned(key_count_);
  std::vector<Value> keys(key_count_);
  for (uint64_t k = 0; k < group_count; ++k) {
    const uint64_t order = r.u64();
    for (size_t i = 0; i < key_count_; ++i) {
      if (!readValue(r, owned[i])) return malformed("bad key");
      keys[i] = owned[i].v;
    }
    if (r.failed()) return malformed("truncated");
    const uint64_t h = hashKeys(keys.data());
    if (find(keys.data(), h) != kNone) return malformed("duplicate group");
    const size_t g = insert(keys.data(), h, order + order_offset);
    for (size_t j = 0; j < columns_.size(); ++j) {
      if (!columns_[j]->read(g, r) || r.failed()) {
        return malformed(std::string("bad state of ") +
                         std::string(aggFuncName(specs_[j].func)));
      }
      if (order_offset != 0) columns_[j]->shiftOrders(g, order_offset);
    }
  }
  if (r.failed()) return malformed("truncated");
  if (!r.atEnd()) return malformed("trailing bytes");
  return Status();
}

void GroupTable::renderGroup(size_t group,
                             const std::vector<std::string>& key_names,
                             const std::vector<std::string>& agg_names,
                             const std::vector<SortMember>& sort_members,
                             std::string& row) const {
  if (!sort_members.empty()) {
    row += '{';
    for (size_t i = 0; i < sort_members.size(); ++i) {
      const SortMember& m = sort_members[i];
      if (i > 0) row += ',';
      appendJsonString(row, m.name);
      row += ':';
      if (m.key) {
        appendValueJson(row, keys_[group * key_count_ + m.index].v);
      } else {
        columns_[m.index]->render(group, row);
      }
    }
    row += '}';
    row += kSortPrefixEnd;
  }
  row += '{';
  bool first = true;
  for (size_t i = 0; i < key_count_; ++i) {
    if (!first) row += ',';
    first = false;
    appendJsonString(row, key_names[i]);
    row += ':';
    appendValueJson(row, keys_[group * key_count_ + i].v);
  }
  for (size_t j = 0; j < agg_names.size(); ++j) {
    if (!first) row += ',';
    first = false;
    appendJsonString(row, agg_names[j]);
    row += ':';
    columns_[j]->render(group, row);
  }
  row += '}';
}

void GroupTable::renderRows(const std::vector<std::string>& key_names,
                            const std::vector<std::string>& agg_names,
                            std::vector<std::string>& rows,
                            const std::vector<SortMember>& sort_members) const {
  assert(key_names.size() == key_count_ && agg_names.size() <= specs_.size());
  if (key_count_ == 0 && groups() == 0) {
    // An aggregate over no record at all still has its one row.
    GroupTable empty(specs_, 0);
    empty.insert(nullptr, empty.hashKeys(nullptr), 0);
    rows.emplace_back();
    empty.renderGroup(0, key_names, agg_names, sort_members, rows.back());
    return;
  }
  std::vector<size_t> order(groups());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    for (size_t i = 0; i < key_count_; ++i) {
      const int c = compareValues(keys_[a * key_count_ + i].v,
                                  keys_[b * key_count_ + i].v);
      if (c != 0) return c < 0;
    }
    return false;
  });
  for (size_t g : order) {
    rows.emplace_back();
    renderGroup(g, key_names, agg_names, sort_members, rows.back());
  }
}

}  // namespace clusterproc
