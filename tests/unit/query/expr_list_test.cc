// Lists of expressions (--select, --group-by, --sort) and of aggregates
// (--agg).

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "expr.h"
#include "json_write.h"

using clusterproc::AggCall;
using clusterproc::EvalArena;
using clusterproc::ExitCode;
using clusterproc::ListItem;
using clusterproc::parseAggList;
using clusterproc::parseList;

namespace {

std::vector<ListItem> list(const std::string& text, bool sort = false) {
  auto r = parseList(text, sort ? "--sort" : "--select", sort);
  INFO(text << ": " << (r.ok() ? "" : r.status().message()));
  REQUIRE(r.ok());
  return std::move(r.value());
}

std::string listError(const std::string& text, bool sort = false) {
  auto r = parseList(text, sort ? "--sort" : "--select", sort);
  INFO(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ExitCode::kUsage);
  return r.status().message();
}

std::vector<AggCall> aggs(const std::string& text) {
  auto r = parseAggList(text, "--agg");
  INFO(text << ": " << (r.ok() ? "" : r.status().message()));
  REQUIRE(r.ok());
  return std::move(r.value());
}

std::string aggError(const std::string& text) {
  auto r = parseAggList(text, "--agg");
  INFO(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ExitCode::kUsage);
  return r.status().message();
}

/// expr evaluated against record_json, as JSON text.
std::string evalJson(const clusterproc::Expr& expr,
                     const std::string& record_json) {
  simdjson::dom::parser parser;
  simdjson::dom::element record = parser.parse(record_json).value();
  EvalArena arena;
  std::string out;
  clusterproc::appendValueJson(out, expr.eval(record, arena));
  return out;
}

}  // namespace

TEST_CASE("a list splits at top-level commas and names items by their text") {
  auto items = list("status, user.id, len( tags )");
  REQUIRE(items.size() == 3);
  CHECK(items[0].name == "status");
  CHECK(items[1].name == "user.id");
  CHECK(items[2].name == "len(tags)");
  CHECK(items[2].text == "len( tags )");
  CHECK(evalJson(*items[1].expr, R"({"user":{"id":812}})") == "812");
}

TEST_CASE("commas inside parentheses, brackets and strings do not split") {
  auto items = list("coalesce(a, b), 'x,y', [1, 2], \"(\"");
  REQUIRE(items.size() == 4);
  CHECK(items[0].name == "coalesce(a,b)");
  CHECK(items[1].name == "'x,y'");
  CHECK(items[2].name == "[1,2]");
  CHECK(items[3].name == "\"(\"");
}

TEST_CASE("as NAME renames an item") {
  auto items =
      list("user.id as uid, len(tags) AS n, status as \"HTTP status\"");
  REQUIRE(items.size() == 3);
  CHECK(items[0].name == "uid");
  CHECK(items[0].expr->name() == "user.id");
  CHECK(items[0].text == "user.id as uid");
  CHECK(items[1].name == "n");
  CHECK(items[2].name == "HTTP status");
}

TEST_CASE("a name after as is required") {
  CHECK(listError("a as") ==
        "error in --select at column 5: expected a name after 'as'");
  CHECK(listError("a as 1") ==
        "error in --select at column 6: expected a name after 'as'");
  CHECK(listError("a as b c") ==
        "error in --select at column 8: unexpected 'c'");
}

TEST_CASE("empty items are errors") {
  CHECK(listError("a,,b") ==
        "error in --select at column 3: empty item in list");
  CHECK(listError("a, ") ==
        "error in --select at column 4: empty item in list");
  CHECK(listError(",a") == "error in --select at column 1: empty item in list");
  CHECK(listError(" ") == "error in --select at column 1: empty expression");
}

TEST_CASE("errors in a list item give columns in the whole option") {
  CHECK(listError("a, (b") == "error in --select at column 6: expected ')'");
  CHECK(listError("a, b +") ==
        "error in --select at column 7: unexpected end of expression");
}

TEST_CASE("sort items take asc or desc") {
  auto items = list("status desc, bytes ASC, host", true);
  REQUIRE(items.size() == 3);
  CHECK(items[0].descending);
  CHECK(items[0].name == "status");
  CHECK(items[0].text == "status desc");
  CHECK_FALSE(items[1].descending);
  CHECK_FALSE(items[2].descending);
}

TEST_CASE("sort items do not take as, select items do not take desc") {
  CHECK(listError("a as b", true) ==
        "error in --sort at column 3: unexpected 'as'");
  CHECK(listError("a desc") ==
        "error in --select at column 3: unexpected 'desc'");
}

TEST_CASE("in a sort list, an aggregate call names its output column") {
  auto items =
      list("sum( bytes ) desc, quantile(latency_ms, 0.99), count", true);
  REQUIRE(items.size() == 3);
  CHECK(items[0].name == "sum(bytes)");
  CHECK(items[0].descending);
  const std::string row =
      R"j({"status":200,"count":3,"sum(bytes)":42,"quantile(latency_ms,0.99)":9.5})j";
  CHECK(evalJson(*items[0].expr, row) == "42");
  CHECK(evalJson(*items[1].expr, row) == "9.5");
  CHECK(evalJson(*items[2].expr, row) == "3");
}

TEST_CASE("outside sort lists an aggregate call is an unknown function") {
  CHECK(listError("sum(bytes)") ==
        "error in --select at column 1: unknown function 'sum' (aggregates "
        "belong in --agg)");
}

TEST_CASE("aggregates with one argument") {
  auto calls = aggs(
      "sum(bytes), min(x), max(x), avg(x), stddev(x), var(x), "
      "count_distinct(x), "
      "approx_distinct(x), first(x), last(x), median(x)");
  const std::vector<std::string> funcs = {"sum",
                                          "min",
                                          "max",
                                          "avg",
                                          "stddev",
                                          "var",
                                          "count_distinct",
                                          "approx_distinct",
                                          "first",
                                          "last",
                                          "median"};
  REQUIRE(calls.size() == funcs.size());
  for (size_t i = 0; i < funcs.size(); ++i) {
    CHECK(calls[i].func == funcs[i]);
    REQUIRE(calls[i].arg);
  }
  CHECK(calls[0].name == "sum(bytes)");
  CHECK(calls[0].arg->name() == "bytes");
  CHECK(calls[0].param == 0);
  CHECK(calls[10].param == 0.5);
}

TEST_CASE("count alone counts records; count(x) counts values") {
  auto calls = aggs("count, count(), count(user.id)");
  REQUIRE(calls.size() == 3);
  CHECK(calls[0].func == "count");
  CHECK_FALSE(calls[0].arg);
  CHECK(calls[0].name == "count");
  CHECK_FALSE(calls[1].arg);
  CHECK(calls[1].name == "count()");
  REQUIRE(calls[2].arg);
  CHECK(calls[2].arg->name() == "user.id");
  CHECK(calls[2].name == "count(user.id)");
}

TEST_CASE("quantile and quantile_exact take q") {
  auto calls = aggs(
      "quantile(latency_ms, 0.99), quantile_exact( x , 0 ), quantile(x, 1)");
  REQUIRE(calls.size() == 3);
  CHECK(calls[0].func == "quantile");
  CHECK(calls[0].param == 0.99);
  CHECK(calls[0].name == "quantile(latency_ms,0.99)");
  CHECK(calls[0].arg->name() == "latency_ms");
  CHECK(calls[1].func == "quantile_exact");
  CHECK(calls[1].param == 0);
  CHECK(calls[1].name == "quantile_exact(x,0)");
  CHECK(calls[2].param == 1);
}

TEST_CASE("top takes k") {
  auto calls = aggs("top(host, 5), top(x, 1e1)");
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].func == "top");
  CHECK(calls[0].param == 5);
  CHECK(calls[0].name == "top(host,5)");
  CHECK(calls[1].param == 10);
}

TEST_CASE("aggregates take as NAME and any case") {
  auto calls = aggs("SUM(bytes) as total, Count AS n");
  REQUIRE(calls.size() == 2);
  CHECK(calls[0].func == "sum");
  CHECK(calls[0].name == "total");
  CHECK(calls[1].func == "count");
  CHECK(calls[1].name == "n");
}

TEST_CASE("aggregate arguments are full expressions") {
  auto calls =
      aggs("sum(bytes * 2), max(coalesce(a, b)), quantile(epoch(ts), 0.5)");
  REQUIRE(calls.size() == 3);
  CHECK(calls[0].arg->name() == "bytes*2");
  CHECK(evalJson(*calls[0].arg, R"({"bytes":21})") == "42");
  CHECK(calls[1].arg->name() == "coalesce(a,b)");
  CHECK(calls[2].arg->name() == "epoch(ts)");
  CHECK(calls[2].param == 0.5);
}

TEST_CASE("quantile without q is an arity error") {
  CHECK(aggError("quantile(x)") ==
        "error in --agg at column 1: quantile() takes 2 arguments (got 1)");
  CHECK(aggError("count, top(x)") ==
        "error in --agg at column 8: top() takes 2 arguments (got 1)");
}

TEST_CASE("q must be within 0 and 1") {
  CHECK(aggError("quantile(x, 1.5)") ==
        "error in --agg at column 13: q must be between 0 and 1 (got 1.5)");
  CHECK(aggError("quantile_exact(x, -0.1)") ==
        "error in --agg at column 19: q must be between 0 and 1 (got -0.1)");
}

TEST_CASE("k must be an integer of at least 1") {
  CHECK(aggError("top(x, 0)") ==
        "error in --agg at column 8: k must be an integer >= 1 (got 0)");
  CHECK(aggError("top(x, 2.5)") ==
        "error in --agg at column 8: k must be an integer >= 1 (got 2.5)");
}

TEST_CASE("the parameter must be a constant number") {
  CHECK(aggError("quantile(x, y)") ==
        "error in --agg at column 13: expected a number");
  CHECK(aggError("top(x, '5')") ==
        "error in --agg at column 8: expected a number");
}

TEST_CASE("an unknown aggregate is reported at its name") {
  CHECK(aggError("count, foo(x)") ==
        "error in --agg at column 8: unknown aggregate 'foo'");
  CHECK(aggError("bytes") ==
        "error in --agg at column 1: unknown aggregate 'bytes'");
  CHECK(aggError("len(x)") ==
        "error in --agg at column 1: unknown aggregate 'len'");
  CHECK(aggError("(x)") ==
        "error in --agg at column 1: expected an aggregate such as count or "
        "sum(x)");
}

TEST_CASE("aggregates other than count need their argument") {
  CHECK(aggError("sum") ==
        "error in --agg at column 1: sum() takes 1 argument (got 0)");
  CHECK(aggError("avg()") ==
        "error in --agg at column 1: avg() takes 1 argument (got 0)");
  CHECK(aggError("count(a, b)") ==
        "error in --agg at column 1: count() takes 0 or 1 arguments (got 2)");
}

TEST_CASE("errors inside aggregate arguments point into the option") {
  CHECK(aggError("sum(bytes +)") ==
        "error in --agg at column 12: unexpected ')'");
  CHECK(aggError("sum(bytes") ==
        "error in --agg at column 10: expected ',' or ')'");
  CHECK(aggError("count,,sum(x)") ==
        "error in --agg at column 7: empty item in list");
  CHECK(aggError("") == "error in --agg at column 1: empty expression");
}

TEST_CASE("isAggregateName knows the aggregates") {
  CHECK(clusterproc::isAggregateName("quantile_exact"));
  CHECK(clusterproc::isAggregateName("count"));
  CHECK_FALSE(clusterproc::isAggregateName("len"));
  CHECK_FALSE(clusterproc::isAggregateName("SUM"));
}
