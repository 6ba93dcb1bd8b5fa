#pragma once
// The aggregate functions of --agg (SPEC section 4), in one table: the
// parser takes their names and arguments from it, the job states their
// functions. A new aggregate is a row here and a state in state/aggregate.cc.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace clusterproc {

/// The aggregate functions. kCountOf is "count" with an argument.
enum class AggFunc : uint8_t {
  kCount,
  kCountOf,
  kSum,
  kMin,
  kMax,
  kAvg,
  kStddev,
  kVar,
  kCountDistinct,
  kApproxDistinct,
  kQuantile,
  kMedian,
  kQuantileExact,
  kTop,
  kFirst,
  kLast,
};

/// What an aggregate's second argument is.
enum class AggParam : uint8_t {
  kNone,      ///< no second argument
  kFraction,  ///< q, a number in [0, 1] (quantile, quantile_exact)
  kCount,     ///< k, an integer >= 1 (top)
};

/// One aggregate function as --agg writes it.
struct AggregateInfo {
  std::string_view name;  ///< lowercase
  AggFunc func;
  uint8_t min_args;        ///< count: 0 (count, or count(x))
  uint8_t max_args;        ///< 2 for those with a parameter
  AggParam param;          ///< the second argument's meaning
  double fixed_param = 0;  ///< the parameter of one without it (median: 0.5)
};

/// Every aggregate, in the order the documentation lists them.
std::span<const AggregateInfo> aggregateTable();

/// The aggregate called name (lowercase), or null.
const AggregateInfo* findAggregate(std::string_view name);

/// "count, sum, min, ...": the names, for messages.
std::string aggregateNameList();

}  // namespace clusterproc
