#include "expr_node.h"

#include <cmath>
#include <optional>

#include "big_number.h"

namespace clusterproc::expr {

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// The tape stores container sizes in 24 bits, saturated.
constexpr size_t kSaturatedCount = 0xFFFFFF;

class ConstNode : public Node {
 public:
  explicit ConstNode(const Value& v) : value_(v), truth_(truthy(v)) {}
  Datum eval(const Ctx&) const override { return Datum(value_.v); }
  bool test(const Ctx&) const override { return truth_; }
  const Value* constant() const override { return &value_.v; }

 private:
  OwnedValue value_;
  bool truth_;
};

inline bool stepKey(element& cur, std::string_view key) {
  simdjson::dom::object o;
  if (cur.get_object().get(o)) return false;
  return !o.at_key(key).get(cur);
}

bool stepIndex(element& cur, int64_t i) {
  simdjson::dom::array a;
  if (cur.get_array().get(a)) return false;
  if (i < 0) {
    const size_t n = containerSize(cur);
    const uint64_t back =
        static_cast<uint64_t>(-(i + 1)) + 1;  // no overflow at INT64_MIN
    if (back > n) return false;
    i = static_cast<int64_t>(n - back);
  }
  return !a.at(static_cast<size_t>(i)).get(cur);
}

/// An index given by a value: an int, or a double with no fraction.
std::optional<int64_t> integralIndex(const Value& v) {
  if (v.kind == ValueKind::kInt) return v.i;
  if (v.kind == ValueKind::kDouble && v.d == std::trunc(v.d) &&
      std::fabs(v.d) < 9.2e18) {
    return static_cast<int64_t>(v.d);
  }
  return std::nullopt;
}

template <typename T>
class Pool {
 public:
  T* acquire() {
    if (depth_ == items_.size()) items_.push_back(std::make_unique<T>());
    return items_[depth_++].get();
  }
  void release() { --depth_; }

 private:
  std::vector<std::unique_ptr<T>> items_;
  size_t depth_ = 0;
};

thread_local Pool<std::string> g_strings;
thread_local Pool<simdjson::dom::parser> g_parsers;

}  // namespace

Datum fromRecord(element e) {
  Datum d;
  switch (e.type()) {
    case element_type::NULL_VALUE:
      break;
    case element_type::BOOL:
      d.v = Value::boolean(e.get_bool().value_unsafe());
      break;
    case element_type::INT64:
      d.v = Value::integer(e.get_int64().value_unsafe());
      break;
    case element_type::UINT64:
      d.v = Value::uinteger(e.get_uint64().value_unsafe());
      break;
    case element_type::DOUBLE:
      d.v = Value::number(e.get_double().value_unsafe());
      break;
    case element_type::STRING: {
      const std::string_view s = e.get_string().value_unsafe();
      d.v = isBigNumber(s) ? Value::big(s) : Value::string(s);
      break;
    }
    case element_type::ARRAY:
    case element_type::OBJECT:
      d.v.kind = e.type() == element_type::ARRAY ? ValueKind::kArray
                                                 : ValueKind::kObject;
      d.elem = e;
      d.lazy = true;
      break;
  }
  return d;
}

Value materialize(const Datum& d, EvalArena& arena) {
  return d.lazy ? fromElement(d.elem, arena) : d.v;
}

int compareData(const Datum& a, const Datum& b, EvalArena& arena) {
  // Lazy containers are made only when two containers of one kind meet:
  // values of different kinds are ordered by kind alone.
  if ((!a.lazy && !b.lazy) || a.v.kind != b.v.kind)
    return compareValues(a.v, b.v);
  return compareValues(materialize(a, arena), materialize(b, arena));
}

Datum copyOut(element e, EvalArena& arena) {
  Datum d = fromRecord(e);
  if (d.lazy) return Datum(fromElement(e, arena));
  if (d.v.kind == ValueKind::kString) d.v.s = arena.store(d.v.s);
  return d;
}

size_t containerSize(element e) {
  simdjson::dom::array a;
  if (!e.get_array().get(a)) {
    size_t n = a.size();
    if (n < kSaturatedCount) return n;
    n = 0;
    for (auto it = a.begin(); it != a.end(); ++it) ++n;
    return n;
  }
  simdjson::dom::object o;
  if (!e.get_object().get(o)) {
    size_t n = o.size();
    if (n < kSaturatedCount) return n;
    n = 0;
    for (auto it = o.begin(); it != o.end(); ++it) ++n;
    return n;
  }
  return 0;
}

NodePtr makeConst(const Value& v) { return std::make_unique<ConstNode>(v); }

NodePtr fold(NodePtr n) {
  EvalArena arena;
  Ctx c{simdjson::dom::element(),
        arena};  // constant nodes never look at the record
  return makeConst(materialize(n->eval(c), arena));
}

ScratchString::ScratchString() : s_(g_strings.acquire()) { s_->clear(); }
ScratchString::~ScratchString() { g_strings.release(); }

ParserLease::ParserLease() : p_(g_parsers.acquire()) {}
ParserLease::~ParserLease() { g_parsers.release(); }

// ---- PathNode

bool PathNode::walk(const Ctx& c, element& cur) const {
  for (const Step& s : steps_) {
    switch (s.kind) {
      case Step::kKey:
        if (!stepKey(cur, s.key)) return false;
        break;
      case Step::kIndex:
        if (!stepIndex(cur, s.index)) return false;
        break;
      case Step::kDynamic: {
        const Datum k = s.expr->eval(c);
        if (k.v.kind == ValueKind::kString) {
          if (!stepKey(cur, k.v.s)) return false;
        } else if (auto i = integralIndex(k.v)) {
          if (!stepIndex(cur, *i)) return false;
        } else {
          return false;
        }
        break;
      }
    }
  }
  return true;
}

bool PathNode::resolve(const Ctx& c, Datum& out) const {
  element cur = c.root;
  if (base_) {
    Datum b = base_->eval(c);
    if (!b.lazy) {
      // A container an expression built (a list, split()): walk a parse of
      // its text and copy the result out of that parser.
      if (b.v.kind != ValueKind::kArray && b.v.kind != ValueKind::kObject)
        return false;
      bool found = false;
      withParsedText(b.v.s, [&](element e) {
        if (walk(c, e)) {
          out = copyOut(e, c.arena);
          found = true;
        }
      });
      return found;
    }
    cur = b.elem;
  }
  if (!walk(c, cur)) return false;
  out = fromRecord(cur);
  return true;
}

Datum PathNode::eval(const Ctx& c) const {
  if (!base_) {  // the common case, without the detour through resolve()
    element cur = c.root;
    return walk(c, cur) ? fromRecord(cur) : Datum();
  }
  Datum d;
  if (!resolve(c, d)) return Datum();
  return d;
}

bool PathNode::test(const Ctx& c) const {
  if (base_) return truthy(eval(c).v);
  element cur = c.root;
  if (!walk(c, cur)) return false;
  switch (cur.type()) {
    case element_type::NULL_VALUE:
      return false;
    case element_type::BOOL:
      return cur.get_bool().value_unsafe();
    default:
      return true;
  }
}

bool PathNode::exists(const Ctx& c) const {
  Datum d;
  return resolve(c, d);
}

bool PathNode::foldable() const {
  if (!base_ || !base_->constant()) return false;
  for (const Step& s : steps_) {
    if (s.kind == Step::kDynamic && !s.expr->constant()) return false;
  }
  return true;
}

// ---- ListNode

Datum ListNode::eval(const Ctx& c) const {
  ScratchString buf;
  std::string& s = buf.str();
  s.push_back('[');
  for (size_t i = 0; i < items_.size(); ++i) {
    if (i > 0) s.push_back(',');
    appendValueJson(s, materialize(items_[i]->eval(c), c.arena));
  }
  s.push_back(']');
  return Datum(Value::container(ValueKind::kArray, c.arena.store(s)));
}

bool ListNode::foldable() const {
  for (const NodePtr& n : items_) {
    if (!n->constant()) return false;
  }
  return true;
}

}  // namespace clusterproc::expr
