#pragma once
// Internal: the nodes a compiled expression is made of, what they yield, and
// the basic nodes (constants, paths, list literals). Operators are in
// expr_ops, functions in expr_functions.

#include <simdjson.h>

#include <memory>
#include <string>
#include <vector>

#include "value.h"

namespace clusterproc::expr {

/// What one evaluation sees: the record and the arena for made strings.
struct Ctx {
  simdjson::dom::element root;
  EvalArena& arena;
};

/// What a node yields. A container taken from the record stays "lazy": its
/// kind is set, v.s is empty and elem points at it, so that paths, len() and
/// truth tests never copy it; materialize() turns it into JSON text.
struct Datum {
  Value v;
  simdjson::dom::element elem;
  bool lazy = false;

  Datum() = default;
  Datum(const Value& value) : v(value) {}  // NOLINT: a Value is a Datum
};

/// A record element as a Datum: scalars converted, containers lazy.
Datum fromRecord(simdjson::dom::element e);
/// The Value of d; lazy containers are minified into the arena.
Value materialize(const Datum& d, EvalArena& arena);
/// compareValues on two data (containers materialized only when needed).
int compareData(const Datum& a, const Datum& b, EvalArena& arena);

/// A node of the compiled tree.
class Node {
 public:
  virtual ~Node() = default;
  virtual Datum eval(const Ctx& c) const = 0;
  /// truthy(eval(c).v), without making values nobody looks at.
  virtual bool test(const Ctx& c) const { return truthy(eval(c).v); }
  /// The value of a constant node, else nullptr.
  virtual const Value* constant() const { return nullptr; }
  /// True when every input of this node is constant (so it can be folded).
  virtual bool foldable() const { return false; }
};
using NodePtr = std::unique_ptr<Node>;

/// True when every node of args is a constant.
inline bool allConstant(const std::vector<NodePtr>& args) {
  for (const NodePtr& a : args) {
    if (!a->constant()) return false;
  }
  return true;
}

/// Evaluates a foldable node once and returns a constant node in its place.
NodePtr fold(NodePtr n);
/// A constant.
NodePtr makeConst(const Value& v);

/// One step of a path: a key, an index (negative: from the end), or a
/// computed key or index (a string or an integral number).
struct Step {
  enum Kind { kKey, kIndex, kDynamic } kind = kKey;
  std::string key;
  int64_t index = 0;
  NodePtr expr;
};

/// A path: steps from the record (base null) or from another node's value.
class PathNode : public Node {
 public:
  explicit PathNode(NodePtr base) : base_(std::move(base)) {}
  void addStep(Step s) { steps_.push_back(std::move(s)); }
  bool fromRoot() const { return base_ == nullptr; }
  Node* base() const { return base_.get(); }
  const std::vector<Step>& steps() const { return steps_; }
  Datum eval(const Ctx& c) const override;
  bool test(const Ctx& c) const override;
  bool foldable() const override;
  /// True when the path leads somewhere (the value may be null).
  bool exists(const Ctx& c) const;

 private:
  /// Follows the steps from cur; false when one of them finds nothing.
  bool walk(const Ctx& c, simdjson::dom::element& cur) const;
  /// Resolves the path; sets out (from the record) or made (from a
  /// container built by an expression, copied into the arena).
  bool resolve(const Ctx& c, Datum& out) const;

  NodePtr base_;
  std::vector<Step> steps_;
};

/// A list literal [a, b, ...]; its value is an array's JSON text.
class ListNode : public Node {
 public:
  explicit ListNode(std::vector<NodePtr> items) : items_(std::move(items)) {}
  Datum eval(const Ctx& c) const override;
  bool test(const Ctx&) const override { return true; }
  bool foldable() const override;
  /// Gives the item nodes away (to a node that evaluates them one by one).
  std::vector<NodePtr> takeItems() { return std::move(items_); }

 private:
  std::vector<NodePtr> items_;
};

/// A simdjson parser for texts built during evaluation; nested leases get
/// distinct parsers, each kept (with its capacity) for the next use.
class ParserLease {
 public:
  ParserLease();
  ~ParserLease();
  ParserLease(const ParserLease&) = delete;
  ParserLease& operator=(const ParserLease&) = delete;
  simdjson::dom::parser& get() { return *p_; }

 private:
  simdjson::dom::parser* p_;
};

/// Calls f(element) with text (an array's or object's JSON) parsed. The
/// element is valid only during the call. Returns false (without calling f)
/// when the text does not parse.
template <typename F>
bool withParsedText(std::string_view text, F&& f) {
  ParserLease lease;
  simdjson::dom::element e;
  if (lease.get().parse(text.data(), text.size()).get(e)) return false;
  f(e);
  return true;
}

/// Calls f with the array or object element of d (lazy or built text);
/// false (without calling f) when d is not a container.
template <typename F>
bool withContainer(const Datum& d, F&& f) {
  if (d.lazy) {
    f(d.elem);
    return true;
  }
  if (d.v.kind != ValueKind::kArray && d.v.kind != ValueKind::kObject)
    return false;
  return withParsedText(d.v.s, f);
}

/// A Datum that outlives the parser e belongs to: strings and containers
/// copied into the arena.
Datum copyOut(simdjson::dom::element e, EvalArena& arena);

/// A string buffer for building values while other nodes are evaluated
/// (EvalArena::scratch() is single); released when it goes out of scope.
class ScratchString {
 public:
  ScratchString();
  ~ScratchString();
  ScratchString(const ScratchString&) = delete;
  ScratchString& operator=(const ScratchString&) = delete;
  std::string& str() { return *s_; }

 private:
  std::string* s_;
};

/// Element count of an array or object element (exact beyond the tape's
/// 24-bit count).
size_t containerSize(simdjson::dom::element e);

}  // namespace clusterproc::expr
