#include "summary.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <climits>
#include <cmath>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "exact_sum.h"
#include "hash.h"
#include "hll.h"
#include "json_write.h"

namespace clusterproc {

namespace {

constexpr uint8_t kFormatVersion = 1;
constexpr size_t kMaxDepth = 4096;       // simdjson's default limit is 1024
constexpr size_t kIndexThreshold = 16;   // children beyond which a map helps
constexpr size_t kTopCount = 5;

constexpr size_t kMaxExact = 100;  // distinct values kept exactly, per path
constexpr size_t kSlots = 256;     // hash slots for them: load <= 0.4

// Little-endian writing and bounds-checked reading of the partial state.
struct ByteWriter {
  std::string out;
  void u8(uint8_t v) { out.push_back(static_cast<char>(v)); }
  void u64(uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
  }
  void bytes(std::string_view s) {
    u64(s.size());
    out.append(s);
  }
};

struct ByteReader {
  std::string_view in;
  bool u8(uint8_t* v) {
    if (in.empty()) return false;
    *v = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    return true;
  }
  bool u64(uint64_t* v) {
    if (in.size() < 8) return false;
    *v = 0;
    for (int i = 0; i < 8; ++i) {
      *v |= uint64_t{static_cast<uint8_t>(in[i])} << (8 * i);
    }
    in.remove_prefix(8);
    return true;
  }
  bool bytes(std::string_view* s) {
    uint64_t n;
    if (!u64(&n) || n > in.size()) return false;
    *s = in.substr(0, n);
    in.remove_prefix(n);
    return true;
  }
};

// Kinds of scalar values, in jq's order (false < true < numbers < strings);
// ints sort before floats on an exact numeric tie.
enum class Kind : uint8_t { kBool, kInt, kFloat, kString };

// A scalar JSON value, by identity: type and value (1 and 1.0 differ).
struct Scalar {
  Kind kind = Kind::kInt;
  __int128 i = 0;      // kBool (0 or 1) and kInt, in [-2^63, 2^64)
  double d = 0;        // kFloat: finite, never -0.0
  std::string_view s;  // kString: unescaped bytes

  static Scalar boolean(bool b) { return {Kind::kBool, b, 0, {}}; }
  static Scalar integer(int64_t v) { return {Kind::kInt, v, 0, {}}; }
  static Scalar integer(uint64_t v) { return {Kind::kInt, v, 0, {}}; }
  static Scalar floating(double v) { return {Kind::kFloat, 0, v, {}}; }
  static Scalar string(std::string_view v) { return {Kind::kString, 0, 0, v}; }
};

uint64_t hashScalar(const Scalar& v) {
  switch (v.kind) {
    case Kind::kBool:
      return hashWord(static_cast<uint64_t>(v.i), HashTag::kBool);
    case Kind::kInt:
      return hashWord(static_cast<uint64_t>(v.i),
                      v.i < 0 ? HashTag::kNegInt : HashTag::kInt);
    case Kind::kFloat:
      return hashWord(std::bit_cast<uint64_t>(v.d), HashTag::kFloat);
    case Kind::kString:
      return hashBytes(v.s, HashTag::kString);
  }
  return 0;
}

template <typename T>
int threeWay(const T& a, const T& b) {
  return (b < a) - (a < b);
}

// Compares an integer in [-2^63, 2^64) with a finite double, exactly.
int compareIntDouble(__int128 i, double d) {
  if (d < -0x1p63) return 1;
  if (d >= 0x1p64) return -1;
  const double f = std::floor(d);
  const auto fi = static_cast<__int128>(f);  // exact: f is an integer in range
  if (i != fi) return threeWay(i, fi);
  return f == d ? 0 : -1;
}

// Numeric comparison of two numbers (kInt or kFloat).
int compareNumbers(const Scalar& a, const Scalar& b) {
  const bool ai = a.kind == Kind::kInt, bi = b.kind == Kind::kInt;
  if (ai && bi) return threeWay(a.i, b.i);
  if (!ai && !bi) return threeWay(a.d, b.d);
  return ai ? compareIntDouble(a.i, b.d) : -compareIntDouble(b.i, a.d);
}

// jq's order; a strict total order on distinct values.
int compareScalars(const Scalar& a, const Scalar& b) {
  auto rank = [](Kind k) {
    return k == Kind::kBool ? 0 : k == Kind::kString ? 2 : 1;
  };
  if (rank(a.kind) != rank(b.kind)) return threeWay(rank(a.kind), rank(b.kind));
  if (a.kind == Kind::kString) return threeWay(a.s.compare(b.s), 0);
  if (a.kind == Kind::kBool) return threeWay(a.i, b.i);
  if (const int c = compareNumbers(a, b)) return c;
  return threeWay(a.kind, b.kind);
}

// Whether v should replace the current minimum / maximum (ints win ties).
bool betterMin(const Scalar& v, const Scalar& cur) {
  return compareScalars(v, cur) < 0;
}
bool betterMax(const Scalar& v, const Scalar& cur) {
  const int c = compareNumbers(v, cur);
  return c > 0 || (c == 0 && v.kind == Kind::kInt && cur.kind == Kind::kFloat);
}

void appendScalar(std::string& out, const Scalar& v) {
  switch (v.kind) {
    case Kind::kBool:
      out += v.i ? "true" : "false";
      break;
    case Kind::kInt:
      if (v.i < 0) {
        appendJsonInt(out, static_cast<int64_t>(v.i));
      } else {
        appendJsonUint(out, static_cast<uint64_t>(v.i));
      }
      break;
    case Kind::kFloat:
      appendJsonDouble(out, v.d);
      break;
    case Kind::kString:
      appendJsonString(out, v.s);
      break;
  }
}

void writeScalar(ByteWriter& w, const Scalar& v) {
  w.u8(static_cast<uint8_t>(v.kind));
  if (v.kind == Kind::kString) {
    w.bytes(v.s);
  } else if (v.kind == Kind::kFloat) {
    w.u64(std::bit_cast<uint64_t>(v.d));
  } else {
    const auto u = static_cast<unsigned __int128>(v.i);
    w.u64(static_cast<uint64_t>(u));
    w.u64(static_cast<uint64_t>(u >> 64));
  }
}

// Reads a scalar; a string stays a view into the reader's bytes.
bool readScalar(ByteReader& r, Scalar* v) {
  uint8_t kind;
  if (!r.u8(&kind) || kind > static_cast<uint8_t>(Kind::kString)) return false;
  v->kind = static_cast<Kind>(kind);
  if (v->kind == Kind::kString) return r.bytes(&v->s);
  uint64_t lo, hi;
  if (!r.u64(&lo)) return false;
  if (v->kind == Kind::kFloat) {
    v->d = std::bit_cast<double>(lo);
    return std::isfinite(v->d) && !(v->d == 0 && std::signbit(v->d));
  }
  if (!r.u64(&hi)) return false;
  v->i = static_cast<__int128>((static_cast<unsigned __int128>(hi) << 64) | lo);
  if (v->kind == Kind::kBool) return v->i == 0 || v->i == 1;
  return v->i >= INT64_MIN && v->i <= static_cast<__int128>(UINT64_MAX);
}

// Distinct scalar values of one path: an exact value -> count map while there
// are at most kMaxExact of them, then only a HyperLogLog of their hashes.
// Whether the map survives depends only on the union of values, never on the
// order of adds and merges, and the HLL of the union is order-free too.
class ValueSet {
 public:
  bool empty() const { return !overflowed_ && entries_.empty(); }
  bool exact() const { return !overflowed_; }
  uint64_t distinct() const {
    return overflowed_ ? static_cast<uint64_t>(std::llround(hll_.estimate()))
                       : entries_.size();
  }

  void add(const Scalar& v) {
    const uint64_t h = hashScalar(v);
    if (overflowed_) {
      hll_.add(h);
    } else if (Entry* e = find(v, h)) {
      ++e->count;
    } else if (entries_.size() < kMaxExact) {
      insert(v, h, 1);
    } else {
      overflow();
      hll_.add(h);
    }
  }

  void merge(const ValueSet& o) {
    if (!overflowed_ && !o.overflowed_) {
      for (const Entry& e : o.entries_) {
        if (Entry* mine = find(e.view(), e.hash)) {
          mine->count += e.count;
        } else if (entries_.size() < kMaxExact) {
          insert(e.view(), e.hash, e.count);
        } else {
          overflow();
          break;
        }
      }
      if (!overflowed_) return;
    }
    if (!overflowed_) overflow();
    hll_.merge(o.hll_);
    for (const Entry& e : o.entries_) hll_.add(e.hash);
  }

  // The k most frequent values: count descending, then value ascending.
  std::vector<std::pair<Scalar, uint64_t>> top(size_t k) const {
    std::vector<const Entry*> order;
    for (const Entry& e : entries_) order.push_back(&e);
    k = std::min(k, order.size());
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [](const Entry* a, const Entry* b) {
                        if (a->count != b->count) return a->count > b->count;
                        return compareScalars(a->view(), b->view()) < 0;
                      });
    std::vector<std::pair<Scalar, uint64_t>> result;
    for (size_t i = 0; i < k; ++i) {
      result.emplace_back(order[i]->view(), order[i]->count);
    }
    return result;
  }

  void serialize(ByteWriter& w) const {
    w.u8(overflowed_ ? 1 : 0);
    if (overflowed_) {
      hll_.serialize(w.out);
      return;
    }
    w.u64(entries_.size());
    for (const Entry& e : entries_) {
      writeScalar(w, e.view());
      w.u64(e.count);
    }
  }

  bool deserialize(ByteReader& r) {
    uint8_t form;
    if (!r.u8(&form) || form > 1) return false;
    if (form == 1) {
      auto h = Hll::deserialize(r.in);
      if (!h.ok()) return false;
      hll_ = std::move(h.value());
      overflowed_ = true;
      return true;
    }
    uint64_t n;
    if (!r.u64(&n) || n > kMaxExact) return false;
    for (uint64_t k = 0; k < n; ++k) {
      Scalar v;
      uint64_t count;
      if (!readScalar(r, &v) || !r.u64(&count) || count == 0) return false;
      const uint64_t h = hashScalar(v);
      if (find(v, h) != nullptr) return false;
      insert(v, h, count);
    }
    return true;
  }

 private:
  struct Entry {
    uint64_t hash;
    uint64_t count;
    Kind kind;
    __int128 i;
    double d;
    std::string s;
    Scalar view() const { return {kind, i, d, s}; }
  };

  Entry* find(const Scalar& v, uint64_t h) {
    if (slots_.empty()) return nullptr;
    for (size_t pos = h % kSlots;; pos = (pos + 1) % kSlots) {
      if (slots_[pos] == 0) return nullptr;
      Entry& e = entries_[slots_[pos] - 1];
      if (e.hash == h && e.kind == v.kind &&
          (v.kind == Kind::kString  ? e.s == v.s
           : v.kind == Kind::kFloat ? e.d == v.d
                                    : e.i == v.i)) {
        return &e;
      }
    }
  }

  void insert(const Scalar& v, uint64_t h, uint64_t count) {
    assert(entries_.size() < kMaxExact);
    if (slots_.empty()) slots_.assign(kSlots, 0);
    size_t pos = h % kSlots;
    while (slots_[pos] != 0) pos = (pos + 1) % kSlots;
    entries_.push_back({h, count, v.kind, v.i, v.d, std::string(v.s)});
    slots_[pos] = static_cast<uint8_t>(entries_.size());
  }

  void overflow() {
    for (const Entry& e : entries_) hll_.add(e.hash);
    entries_ = {};
    slots_ = {};
    overflowed_ = true;
  }

  std::vector<Entry> entries_;
  std::vector<uint8_t> slots_;  // 1 + index into entries_, 0 = free
  Hll hll_;
  bool overflowed_ = false;
};

enum TypeIndex { kNull, kBool, kInt, kFloat, kString, kArray, kObject, kTypes };
constexpr const char* kTypeNames[kTypes] = {"null",   "bool",  "int",
                                            "float",  "string", "array",
                                            "object"};

// Statistics of one path.
struct Stats {
  uint64_t count = 0;
  uint64_t types[kTypes] = {};
  Scalar min, max;  // meaningful when numbers() > 0
  ExactFloatSum sum;
  ValueSet values;

  uint64_t numbers() const { return types[kInt] + types[kFloat]; }

  // Called after types[] counted v: min and max prefer ints on ties.
  void addNumber(const Scalar& v, double as_double) {
    if (numbers() == 1) {
      min = max = v;
    } else {
      if (betterMin(v, min)) min = v;
      if (betterMax(v, max)) max = v;
    }
    sum.add(as_double);
    values.add(v);
  }

  void merge(const Stats& o) {
    if (o.numbers() > 0) {
      if (numbers() == 0) {
        min = o.min;
        max = o.max;
      } else {
        if (betterMin(o.min, min)) min = o.min;
        if (betterMax(o.max, max)) max = o.max;
      }
    }
    count += o.count;
    for (int t = 0; t < kTypes; ++t) types[t] += o.types[t];
    sum.merge(o.sum);
    values.merge(o.values);
  }
};

// One path component. Nodes are heap-allocated and never move, so the
// string_views in index point at live keys.
struct Node {
  std::string key;
  Stats stats;
  uint64_t last_seq = 0;  // the record that last touched this path
  std::vector<std::unique_ptr<Node>> children;
  std::unordered_map<std::string_view, uint32_t> index;

  explicit Node(std::string_view k) : key(k) {}

  size_t find(std::string_view k) const {
    if (!index.empty()) {
      auto it = index.find(k);
      return it == index.end() ? children.size() : it->second;
    }
    for (size_t i = 0; i < children.size(); ++i) {
      if (children[i]->key == k) return i;
    }
    return children.size();
  }

  // Finds or creates the child named k. hint is where the previous key's
  // successor sits: records usually repeat the same key order.
  Node& child(std::string_view k, size_t& hint) {
    size_t pos = hint;
    if (pos >= children.size() || children[pos]->key != k) pos = find(k);
    if (pos == children.size()) {
      children.push_back(std::make_unique<Node>(k));
      if (!index.empty()) {
        index.emplace(children.back()->key, static_cast<uint32_t>(pos));
      } else if (children.size() > kIndexThreshold) {
        for (size_t i = 0; i < children.size(); ++i) {
          index.emplace(children[i]->key, static_cast<uint32_t>(i));
        }
      }
    }
    hint = pos + 1;
    return *children[pos];
  }
};

double normalizeZero(double d) { return d == 0.0 ? 0.0 : d; }

void appendStats(std::string& out, const Stats& s) {
  out += "{\"count\":";
  appendJsonUint(out, s.count);
  out += ",\"types\":{";
  bool first = true;
  for (int t = 0; t < kTypes; ++t) {
    if (s.types[t] == 0) continue;
    if (!first) out += ',';
    first = false;
    appendJsonString(out, kTypeNames[t]);
    out += ':';
    appendJsonUint(out, s.types[t]);
  }
  out += '}';
  if (const uint64_t n = s.numbers(); n > 0) {
    out += ",\"min\":";
    appendScalar(out, s.min);
    out += ",\"max\":";
    appendScalar(out, s.max);
    out += ",\"mean\":";
    appendJsonDouble(out, s.sum.value() / static_cast<double>(n));
  }
  if (!s.values.empty()) {
    out += ",\"approx_distinct\":";
    appendJsonUint(out, s.values.distinct());
  }
  if (!s.values.empty() && s.values.exact()) {
    out += ",\"top\":[";
    const auto top = s.values.top(kTopCount);
    for (size_t i = 0; i < top.size(); ++i) {
      if (i > 0) out += ',';
      out += "{\"value\":";
      appendScalar(out, top[i].first);
      out += ",\"count\":";
      appendJsonUint(out, top[i].second);
      out += '}';
    }
    out += ']';
  }
  out += '}';
}

void collectPaths(const Node& node, std::string& path,
                  std::vector<std::pair<std::string, const Node*>>& out) {
  for (const auto& c : node.children) {
    const size_t len = path.size();
    if (len > 0) path += '.';
    path += c->key;
    out.emplace_back(path, c.get());
    collectPaths(*c, path, out);
    path.resize(len);
  }
}

void mergeNode(Node& into, const Node& from) {
  size_t hint = 0;
  for (const auto& c : from.children) {
    Node& mine = into.child(c->key, hint);
    mine.stats.merge(c->stats);
    mergeNode(mine, *c);
  }
}

void writeStats(ByteWriter& w, const Stats& s) {
  w.u64(s.count);
  for (uint64_t t : s.types) w.u64(t);
  if (s.numbers() > 0) {
    writeScalar(w, s.min);
    writeScalar(w, s.max);
    s.sum.serialize(w.out);
  }
  s.values.serialize(w);
}

bool readStats(ByteReader& r, Stats& s) {
  if (!r.u64(&s.count)) return false;
  for (uint64_t& t : s.types) {
    if (!r.u64(&t)) return false;
  }
  if (s.numbers() > 0) {
    if (!readScalar(r, &s.min) || !readScalar(r, &s.max)) return false;
    if (s.min.kind == Kind::kString || s.min.kind == Kind::kBool ||
        s.max.kind == Kind::kString || s.max.kind == Kind::kBool) {
      return false;
    }
    auto sum = ExactFloatSum::deserialize(r.in);
    if (!sum.ok()) return false;
    s.sum = std::move(sum.value());
  }
  return s.values.deserialize(r);
}

}  // namespace

struct SummaryState::Impl {
  Node root{""};
  uint64_t seq = 0;  // records added, to spot a key repeated in one object

  void addObject(Node& parent, simdjson::dom::object obj) {
    size_t hint = 0;
    for (auto field : obj) {
      Node& n = parent.child(field.key, hint);
      // A key repeated in the same object: the first one wins, as in
      // simdjson's at_key lookups.
      if (n.last_seq == seq) continue;
      n.last_seq = seq;
      addValue(n, field.value);
    }
  }

  void addValue(Node& n, simdjson::dom::element v) {
    using simdjson::dom::element_type;
    Stats& s = n.stats;
    ++s.count;
    switch (v.type()) {
      case element_type::NULL_VALUE:
        ++s.types[kNull];
        break;
      case element_type::BOOL:
        ++s.types[kBool];
        s.values.add(Scalar::boolean(v.get_bool().value_unsafe()));
        break;
      case element_type::INT64: {
        ++s.types[kInt];
        const int64_t i = v.get_int64().value_unsafe();
        s.addNumber(Scalar::integer(i), static_cast<double>(i));
        break;
      }
      case element_type::UINT64: {
        ++s.types[kInt];
        const uint64_t u = v.get_uint64().value_unsafe();
        s.addNumber(Scalar::integer(u), static_cast<double>(u));
        break;
      }
      case element_type::DOUBLE: {
        ++s.types[kFloat];
        const double d = normalizeZero(v.get_double().value_unsafe());
        s.addNumber(Scalar::floating(d), d);
        break;
      }
      case element_type::STRING:
        ++s.types[kString];
        s.values.add(Scalar::string(v.get_string().value_unsafe()));
        break;
      case element_type::ARRAY:
        ++s.types[kArray];
        break;
      case element_type::OBJECT:
        ++s.types[kObject];
        addObject(n, v.get_object().value_unsafe());
        break;
    }
  }
};

SummaryState::SummaryState() : impl_(new Impl) {}
SummaryState::~SummaryState() { delete impl_; }
SummaryState::SummaryState(SummaryState&& other) noexcept
    : impl_(std::exchange(other.impl_, nullptr)) {}
SummaryState& SummaryState::operator=(SummaryState&& other) noexcept {
  std::swap(impl_, other.impl_);
  return *this;
}

void SummaryState::add(simdjson::dom::element record) {
  ++impl_->seq;
  if (record.type() == simdjson::dom::element_type::OBJECT) {
    impl_->addObject(impl_->root, record.get_object().value_unsafe());
    return;
  }
  size_t hint = 0;
  Node& n = impl_->root.child(".", hint);  // non-object records
  n.last_seq = impl_->seq;
  impl_->addValue(n, record);
}

void SummaryState::merge(const SummaryState& other) {
  assert(&other != this);
  mergeNode(impl_->root, other.impl_->root);
}

void SummaryState::render(std::string& out, uint64_t records,
                          uint64_t bad_records, uint64_t bytes) const {
  out += "{\"records\":";
  appendJsonUint(out, records);
  out += ",\"bad_records\":";
  appendJsonUint(out, bad_records);
  out += ",\"bytes\":";
  appendJsonUint(out, bytes);
  out += ",\"fields\":{";
  std::vector<std::pair<std::string, const Node*>> paths;
  std::string path;
  collectPaths(impl_->root, path, paths);
  std::sort(paths.begin(), paths.end());  // bytewise: char_traits<char>::lt
  for (size_t i = 0; i < paths.size();) {
    // Keys with dots can spell the same path twice ({"a.b":1,"a":{"b":2}});
    // their statistics are merged into one entry.
    size_t j = i + 1;
    while (j < paths.size() && paths[j].first == paths[i].first) ++j;
    if (i > 0) out += ',';
    appendJsonString(out, paths[i].first);
    out += ':';
    if (j == i + 1) {
      appendStats(out, paths[i].second->stats);
    } else {
      Stats merged = paths[i].second->stats;
      for (size_t k = i + 1; k < j; ++k) merged.merge(paths[k].second->stats);
      appendStats(out, merged);
    }
    i = j;
  }
  out += "}}";
}

std::string SummaryState::serialize() const {
  // Nodes in pre-order, each after the 1-based index of its parent (0: root).
  ByteWriter w;
  w.u8(kFormatVersion);
  w.u64(0);  // node count, patched below
  std::vector<std::pair<const Node*, uint64_t>> stack;
  const auto push_children = [&stack](const Node& n, uint64_t id) {
    for (auto it = n.children.rbegin(); it != n.children.rend(); ++it) {
      stack.emplace_back(it->get(), id);
    }
  };
  push_children(impl_->root, 0);
  uint64_t count = 0;
  while (!stack.empty()) {
    const auto [node, parent] = stack.back();
    stack.pop_back();
    w.u64(parent);
    w.bytes(node->key);
    writeStats(w, node->stats);
    push_children(*node, ++count);
  }
  for (int i = 0; i < 8; ++i) w.out[1 + i] = static_cast<char>(count >> (8 * i));
  return std::move(w.out);
}

Result<SummaryState> SummaryState::deserialize(std::string_view bytes) {
  auto fail = [](const char* what) {
    return Status::error(ExitCode::kInput,
                         std::string("malformed summary state: ") + what);
  };
  ByteReader r{bytes};
  uint8_t version;
  if (!r.u8(&version)) return fail("empty");
  if (version != kFormatVersion) return fail("unknown version");
  uint64_t count;
  if (!r.u64(&count)) return fail("truncated");
  SummaryState state;
  std::vector<std::pair<Node*, size_t>> nodes;  // node, depth; [0] = root
  nodes.emplace_back(&state.impl_->root, 0);
  for (uint64_t id = 1; id <= count; ++id) {
    uint64_t parent;
    std::string_view key;
    if (!r.u64(&parent) || !r.bytes(&key)) return fail("truncated");
    if (parent >= id) return fail("bad parent");
    auto [up, depth] = nodes[parent];
    if (depth + 1 > kMaxDepth) return fail("too deep");
    const size_t before = up->children.size();
    size_t hint = before;
    Node& n = up->child(key, hint);
    if (up->children.size() == before) return fail("duplicate path");
    if (!readStats(r, n.stats)) return fail("bad statistics");
    nodes.emplace_back(&n, depth + 1);
  }
  if (!r.in.empty()) return fail("trailing bytes");
  return state;
}

}  // namespace clusterproc
