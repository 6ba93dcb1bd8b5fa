#pragma once
// Internal: the operators of the expression language (arithmetic,
// comparison, logic, membership and regular-expression match) as nodes, and
// the value arithmetic they use.

#include <re2/re2.h>

#include <memory>

#include "expr_node.h"

namespace clusterproc::expr {

/// Binary operators other than and/or.
enum class BinOp { kAdd, kSub, kMul, kDiv, kMod, kEq, kNe, kLt, kLe, kGt, kGe };

/// a op b for the arithmetic operators: exact on integers (a double when the
/// result leaves int64/uint64), null on non-numbers, zero divisors and
/// non-finite results; + also joins two strings or two arrays.
Value arithmetic(BinOp op, const Value& a, const Value& b, EvalArena& arena);
/// -a: exact on integers, null on non-numbers.
Value negate(const Value& a);

/// l op r for the arithmetic operators.
NodePtr makeArith(BinOp op, NodePtr l, NodePtr r);
/// Unary minus.
NodePtr makeNeg(NodePtr x);
/// l op r for == != < <= > >= (compareValues).
NodePtr makeCompare(BinOp op, NodePtr l, NodePtr r);
/// Short-circuit and/or, giving booleans by truthiness.
NodePtr makeAnd(NodePtr l, NodePtr r);
NodePtr makeOr(NodePtr l, NodePtr r);
/// not x: !truthy(x).
NodePtr makeNot(NodePtr x);
/// x in list: true when an element of the array list equals x.
NodePtr makeIn(NodePtr x, NodePtr list);
/// s =~ re: an RE2 partial match; false when s is not a string.
NodePtr makeMatch(NodePtr s, std::unique_ptr<re2::RE2> re);

}  // namespace clusterproc::expr
