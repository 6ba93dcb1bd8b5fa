#include "value.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "big_number.h"
#include "hash.h"
#include "json_write.h"

namespace clusterproc {

namespace {

constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;

int sign(int64_t a, int64_t b) { return a < b ? -1 : a > b ? 1 : 0; }

/// Sign of d - i, exactly.
int cmpDoubleInt(double d, int64_t i) {
  if (d < -kTwo63) return -1;
  if (d >= kTwo63) return 1;
  int64_t t = static_cast<int64_t>(d);  // exact: |d| < 2^63
  if (t != i) return t < i ? -1 : 1;
  double frac = d - static_cast<double>(t);
  return frac < 0 ? -1 : frac > 0 ? 1 : 0;
}

/// Sign of d - u for u > INT64_MAX, exactly.
int cmpDoubleUint(double d, uint64_t u) {
  if (d < kTwo63) return -1;
  if (d >= kTwo64) return 1;
  uint64_t t = static_cast<uint64_t>(d);  // exact: integral in this range
  return t < u ? -1 : t > u ? 1 : 0;
}

Decimal decimalOf(const Value& v) {
  switch (v.kind) {
    case ValueKind::kInt:
      return decimalOfText(std::to_string(v.i));
    case ValueKind::kUint:
      return decimalOfText(std::to_string(v.u));
    default:
      return v.isBig() ? decimalOfText(v.s) : decimalOfDouble(v.d);
  }
}

int compareNumbers(const Value& a, const Value& b) {
  using K = ValueKind;
  if (a.isBig() || b.isBig())
    return compareDecimals(decimalOf(a), decimalOf(b));
  if (a.kind == K::kInt && b.kind == K::kInt) return sign(a.i, b.i);
  if (a.kind == K::kUint && b.kind == K::kUint)
    return a.u < b.u ? -1 : a.u > b.u ? 1 : 0;
  if (a.kind == K::kDouble && b.kind == K::kDouble)
    return a.d < b.d ? -1 : a.d > b.d ? 1 : 0;
  if (a.kind == K::kInt && b.kind == K::kUint) return -1;
  if (a.kind == K::kUint && b.kind == K::kInt) return 1;
  if (a.kind == K::kDouble)
    return b.kind == K::kInt ? cmpDoubleInt(a.d, b.i) : cmpDoubleUint(a.d, b.u);
  return -compareNumbers(b, a);
}

int rank(ValueKind k) {
  switch (k) {
    case ValueKind::kNull:
      return 0;
    case ValueKind::kBool:
      return 1;
    case ValueKind::kInt:
    case ValueKind::kUint:
    case ValueKind::kDouble:
      return 2;
    case ValueKind::kString:
      return 3;
    case ValueKind::kArray:
      return 4;
    case ValueKind::kObject:
      return 5;
  }
  return 0;
}

int compareBytes(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

Value scalarOf(simdjson::dom::element e) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::NULL_VALUE:
      return Value::null();
    case T::BOOL:
      return Value::boolean(e.get_bool().value_unsafe());
    case T::INT64:
      return Value::integer(e.get_int64().value_unsafe());
    case T::UINT64:
      return Value::uinteger(e.get_uint64().value_unsafe());
    case T::DOUBLE:
      return Value::number(e.get_double().value_unsafe());
    case T::STRING: {
      const std::string_view s = e.get_string().value_unsafe();
      return isBigNumber(s) ? Value::big(s) : Value::string(s);
    }
    case T::ARRAY:
      return Value::container(ValueKind::kArray, {});
    case T::OBJECT:
      return Value::container(ValueKind::kObject, {});
  }
  return Value::null();
}

int compareElements(simdjson::dom::element a, simdjson::dom::element b);

int compareArrays(simdjson::dom::array a, simdjson::dom::array b) {
  auto ia = a.begin(), ib = b.begin();
  for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
    int c = compareElements(*ia, *ib);
    if (c != 0) return c;
  }
  if (ia == a.end() && ib == b.end()) return 0;
  return ia == a.end() ? -1 : 1;
}

std::vector<std::pair<std::string_view, simdjson::dom::element>> sortedMembers(
    simdjson::dom::object o) {
  std::vector<std::pair<std::string_view, simdjson::dom::element>> m;
  for (auto field : o) m.emplace_back(field.key, field.value);
  std::stable_sort(m.begin(), m.end(), [](const auto& x, const auto& y) {
    return x.first < y.first;
  });
  return m;
}

// jq: objects compare first by their sorted key lists, then value by value.
int compareObjects(simdjson::dom::object a, simdjson::dom::object b) {
  auto ma = sortedMembers(a), mb = sortedMembers(b);
  for (size_t i = 0; i < std::min(ma.size(), mb.size()); ++i) {
    int c = compareBytes(ma[i].first, mb[i].first);
    if (c != 0) return c;
  }
  if (ma.size() != mb.size()) return ma.size() < mb.size() ? -1 : 1;
  for (size_t i = 0; i < ma.size(); ++i) {
    int c = compareElements(ma[i].second, mb[i].second);
    if (c != 0) return c;
  }
  return 0;
}

int compareElements(simdjson::dom::element a, simdjson::dom::element b) {
  Value va = scalarOf(a), vb = scalarOf(b);
  int ra = rank(va.kind), rb = rank(vb.kind);
  if (ra != rb) return ra < rb ? -1 : 1;
  if (va.kind == ValueKind::kArray)
    return compareArrays(a.get_array().value_unsafe(),
                         b.get_array().value_unsafe());
  if (va.kind == ValueKind::kObject)
    return compareObjects(a.get_object().value_unsafe(),
                          b.get_object().value_unsafe());
  return compareValues(va, vb);
}

// Containers are compared by parsing their texts (a rare path: sorting or
// grouping by whole arrays or objects).
int compareContainers(const Value& a, const Value& b) {
  static thread_local JsonParser pa, pb;
  simdjson::dom::element ea, eb;
  if (pa.parse(a.s, ea) || pb.parse(b.s, eb)) {
    return compareBytes(a.s, b.s);
  }
  return compareElements(ea, eb);
}

// A hash consistent with compareElements: arrays element by element,
// objects by their members in sorted key order, scalars as hashValue.
uint64_t hashElement(simdjson::dom::element e) {
  using T = simdjson::dom::element_type;
  if (e.type() == T::ARRAY) {
    uint64_t h =
        hashWord(static_cast<uint64_t>(ValueKind::kArray), HashTag::kString);
    const simdjson::dom::array array = e.get_array().value_unsafe();
    for (simdjson::dom::element child : array) {
      h = hash_detail::step(h, hashElement(child));
    }
    return fmix64(h);
  }
  if (e.type() == T::OBJECT) {
    uint64_t h =
        hashWord(static_cast<uint64_t>(ValueKind::kObject), HashTag::kString);
    const simdjson::dom::object object = e.get_object().value_unsafe();
    for (const auto& [key, value] : sortedMembers(object)) {
      h = hash_detail::step(h, hashBytes(key, HashTag::kString));
      h = hash_detail::step(h, hashElement(value));
    }
    return fmix64(h);
  }
  return hashValue(scalarOf(e));
}

}  // namespace

Value Value::uinteger(uint64_t v) {
  if (v <= static_cast<uint64_t>(INT64_MAX))
    return integer(static_cast<int64_t>(v));
  Value x;
  x.kind = ValueKind::kUint;
  x.u = v;
  return x;
}

Value Value::big(std::string_view text) {
  Value x;
  x.kind = ValueKind::kDouble;
  x.s = text;
  x.d = std::strtod(std::string(text).c_str(), nullptr);
  return x;
}

Value Value::number(double v) {
  if (!std::isfinite(v)) return null();
  Value x;
  x.kind = ValueKind::kDouble;
  x.d = v;
  return x;
}

double Value::asDouble() const {
  switch (kind) {
    case ValueKind::kInt:
      return static_cast<double>(i);
    case ValueKind::kUint:
      return static_cast<double>(u);
    case ValueKind::kDouble:
      return d;
    default:
      return 0;
  }
}

bool truthy(const Value& v) {
  return !(v.kind == ValueKind::kNull || (v.kind == ValueKind::kBool && !v.b));
}

int compareValues(const Value& a, const Value& b) {
  int ra = rank(a.kind), rb = rank(b.kind);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.kind) {
    case ValueKind::kNull:
      return 0;
    case ValueKind::kBool:
      return a.b == b.b ? 0 : a.b ? 1 : -1;
    case ValueKind::kString:
      return compareBytes(a.s, b.s);
    case ValueKind::kArray:
    case ValueKind::kObject:
      return compareContainers(a, b);
    default:
      return compareNumbers(a, b);
  }
}

uint64_t hashValue(const Value& v) {
  switch (v.kind) {
    case ValueKind::kNull:
      return hashWord(2, HashTag::kBool);
    case ValueKind::kBool:
      return hashWord(v.b, HashTag::kBool);
    case ValueKind::kInt:
      return hashWord(static_cast<uint64_t>(v.i), HashTag::kInt);
    case ValueKind::kUint:
      return hashWord(v.u, HashTag::kInt);
    case ValueKind::kDouble: {
      if (v.isBig()) {
        // As the double it equals, if any; else by a spelling equal values
        // share.
        const Decimal x = decimalOfText(v.s);
        if (std::isfinite(v.d) &&
            compareDecimals(x, decimalOfDouble(v.d)) == 0) {
          return hashValue(Value::number(v.d));
        }
        return hashBytes(canonicalText(x), HashTag::kFloat);
      }
      // Integral doubles hash as the integer they equal.
      if (v.d == std::floor(v.d) && v.d >= -kTwo63 && v.d < kTwo64) {
        uint64_t bits = v.d < kTwo63
                            ? static_cast<uint64_t>(static_cast<int64_t>(v.d))
                            : static_cast<uint64_t>(v.d);
        return hashWord(bits, HashTag::kInt);
      }
      uint64_t bits;
      std::memcpy(&bits, &v.d, sizeof bits);
      return hashWord(bits, HashTag::kFloat);
    }
    case ValueKind::kString:
      return hashBytes(v.s, HashTag::kString);
    case ValueKind::kArray:
    case ValueKind::kObject: {
      // Equal containers may be spelled differently ([1] and [1.0]), so the
      // hash follows their structure as compareContainers does.
      static thread_local JsonParser parser;
      simdjson::dom::element e;
      if (parser.parse(v.s, e)) {
        // compareContainers then compares bytes: equal means identical text.
        return hashBytes(v.s, HashTag::kString) ^ static_cast<uint64_t>(v.kind);
      }
      return hashElement(e);
    }
  }
  return 0;
}

void appendValueJson(std::string& out, const Value& v) {
  switch (v.kind) {
    case ValueKind::kNull:
      out += "null";
      break;
    case ValueKind::kBool:
      out += v.b ? "true" : "false";
      break;
    case ValueKind::kInt:
      appendJsonInt(out, v.i);
      break;
    case ValueKind::kUint:
      appendJsonUint(out, v.u);
      break;
    case ValueKind::kDouble:
      if (v.isBig()) {
        out.append(v.s);
      } else {
        appendJsonDouble(out, v.d);
      }
      break;
    case ValueKind::kString:
      appendJsonString(out, v.s);
      break;
    case ValueKind::kArray:
    case ValueKind::kObject:
      out.append(v.s);
      break;
  }
}

Value fromElement(simdjson::dom::element e, EvalArena& arena) {
  Value v = scalarOf(e);
  if ((v.kind == ValueKind::kArray || v.kind == ValueKind::kObject) &&
      bigNumbersSeen()) {
    std::string& text = arena.scratch();
    appendElementJson(text, e);
    v.s = arena.commit();
  } else if (v.kind == ValueKind::kArray || v.kind == ValueKind::kObject) {
    static thread_local simdjson::internal::string_builder<> builder;
    builder.clear();
    builder.append(e);
    v.s = arena.store(builder.str());
  }
  return v;
}

std::string_view EvalArena::store(std::string_view s) {
  while (used_blocks_ < blocks_.size()) {
    std::string& b = blocks_[used_blocks_];
    if (b.capacity() - b.size() >= s.size()) {
      size_t at = b.size();
      b.append(s);
      return std::string_view(b.data() + at, s.size());
    }
    ++used_blocks_;
  }
  blocks_.emplace_back();
  blocks_.back().reserve(std::max(kBlock, s.size()));
  blocks_.back().append(s);
  used_blocks_ = blocks_.size() - 1;
  return blocks_.back();
}

void EvalArena::clear() {
  for (size_t i = 0; i <= used_blocks_ && i < blocks_.size(); ++i)
    blocks_[i].clear();
  used_blocks_ = 0;
}

OwnedValue::OwnedValue(const Value& from) : v(from) {
  if (from.kind == ValueKind::kString || from.kind == ValueKind::kArray ||
      from.kind == ValueKind::kObject || from.isBig()) {
    storage.assign(from.s);
    v.s = storage;
  }
}

OwnedValue& OwnedValue::operator=(const OwnedValue& o) {
  if (this != &o) {
    v = o.v;
    storage = o.storage;
    if (o.v.s.data() == o.storage.data()) v.s = storage;
  }
  return *this;
}

OwnedValue::OwnedValue(OwnedValue&& o) noexcept : v(o.v) {
  bool owned = o.v.s.data() == o.storage.data();
  storage = std::move(o.storage);
  if (owned) v.s = storage;
}

OwnedValue& OwnedValue::operator=(OwnedValue&& o) noexcept {
  bool owned = o.v.s.data() == o.storage.data();
  v = o.v;
  storage = std::move(o.storage);
  if (owned) v.s = storage;
  return *this;
}

}  // namespace clusterproc
