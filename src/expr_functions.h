#pragma once
// Internal: the functions of the expression language (len, lower, substr,
// epoch, ...): their names and arities, and the nodes that call them.

#include <string_view>
#include <vector>

#include "expr_node.h"

namespace clusterproc::expr {

/// The built-in functions.
enum class Fn {
  kLen,
  kLower,
  kUpper,
  kContains,
  kStartsWith,
  kEndsWith,
  kSubstr,
  kSplit,
  kExists,
  kIsNull,
  kCoalesce,
  kInt,
  kFloat,
  kStr,
  kAbs,
  kRound,
  kFloor,
  kCeil,
  kEpoch,
  kType,
};

/// A function's name and how many arguments it takes (max_args -1: any).
struct FuncInfo {
  std::string_view name;
  Fn fn;
  int min_args;
  int max_args;
};

/// The function called name, or nullptr.
const FuncInfo* findFunction(std::string_view name);

/// A call of fn (arity already checked). For kExists the argument must be a
/// PathNode.
NodePtr makeCall(Fn fn, std::vector<NodePtr> args);

/// split(s, sep)[i] without making the array: a node in place of path when
/// path is exactly that (its split() arguments are moved), else nullptr.
NodePtr makeSplitIndex(PathNode& path);

}  // namespace clusterproc::expr
