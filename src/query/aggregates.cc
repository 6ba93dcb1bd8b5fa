#include "aggregates.h"

namespace clusterproc {

namespace {

constexpr AggregateInfo kAggregates[] = {
    {"count", AggFunc::kCount, 0, 1, AggParam::kNone},
    {"sum", AggFunc::kSum, 1, 1, AggParam::kNone},
    {"min", AggFunc::kMin, 1, 1, AggParam::kNone},
    {"max", AggFunc::kMax, 1, 1, AggParam::kNone},
    {"avg", AggFunc::kAvg, 1, 1, AggParam::kNone},
    {"stddev", AggFunc::kStddev, 1, 1, AggParam::kNone},
    {"var", AggFunc::kVar, 1, 1, AggParam::kNone},
    {"count_distinct", AggFunc::kCountDistinct, 1, 1, AggParam::kNone},
    {"approx_distinct", AggFunc::kApproxDistinct, 1, 1, AggParam::kNone},
    {"quantile", AggFunc::kQuantile, 2, 2, AggParam::kFraction},
    {"median", AggFunc::kMedian, 1, 1, AggParam::kNone, 0.5},
    {"quantile_exact", AggFunc::kQuantileExact, 2, 2, AggParam::kFraction},
    {"top", AggFunc::kTop, 2, 2, AggParam::kCount},
    {"first", AggFunc::kFirst, 1, 1, AggParam::kNone},
    {"last", AggFunc::kLast, 1, 1, AggParam::kNone},
};

}  // namespace

std::span<const AggregateInfo> aggregateTable() { return kAggregates; }

const AggregateInfo* findAggregate(std::string_view name) {
  for (const AggregateInfo& a : kAggregates) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

std::string aggregateNameList() {
  std::string names;
  for (const AggregateInfo& a : kAggregates) {
    if (!names.empty()) names += ", ";
    names += a.name;
  }
  return names;
}

}  // namespace clusterproc
