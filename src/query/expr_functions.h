#pragma once
// Internal: the functions of the expression language (len, lower, substr,
// epoch, ...): their names and arities, and the nodes that call them.

#include <string>
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
  // conditionals (expr_functions.cc)
  kIf,
  // strings (expr_strings.cc)
  kReplace,
  kExtract,
  kTrim,
  kLtrim,
  kRtrim,
  kJoin,
  kConcat,
  // numbers (expr_numbers.cc)
  kLog,
  kLn,
  kExp,
  kSqrt,
  kPow,
  kLeast,
  kGreatest,
  kHash,
  // time (expr_time.cc)
  kStrptime,
  kStrftime,
  kDateTrunc,
  kTimeBucket,
  // the record's origin
  kFile,
  kLine,
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

/// Why a call cannot be compiled: the argument it is about and a message.
struct CallError {
  size_t arg = 0;
  std::string message;
};

/// A call of fn (arity already checked), or nullptr and err set (a regex
/// that does not compile, a unit that is not constant). For kExists the
/// argument must be a PathNode.
NodePtr makeCall(Fn fn, std::vector<NodePtr> args, CallError& err);

/// case when c1 then v1 ... [else e] end: whens and thens of equal size;
/// otherwise may be nullptr (null).
NodePtr makeCase(std::vector<NodePtr> whens, std::vector<NodePtr> thens,
                 NodePtr otherwise);

/// The names of every function, for suggestions.
std::vector<std::string_view> functionNames();

// The families of functions, one file each.
NodePtr makeStringCall(Fn fn, std::vector<NodePtr>& args, CallError& err);
NodePtr makeNumberCall(Fn fn, std::vector<NodePtr>& args, CallError& err);
NodePtr makeTimeCall(Fn fn, std::vector<NodePtr>& args, CallError& err);

/// split(s, sep)[i] without making the array: a node in place of path when
/// path is exactly that (its split() arguments are moved), else nullptr.
NodePtr makeSplitIndex(PathNode& path);

}  // namespace clusterproc::expr
