// The one table of aggregates (query/aggregates.h) drives both the --agg
// parser and the states: every row parses, and becomes a state.
#include <catch2/catch.hpp>
#include <string>

#include "aggregate.h"
#include "aggregates.h"
#include "expr.h"

using namespace clusterproc;

TEST_CASE("every aggregate of the table parses and has a state") {
  for (const AggregateInfo& a : aggregateTable()) {
    const std::string name(a.name);
    INFO(name);
    CHECK(isAggregateName(name));
    std::string call = name + "(x";
    if (a.param == AggParam::kFraction) call += ", 0.25";
    if (a.param == AggParam::kCount) call += ", 3";
    call += ")";
    auto parsed = parseAggList(call, "--agg");
    REQUIRE(parsed.ok());
    const AggCall& c = parsed.value().at(0);
    CHECK(c.func == name);
    CHECK(c.param == (a.param == AggParam::kFraction ? 0.25
                      : a.param == AggParam::kCount  ? 3
                                                     : a.fixed_param));
    Result<AggFunc> f = aggFuncFromName(name, true);
    REQUIRE(f.ok());
    CHECK(f.value() ==
          (a.func == AggFunc::kCount ? AggFunc::kCountOf : a.func));
    CHECK(aggFuncName(f.value()) == a.name);
    CHECK(makeAggColumn(AggSpec{f.value(), c.param}) != nullptr);
  }
}

TEST_CASE("the messages list the aggregates of the table") {
  Result<AggFunc> f = aggFuncFromName("nope", true);
  REQUIRE_FALSE(f.ok());
  CHECK(f.status().message() ==
        "unknown aggregate 'nope' (known: " + aggregateNameList() + ")");
  CHECK(aggregateNameList().rfind("count, sum, min, max, avg", 0) == 0);
  auto parsed = parseAggList("median(x, 0.5)", "--agg");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().message() ==
        "error in --agg at column 1: median() takes 1 argument (got 2)");
}
