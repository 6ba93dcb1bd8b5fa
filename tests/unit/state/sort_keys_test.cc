// --sort resolution (sort_keys.h), duplicate output names, the sort prefix
// of rows (group table, row_sort) and words joined by '-' in expressions.

#include "sort_keys.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "group_table.h"
#include "query.h"
#include "row_sort.h"

namespace clusterproc {
namespace {

Job aggregateJob(const std::string& group_by, const std::string& agg,
                 const std::string& sort) {
  Job job;
  job.kind = JobKind::kAggregate;
  job.group_by = group_by;
  job.agg = agg;
  job.sort = sort;
  return job;
}

Job selectJob(const std::string& select, const std::string& sort) {
  Job job;
  job.kind = select.empty() ? JobKind::kWhere : JobKind::kSelect;
  job.select = select;
  job.sort = sort;
  return job;
}

Query compiled(const Job& job) {
  Result<Query> q = compileQuery(job);
  INFO(job.sort << ": " << (q.ok() ? "" : q.status().message()));
  REQUIRE(q.ok());
  return std::move(q.value());
}

std::string errorOf(const Job& job) {
  Result<Query> q = compileQuery(job);
  REQUIRE_FALSE(q.ok());
  CHECK(q.status().code() == ExitCode::kUsage);
  return q.status().message();
}

TEST_CASE("sort: an output name first, exactly") {
  Query q = compiled(aggregateJob("host", "count as n, sum(bytes)",
                                  "n desc, sum(bytes), host"));
  REQUIRE(q.sort.size() == 3);
  CHECK(q.sort[0].member == "n");
  CHECK(q.sort[0].descending);
  CHECK(q.sort[1].member == "sum(bytes)");
  CHECK(q.sort[2].member == "host");
  CHECK(q.aggs.size() == 2);  // nothing hidden
  REQUIRE(q.sort_members.size() == 3);
  CHECK(q.sort_members[0].name == "n");
  CHECK_FALSE(q.sort_members[0].key);
  CHECK(q.sort_members[0].index == 0);
  CHECK(q.sort_members[2].key);
}

TEST_CASE(
    "sort: an aggregate as written in --agg reads its column, whatever its "
    "name") {
  for (const char* item : {"count", "Count", "COUNT", "count()"}) {
    Query q = compiled(aggregateJob("host", "sum(x) as s, count as n", item));
    INFO(item);
    REQUIRE(q.sort.size() == 1);
    REQUIRE(q.sort_members.size() == 1);
    CHECK(q.sort_members[0].index == 1);
    CHECK(q.aggs.size() == 2);
  }
  Query q = compiled(aggregateJob("host", "quantile(lat, 0.99) as p99",
                                  "quantile( lat , 0.99 )"));
  CHECK(q.aggs.size() == 1);
  CHECK(q.sort_members.at(0).index == 0);
}

TEST_CASE("sort: an aggregate that --agg lacks is a hidden aggregate") {
  Query q = compiled(
      aggregateJob("host", "count as n", "avg(lat) desc, quantile(lat, 0.5)"));
  CHECK(q.visible_aggs == 1);
  REQUIRE(q.aggs.size() == 3);
  CHECK(q.aggs[1].func == "avg");
  CHECK(q.agg_specs[2].func == AggFunc::kQuantile);
  CHECK(q.agg_specs[2].param == 0.5);
  CHECK(q.columns == std::vector<std::string>{"host", "n"});
  // quantile(lat, 0.5) and median(lat) are distinct calls; the same call twice
  // is one.
  Query twice = compiled(aggregateJob("", "count", "max(a), max( a ) desc"));
  CHECK(twice.aggs.size() == 2);
}

TEST_CASE("sort: a key as written in --group-by") {
  Query q =
      compiled(aggregateJob("lower(host) as h", "count", "lower( host ) desc"));
  REQUIRE(q.sort_members.size() == 1);
  CHECK(q.sort_members[0].key);
  CHECK(q.sort[0].member == "lower(host)");
}

TEST_CASE("sort: an expression over columns, keys and aggregates") {
  Query q = compiled(
      aggregateJob("host", "count as n", "sum(bytes) / count + len(host)"));
  REQUIRE(q.sort.size() == 1);
  CHECK(q.sort[0].member.empty());
  CHECK(q.sort[0].expr != nullptr);
  CHECK(q.aggs.size() == 2);  // sum(bytes) hidden; count is n
  std::vector<std::string> names;
  for (const SortMember& m : q.sort_members) names.push_back(m.name);
  CHECK(names == std::vector<std::string>{"sum(bytes)", "count", "host"});
}

TEST_CASE(
    "sort: anything else in an aggregate job is an error that lists the "
    "columns") {
  CHECK(errorOf(aggregateJob("host", "count as n", "status")) ==
        "--sort 'status': not an output column, a --group-by key or an "
        "aggregate; the output "
        "columns are: host, n");
  CHECK(errorOf(aggregateJob("Host", "", "host")) ==
        "--sort 'host': not an output column, a --group-by key or an "
        "aggregate; the output "
        "columns are: Host, count (did you mean 'Host'?)");
  CHECK(errorOf(aggregateJob("host", "count as n", "n * bytes"))
            .find("'bytes' in 'n*bytes'") != std::string::npos);
  CHECK(errorOf(aggregateJob("host", "", "1"))
            .find("a constant does not order") != std::string::npos);
  CHECK(errorOf(aggregateJob("host", "", "quantile(x, 2)")) ==
        "error in --sort item 'quantile(x,2)' at column 12: q must be between "
        "0 and 1 (got 2)");
}

TEST_CASE("sort: record jobs read an output column or the record") {
  Query q = compiled(selectJob("host, lat as l", "l desc, lat, \"host\""));
  REQUIRE(q.sort.size() == 3);
  CHECK(q.sort[0].select_column == 1);
  CHECK(q.sort[1].select_column == -1);
  CHECK(q.sort[1].expr != nullptr);
  CHECK(q.sort[2].select_column == 0);
  Query w = compiled(selectJob("", "count desc"));  // a field named count
  CHECK(w.sort[0].expr != nullptr);
  CHECK(errorOf(selectJob("host", "sum(bytes)")) ==
        "--sort 'sum(bytes)': sum(bytes) is an aggregate, and aggregates need "
        "--group-by or "
        "--agg; the output columns are: host");
  CHECK(errorOf(selectJob("", "'x'")) ==
        "--sort ''x'': a constant does not order the rows; the rows are whole "
        "records");
}

TEST_CASE(
    "two output columns of one name are a usage error naming both items") {
  CHECK(errorOf(
            aggregateJob("", "sum(bytes) as total, avg(bytes) as total", "")) ==
        "two output columns are named 'total': --agg 'sum(bytes) as total' and "
        "--agg "
        "'avg(bytes) as total'; rename one with 'as NAME'");
  CHECK(errorOf(selectJob("host, host", "")) ==
        "two output columns are named 'host': --select 'host' and --select "
        "'host'; rename one "
        "with 'as NAME'");
  CHECK(errorOf(aggregateJob("host", "count as host", "")) ==
        "two output columns are named 'host': --group-by 'host' and --agg "
        "'count as host'; "
        "rename one with 'as NAME'");
  compiled(
      aggregateJob("host", "count as Host", ""));  // names are case-sensitive
}

TEST_CASE(
    "aggregate rows carry a sort prefix; hidden aggregates are not printed") {
  GroupTable t({{AggFunc::kCount}, {AggFunc::kSum}}, 1);
  Value key = Value::string("a");
  Value args[2] = {Value::null(), Value::integer(5)};
  t.add(&key, args, 0);
  std::vector<std::string> rows;
  t.renderRows({"host"}, {"n"}, rows,
               {{"sum(b)", false, 1}, {"host", true, 0}});
  REQUIRE(rows.size() == 1);
  CHECK(rows[0] == std::string("{\"sum(b)\":5,\"host\":\"a\"}") +
                       kSortPrefixEnd + "{\"host\":\"a\",\"n\":1}");
}

TEST_CASE("sortRows orders by the prefix, stably, and strips it") {
  Query q = compiled(aggregateJob("host", "count as n", "n desc"));
  const char e = kSortPrefixEnd;
  std::vector<std::string> rows = {std::string("{\"n\":1}") + e + "a",
                                   std::string("{\"n\":3}") + e + "b",
                                   std::string("{\"n\":1}") + e + "c"};
  CHECK(sortRows(rows, q.sort).empty());
  CHECK(rows == std::vector<std::string>{"b", "a", "c"});
  Query r = compiled(selectJob("", "missing"));
  std::vector<std::string> recs = {std::string("[null]") + e + "{\"x\":2}",
                                   std::string("[null]") + e + "{\"x\":1}"};
  CHECK(sortRows(recs, r.sort) == std::vector<std::string>{"missing"});
  CHECK(recs == std::vector<std::string>{"{\"x\":2}", "{\"x\":1}"});
}

TEST_CASE(
    "words joined by '-' are an error that suggests a key or a subtraction") {
  auto message = [](const std::string& text) {
    Result<std::unique_ptr<Expr>> r = parseExpr(text, "--select");
    REQUIRE_FALSE(r.ok());
    return r.status().message();
  };
  CHECK(
      message("extra-field") ==
      "error in --select at column 1: 'extra-field' reads as extra - field; "
      "write "
      ".[\"extra-field\"] for a key with a '-' (or extra - field to subtract)");
  CHECK(message("len(a.user-agent-x)") ==
        "error in --select at column 7: 'user-agent-x' reads as user - agent - "
        "x; write "
        "a[\"user-agent-x\"] for a key with a '-' (or user - agent - x to "
        "subtract)");
  CHECK(message(".a.b-c").find("write .a[\"b-c\"]") != std::string::npos);
  for (const char* ok : {"a - b", "a -b", "a- b", "a-1", "-a", "a--b", "1-a",
                         ".[\"a-b\"]", "\"a-b\"", "a[0]-b", "1e-5"}) {
    INFO(ok);
    CHECK(parseExpr(ok, "--select").ok());
  }
}

}  // namespace
}  // namespace clusterproc
