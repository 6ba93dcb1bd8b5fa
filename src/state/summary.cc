#include "summary.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <limits>
#include <utility>
#include <vector>

#include "big_number.h"
#include "bytes.h"
#include "json_write.h"
#include "summary_trie.h"
#include "value.h"

namespace clusterproc {

namespace {

// 3: quantile sketches, string bounds and array elements (2 before).
constexpr uint8_t kFormatVersion = 3;
// How a serialized node hangs from its parent.
constexpr uint8_t kKeyChild = 0;
constexpr uint8_t kElementsChild = 1;
constexpr size_t kMaxDepth = 4096;  // simdjson's default limit is 1024
// Arrays nested deeper than this are counted (type "array") but their
// elements are not profiled: each level adds up to three levels of nesting
// to the summary's JSON, which must stay readable by any JSON parser
// (simdjson and Python stop at about 1000).
constexpr unsigned kMaxElementDepth = 16;

void addObject(FieldNode& parent, simdjson::dom::object obj, unsigned arrays);
void addArray(FieldNode& parent, simdjson::dom::array array, unsigned arrays);

// A number beyond int64/uint64 or the double range: its nearest double for
// the mean, clamped to the finite range for min, max and the values.
[[gnu::noinline]] void addBigNumber(FieldStats& s, std::string_view text) {
  const double d = Value::big(text).d;
  constexpr double kMax = std::numeric_limits<double>::max();
  s.addBig(isIntegerText(text), d, std::clamp(d, -kMax, kMax));
}

// Accounts one value at node n. Inlined into addObject's loop, so that a
// record costs a call per object rather than one per value.
[[gnu::always_inline]] inline void addValue(FieldNode& n,
                                            simdjson::dom::element v,
                                            unsigned arrays) {
  using simdjson::dom::element_type;
  FieldStats& s = n.stats();
  switch (v.type()) {
    case element_type::NULL_VALUE:
      s.addNull();
      break;
    case element_type::BOOL:
      s.addBool(v.get_bool().value_unsafe());
      break;
    case element_type::INT64:
      s.addInt(v.get_int64().value_unsafe());
      break;
    case element_type::UINT64:
      s.addUint(v.get_uint64().value_unsafe());
      break;
    case element_type::DOUBLE: {
      const double d = v.get_double().value_unsafe();
      s.addFloat(d == 0.0 ? 0.0 : d);  // -0.0 is the float 0
      break;
    }
    case element_type::STRING: {
      const std::string_view text = v.get_string().value_unsafe();
      if (isBigNumber(text)) {
        addBigNumber(s, text);
      } else {
        s.addString(text);
      }
      break;
    }
    case element_type::ARRAY:
      s.addArray();
      if (arrays < kMaxElementDepth) {
        addArray(n, v.get_array().value_unsafe(), arrays + 1);
      }
      break;
    case element_type::OBJECT:
      s.addObject();
      addObject(n, v.get_object().value_unsafe(), arrays);
      break;
  }
}

void addObject(FieldNode& parent, simdjson::dom::object obj, unsigned arrays) {
  size_t hint = 0;
  for (auto field : obj) {
    // A key repeated in one object counts once per occurrence.
    addValue(parent.child(field.key, hint), field.value, arrays);
  }
}

void addArray(FieldNode& parent, simdjson::dom::array array, unsigned arrays) {
  FieldNode* elements = nullptr;  // none for empty arrays
  for (simdjson::dom::element v : array) {
    if (elements == nullptr) elements = &parent.elements();
    addValue(*elements, v, arrays);
  }
}

// Appends the "fields" members of scope (the records, or an array's
// elements): one entry per path below it, sorted.
void renderFields(std::string& out, const FieldNode& scope);

// Appends the STATS object of an array's elements, with "fields" for the
// keys of the objects among them and "elements" for the arrays among them.
void renderElements(std::string& out, const FieldNode& elements) {
  elements.stats().renderOpen(out);
  if (!elements.children().empty()) {
    out += ",\"fields\":{";
    renderFields(out, elements);
    out += '}';
  }
  if (const FieldNode* nested = elements.elementsIfAny()) {
    out += ",\"elements\":";
    renderElements(out, *nested);
  }
  out += '}';
}

// Appends the STATS object of a path, with the elements of its arrays.
void renderEntry(std::string& out, const FieldStats& stats,
                 const FieldNode* elements) {
  stats.renderOpen(out);
  if (elements != nullptr) {
    out += ",\"elements\":";
    renderElements(out, *elements);
  }
  out += '}';
}

void renderFields(std::string& out, const FieldNode& scope) {
  std::vector<std::pair<std::string, const FieldNode*>> paths;
  collectPaths(scope, paths);
  std::sort(paths.begin(), paths.end());  // bytewise: char_traits<char>::lt
  for (size_t i = 0; i < paths.size();) {
    // Distinct paths print distinctly (appendPathStep); kept should two
    // nodes ever print alike.
    size_t j = i + 1;
    while (j < paths.size() && paths[j].first == paths[i].first) ++j;
    if (i > 0) out += ',';
    appendJsonString(out, paths[i].first);
    out += ':';
    if (j == i + 1) {
      renderEntry(out, paths[i].second->stats(),
                  paths[i].second->elementsIfAny());
    } else {
      FieldNode merged{""};
      for (size_t k = i; k < j; ++k) {
        merged.stats().merge(paths[k].second->stats());
        if (const FieldNode* e = paths[k].second->elementsIfAny()) {
          merged.elements().stats().merge(e->stats());
          mergeChildren(merged.elements(), *e);
        }
      }
      renderEntry(out, merged.stats(), merged.elementsIfAny());
    }
    i = j;
  }
}

}  // namespace

struct SummaryState::Impl {
  FieldNode root{""};
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
  if (record.type() == simdjson::dom::element_type::OBJECT) {
    addObject(impl_->root, record.get_object().value_unsafe(), 0);
    return;
  }
  size_t hint = 0;
  addValue(impl_->root.child(".", hint), record, 0);  // not an object
}

void SummaryState::merge(const SummaryState& other) {
  assert(&other != this);
  mergeChildren(impl_->root, other.impl_->root);
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
  renderFields(out, impl_->root);
  out += "}}";
}

std::string SummaryState::serialize() const {
  // Nodes in pre-order, each after the 1-based index of its parent (0: root)
  // and how it hangs from it: by its key, or as the parent's elements.
  struct Pending {
    const FieldNode* node;
    uint64_t parent;
    bool elements;
  };
  ByteWriter w;
  w.u8(kFormatVersion);
  w.u64(0);  // node count, patched below
  std::vector<Pending> stack;
  const auto push_children = [&stack](const FieldNode& n, uint64_t id) {
    if (const FieldNode* e = n.elementsIfAny()) stack.push_back({e, id, true});
    const auto& c = n.children();
    for (auto it = c.rbegin(); it != c.rend(); ++it) {
      stack.push_back({it->get(), id, false});
    }
  };
  push_children(impl_->root, 0);
  uint64_t count = 0;
  while (!stack.empty()) {
    const Pending p = stack.back();
    stack.pop_back();
    w.u64(p.parent);
    if (p.elements) {
      w.u8(kElementsChild);
    } else {
      w.u8(kKeyChild);
      w.bytes(p.node->key());
    }
    p.node->stats().serialize(w);
    push_children(*p.node, ++count);
  }
  w.patchU64(1, count);
  return std::move(w.str());
}

Result<SummaryState> SummaryState::deserialize(std::string_view bytes) {
  auto fail = [](const char* what) {
    return Status::error(ExitCode::kInput,
                         std::string("malformed summary state: ") + what);
  };
  ByteReader r(bytes);
  const uint8_t version = r.u8();
  if (r.failed()) return fail("empty");
  if (version != kFormatVersion) return fail("unknown version");
  const uint64_t count = r.u64();
  if (r.failed()) return fail("truncated");
  SummaryState state;
  std::vector<std::pair<FieldNode*, size_t>> nodes;  // node, depth; [0] = root
  nodes.emplace_back(&state.impl_->root, 0);
  for (uint64_t id = 1; id <= count; ++id) {
    const uint64_t parent = r.u64();
    const uint8_t kind = r.u8();
    const std::string_view key = kind == kKeyChild ? r.bytes() : "";
    if (r.failed()) return fail("truncated");
    if (parent >= id) return fail("bad parent");
    auto [up, depth] = nodes[parent];
    if (depth + 1 > kMaxDepth) return fail("too deep");
    FieldNode* added = nullptr;
    if (kind == kKeyChild) {
      if (up->hasChild(key)) return fail("duplicate path");
      added = &up->newChild(key);
    } else if (kind == kElementsChild && parent > 0) {
      if (up->elementsIfAny() != nullptr) return fail("duplicate elements");
      added = &up->elements();
    } else {
      return fail("bad node kind");
    }
    FieldNode& n = *added;
    if (!n.stats().deserialize(r)) return fail("bad statistics");
    nodes.emplace_back(&n, depth + 1);
  }
  if (!r.atEnd()) return fail("trailing bytes");
  return state;
}

}  // namespace clusterproc
