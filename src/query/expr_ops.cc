#include "expr_ops.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

namespace clusterproc::expr {

namespace {

using Wide = __int128;

constexpr double kTwo53 = 9007199254740992.0;
constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;

bool isInteger(const Value& v) {
  return v.kind == ValueKind::kInt || v.kind == ValueKind::kUint;
}
Wide wide(const Value& v) {
  return v.kind == ValueKind::kInt ? Wide{v.i} : Wide{v.u};
}

Value fromWide(Wide x) {
  if (x >= std::numeric_limits<int64_t>::min() &&
      x <= std::numeric_limits<int64_t>::max()) {
    return Value::integer(static_cast<int64_t>(x));
  }
  if (x > 0 && x <= Wide{std::numeric_limits<uint64_t>::max()}) {
    return Value::uinteger(static_cast<uint64_t>(x));
  }
  return Value::number(static_cast<double>(x));  // correctly rounded
}

// Operands of % are truncated to integers, as jq does.
std::optional<Wide> modOperand(const Value& v) {
  if (isInteger(v)) return wide(v);
  if (v.kind != ValueKind::kDouble) return std::nullopt;
  const double t = std::trunc(v.d);
  if (t < -kTwo63 || t >= kTwo64) return std::nullopt;
  return t < 0 ? Wide{static_cast<int64_t>(t)} : Wide{static_cast<uint64_t>(t)};
}

Value divide(const Value& a, const Value& b) {
  if (isInteger(a) && isInteger(b)) {
    const Wide x = wide(a), y = wide(b);
    if (y == 0) return Value::null();
    if (x % y == 0) return fromWide(x / y);
    // Both operands exact in a double: one rounding. Else long double holds
    // 64-bit integers exactly where it is wider than double.
    if (std::fabs(a.asDouble()) <= kTwo53 &&
        std::fabs(b.asDouble()) <= kTwo53) {
      return Value::number(a.asDouble() / b.asDouble());
    }
    return Value::number(static_cast<double>(static_cast<long double>(x) /
                                             static_cast<long double>(y)));
  }
  if (b.asDouble() == 0) return Value::null();
  return Value::number(a.asDouble() / b.asDouble());
}

Value join(const Value& a, const Value& b, EvalArena& arena) {
  if (a.kind == ValueKind::kString) {
    std::string& s = arena.scratch();
    s.append(a.s);
    s.append(b.s);
    return Value::string(arena.commit());
  }
  // Two arrays as compact JSON texts.
  if (a.s.size() <= 2) return b;
  if (b.s.size() <= 2) return a;
  std::string& s = arena.scratch();
  s.append(a.s.substr(0, a.s.size() - 1));
  s.push_back(',');
  s.append(b.s.substr(1));
  return Value::container(ValueKind::kArray, arena.commit());
}

class ArithNode : public Node {
 public:
  ArithNode(BinOp op, NodePtr l, NodePtr r)
      : op_(op), l_(std::move(l)), r_(std::move(r)) {}
  Datum eval(const Ctx& c) const override {
    const Datum a = l_->eval(c);
    const Datum b = r_->eval(c);
    if ((a.lazy || b.lazy) && op_ == BinOp::kAdd) {
      return arithmetic(op_, materialize(a, c.arena), materialize(b, c.arena),
                        c.arena);
    }
    return arithmetic(op_, a.v, b.v, c.arena);  // lazy containers give null
  }
  bool foldable() const override { return l_->constant() && r_->constant(); }

 private:
  BinOp op_;
  NodePtr l_, r_;
};

class NegNode : public Node {
 public:
  explicit NegNode(NodePtr x) : x_(std::move(x)) {}
  Datum eval(const Ctx& c) const override {
    const Value v = x_->eval(c).v;
    if (!v.isBig()) return negate(v);
    // Exact: the text with its sign flipped.
    std::string& text = c.arena.scratch();
    if (v.s[0] == '-') {
      text.assign(v.s.substr(1));
    } else {
      text = "-";
      text.append(v.s);
    }
    return Value::big(c.arena.commit());
  }
  bool foldable() const override { return x_->constant() != nullptr; }

 private:
  NodePtr x_;
};

class CompareNode : public Node {
 public:
  CompareNode(BinOp op, NodePtr l, NodePtr r)
      : op_(op), l_(std::move(l)), r_(std::move(r)), rconst_(r_->constant()) {}
  Datum eval(const Ctx& c) const override { return Value::boolean(test(c)); }
  bool test(const Ctx& c) const override {
    const Datum a = l_->eval(c);
    int cmp;
    if (!rconst_) {
      cmp = compareData(a, r_->eval(c), c.arena);
    } else if (!a.lazy) {
      cmp = compareValues(a.v, *rconst_);
    } else {
      cmp = compareData(a, Datum(*rconst_), c.arena);
    }
    switch (op_) {
      case BinOp::kEq:
        return cmp == 0;
      case BinOp::kNe:
        return cmp != 0;
      case BinOp::kLt:
        return cmp < 0;
      case BinOp::kLe:
        return cmp <= 0;
      case BinOp::kGt:
        return cmp > 0;
      case BinOp::kGe:
        return cmp >= 0;
      default:
        return false;
    }
  }
  bool foldable() const override { return l_->constant() && rconst_; }

 private:
  BinOp op_;
  NodePtr l_, r_;
  const Value* rconst_;  ///< r_'s value when constant: no call per record
};

class AndNode : public Node {
 public:
  AndNode(NodePtr l, NodePtr r) : l_(std::move(l)), r_(std::move(r)) {}
  Datum eval(const Ctx& c) const override { return Value::boolean(test(c)); }
  bool test(const Ctx& c) const override { return l_->test(c) && r_->test(c); }
  bool foldable() const override { return l_->constant() && r_->constant(); }

 private:
  NodePtr l_, r_;
};

class OrNode : public Node {
 public:
  OrNode(NodePtr l, NodePtr r) : l_(std::move(l)), r_(std::move(r)) {}
  Datum eval(const Ctx& c) const override { return Value::boolean(test(c)); }
  bool test(const Ctx& c) const override { return l_->test(c) || r_->test(c); }
  bool foldable() const override { return l_->constant() && r_->constant(); }

 private:
  NodePtr l_, r_;
};

class NotNode : public Node {
 public:
  explicit NotNode(NodePtr x) : x_(std::move(x)) {}
  Datum eval(const Ctx& c) const override { return Value::boolean(test(c)); }
  bool test(const Ctx& c) const override { return !x_->test(c); }
  bool foldable() const override { return x_->constant() != nullptr; }

 private:
  NodePtr x_;
};

/// x in a constant array: binary search in its sorted elements.
class InConstNode : public Node {
 public:
  InConstNode(NodePtr x, std::vector<OwnedValue> elems)
      : x_(std::move(x)), elems_(std::move(elems)) {
    std::sort(elems_.begin(), elems_.end(),
              [](const OwnedValue& a, const OwnedValue& b) {
                return compareValues(a.v, b.v) < 0;
              });
  }
  Datum eval(const Ctx& c) const override { return Value::boolean(test(c)); }
  bool test(const Ctx& c) const override {
    const Datum d = x_->eval(c);
    if (elems_.empty()) return false;
    const Value v = d.lazy ? materialize(d, c.arena) : d.v;
    auto it = std::lower_bound(elems_.begin(), elems_.end(), v,
                               [](const OwnedValue& e, const Value& x) {
                                 return compareValues(e.v, x) < 0;
                               });
    return it != elems_.end() && compareValues(it->v, v) == 0;
  }
  bool foldable() const override { return x_->constant() != nullptr; }

 private:
  NodePtr x_;
  std::vector<OwnedValue> elems_;
};

/// x in [a, b, ...] with computed elements: compared one by one.
class InListNode : public Node {
 public:
  InListNode(NodePtr x, std::vector<NodePtr> items)
      : x_(std::move(x)), items_(std::move(items)) {}
  Datum eval(const Ctx& c) const override { return Value::boolean(test(c)); }
  bool test(const Ctx& c) const override {
    const Datum d = x_->eval(c);
    for (const NodePtr& item : items_) {
      if (compareData(d, item->eval(c), c.arena) == 0) return true;
    }
    return false;
  }

 private:
  NodePtr x_;
  std::vector<NodePtr> items_;
};

/// x in an array computed per record (a path, split()).
class InDynamicNode : public Node {
 public:
  InDynamicNode(NodePtr x, NodePtr list)
      : x_(std::move(x)), list_(std::move(list)) {}
  Datum eval(const Ctx& c) const override { return Value::boolean(test(c)); }
  bool test(const Ctx& c) const override {
    const Datum d = x_->eval(c);
    const Datum list = list_->eval(c);
    if (list.v.kind != ValueKind::kArray) return false;
    bool found = false;
    auto scan = [&](simdjson::dom::element e) {
      const simdjson::dom::array items = e.get_array().value_unsafe();
      for (simdjson::dom::element item : items) {
        if (compareData(d, fromRecord(item), c.arena) == 0) {
          found = true;
          return;
        }
      }
    };
    if (list.lazy) {
      scan(list.elem);
    } else {
      withParsedText(list.v.s, scan);
    }
    return found;
  }
  bool foldable() const override { return x_->constant() && list_->constant(); }

 private:
  NodePtr x_, list_;
};

class MatchNode : public Node {
 public:
  MatchNode(NodePtr s, std::unique_ptr<re2::RE2> re)
      : s_(std::move(s)), re_(std::move(re)) {}
  Datum eval(const Ctx& c) const override { return Value::boolean(test(c)); }
  bool test(const Ctx& c) const override {
    const Datum d = s_->eval(c);
    if (d.v.kind != ValueKind::kString) return false;
    return re2::RE2::PartialMatch(re2::StringPiece(d.v.s.data(), d.v.s.size()),
                                  *re_);
  }
  bool foldable() const override { return s_->constant() != nullptr; }

 private:
  NodePtr s_;
  std::unique_ptr<re2::RE2> re_;
};

}  // namespace

Value arithmetic(BinOp op, const Value& a, const Value& b, EvalArena& arena) {
  if (op == BinOp::kAdd && a.kind == b.kind &&
      (a.kind == ValueKind::kString || a.kind == ValueKind::kArray)) {
    return join(a, b, arena);
  }
  if (!a.isNumber() || !b.isNumber()) return Value::null();
  const bool ints = isInteger(a) && isInteger(b);
  switch (op) {
    case BinOp::kAdd:
      return ints ? fromWide(wide(a) + wide(b))
                  : Value::number(a.asDouble() + b.asDouble());
    case BinOp::kSub:
      return ints ? fromWide(wide(a) - wide(b))
                  : Value::number(a.asDouble() - b.asDouble());
    case BinOp::kMul: {
      Wide p;
      if (ints && !__builtin_mul_overflow(wide(a), wide(b), &p))
        return fromWide(p);
      return Value::number(a.asDouble() * b.asDouble());
    }
    case BinOp::kDiv:
      return divide(a, b);
    case BinOp::kMod: {
      const auto x = modOperand(a), y = modOperand(b);
      if (!x || !y || *y == 0) return Value::null();
      return fromWide(*x % *y);
    }
    default:
      return Value::null();
  }
}

Value negate(const Value& a) {
  switch (a.kind) {
    case ValueKind::kInt:
      return fromWide(-Wide{a.i});
    case ValueKind::kUint:
      return fromWide(-Wide{a.u});
    case ValueKind::kDouble:
      return Value::number(-a.d);
    default:
      return Value::null();
  }
}

NodePtr makeArith(BinOp op, NodePtr l, NodePtr r) {
  return std::make_unique<ArithNode>(op, std::move(l), std::move(r));
}
NodePtr makeNeg(NodePtr x) { return std::make_unique<NegNode>(std::move(x)); }
NodePtr makeCompare(BinOp op, NodePtr l, NodePtr r) {
  return std::make_unique<CompareNode>(op, std::move(l), std::move(r));
}
NodePtr makeAnd(NodePtr l, NodePtr r) {
  return std::make_unique<AndNode>(std::move(l), std::move(r));
}
NodePtr makeOr(NodePtr l, NodePtr r) {
  return std::make_unique<OrNode>(std::move(l), std::move(r));
}
NodePtr makeNot(NodePtr x) { return std::make_unique<NotNode>(std::move(x)); }

NodePtr makeIn(NodePtr x, NodePtr list) {
  if (const Value* v = list->constant()) {
    std::vector<OwnedValue> elems;
    if (v->kind == ValueKind::kArray) {
      EvalArena arena;
      withParsedText(v->s, [&](simdjson::dom::element e) {
        const simdjson::dom::array items = e.get_array().value_unsafe();
        for (simdjson::dom::element item : items) {
          elems.emplace_back(copyOut(item, arena).v);
        }
      });
    }
    return std::make_unique<InConstNode>(std::move(x), std::move(elems));
  }
  if (auto* l = dynamic_cast<ListNode*>(list.get())) {
    return std::make_unique<InListNode>(std::move(x), l->takeItems());
  }
  return std::make_unique<InDynamicNode>(std::move(x), std::move(list));
}

NodePtr makeMatch(NodePtr s, std::unique_ptr<re2::RE2> re) {
  return std::make_unique<MatchNode>(std::move(s), std::move(re));
}

}  // namespace clusterproc::expr
