// --select '*', --exclude and --explode through the worker's path: the
// compiled query, the record scanner and the streaming job states.

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "job.h"
#include "query.h"
#include "record_scanner.h"

namespace clusterproc {
namespace {

struct Run {
  std::string output;
  std::vector<std::string> bad;  ///< "line: reason"
  uint64_t records = 0;
  uint64_t matched = 0;
};

/// Runs job over text (one chunk) as a worker would.
Run run(Job job, const std::string& text) {
  if (job.kind == JobKind::kSummary)
    job.kind = job.select.empty() ? JobKind::kWhere : JobKind::kSelect;
  Result<Query> q = compileQuery(job);
  REQUIRE(q.ok());
  const Query& query = q.value();
  std::unique_ptr<JobState> state = makeJobState(job, query);
  RecordScanner scanner(*state, query.where, 1 << 20, false);
  Exploder exploder(query.explode);
  if (!query.explode.empty()) scanner.setExploder(&exploder);
  if (query.star) scanner.requireObjects("not an object: ");
  std::string buf = text + std::string(simdjson::SIMDJSON_PADDING, ' ');
  ChunkReport report;
  scanner.scan(buf.data(), text.size(), buf.size(), 0, 0, report);
  Run r;
  r.output = report.output;
  for (const BadRecord& b : report.bad)
    r.bad.push_back(std::to_string(b.line) + ": " + b.reason);
  r.records = report.records;
  r.matched = report.matched;
  return r;
}

Job select(const std::string& list, const std::string& exclude = "") {
  Job job;
  job.select = list;
  job.exclude = exclude;
  return job;
}

TEST_CASE("select star: the whole record, values as written") {
  Run r =
      run(select("*"),
          "{ \"a\" : 1.50, \"b\":[1, 2] ,\"c\":\"\\u00e9\", \"n\":-0.0E+2}\n");
  CHECK(r.output ==
        "{\"a\":1.50,\"b\":[1, 2],\"c\":\"\\u00e9\",\"n\":-0.0E+2}\n");
  CHECK(r.bad.empty());
}

TEST_CASE("select star: added columns follow the record's keys") {
  Run r = run(select("*, bytes / 1024 as kb"),
              "{\"bytes\":2048,\"h\":\"x\"}\n{\"h\":\"y\"}\n");
  CHECK(r.output ==
        "{\"bytes\":2048,\"h\":\"x\",\"kb\":2}\n{\"h\":\"y\",\"kb\":null}\n");
}

TEST_CASE("select star: a column named like a key takes the key's place") {
  Run r = run(select("*, bytes / 1024 as bytes"),
              "{\"a\":1,\"bytes\":2048,\"z\":0}\n{\"a\":2}\n");
  CHECK(r.output ==
        "{\"a\":1,\"bytes\":2,\"z\":0}\n{\"a\":2,\"bytes\":null}\n");
  // Before '*', the column keeps its own place and the key is not repeated.
  r = run(select("bytes / 1024 as bytes, *"), "{\"a\":1,\"bytes\":2048}\n");
  CHECK(r.output == "{\"bytes\":2,\"a\":1}\n");
  // Duplicate keys of that name are written once.
  r = run(select("*, 7 as a"), "{\"a\":1,\"b\":2,\"a\":3}\n");
  CHECK(r.output == "{\"a\":7,\"b\":2}\n");
}

TEST_CASE("select star: --exclude drops top-level keys") {
  Run r = run(select("*", "b, .[\"c d\"]"),
              "{\"a\":1,\"b\":2,\"c d\":3,\"e\":{\"b\":4}}\n");
  CHECK(r.output == "{\"a\":1,\"e\":{\"b\":4}}\n");
  r = run(select("*, 5 as b", "b"), "{\"a\":1,\"b\":2}\n");
  CHECK(r.output == "{\"a\":1,\"b\":5}\n");
  r = run(select("*", "a"), "{\"a\":1}\n");
  CHECK(r.output == "{}\n");
}

TEST_CASE("select star: records that are not objects are bad records") {
  Run r = run(select("*"), "{\"a\":1}\n[1,2]\n\"s\"\n{\"a\":2}\n");
  CHECK(r.output == "{\"a\":1}\n{\"a\":2}\n");
  CHECK(r.bad == std::vector<std::string>{"2: not an object: an array",
                                          "3: not an object: a string"});
  // ... only when they pass --where.
  Job job = select("*");
  job.where = {"a != 1"};
  r = run(job, "{\"a\":1}\n[1,2]\n");
  CHECK(r.output.empty());
  CHECK(r.bad == std::vector<std::string>{"2: not an object: an array"});
  job.where = {"is_null(a) == false"};
  r = run(job, "[1,2]\n");
  CHECK(r.bad.empty());
}

TEST_CASE("select star: usage errors") {
  auto error = [](const Job& job) {
    Result<Query> q = compileQuery(job);
    REQUIRE_FALSE(q.ok());
    CHECK(q.status().code() == ExitCode::kUsage);
    return q.status().message();
  };
  CHECK(error(select("*, *")) ==
        "error in --select at column 4: '*' given twice");
  CHECK(error(select("* as x")) ==
        "error in --select at column 3: expected ',' after '*' (the whole "
        "record)");
  CHECK(error(select("a", "b")).find("add '*' to --select") !=
        std::string::npos);
  CHECK(error(select("*", "a.b")) ==
        "--exclude takes top-level keys (host, .[\"user agent\"]), not 'a.b'");
  CHECK(error(select("*", "a as b")).find("not 'a as b'") != std::string::npos);
  Job g;
  g.kind = JobKind::kAggregate;
  g.group_by = "*";
  CHECK_FALSE(compileQuery(g).ok());
}

TEST_CASE("explode: --where sees the produced records, which are the rows") {
  Job job;
  job.explode = {"tags"};
  job.where = {"tags != \"b\""};
  Run r = run(job,
              "{\"id\":1,\"tags\":[\"a\",\"b\",\"c\"]}\n{\"id\":2,\"tags\":[]}"
              "\n{\"id\":3}\n");
  CHECK(r.output == "{\"id\":1,\"tags\":\"a\"}\n{\"id\":1,\"tags\":\"c\"}\n");
  CHECK(r.records == 3);
  CHECK(r.matched == 2);
}

TEST_CASE("explode: then select star") {
  Job job = select("*, items.sku as sku", "id");
  job.explode = {"items"};
  Run r = run(job, "{\"id\":1,\"items\":[{\"sku\":\"x\"},{\"sku\":\"y\"}]}\n");
  CHECK(r.output ==
        "{\"items\":{\"sku\":\"x\"},\"sku\":\"x\"}\n{\"items\":{\"sku\":\"y\"},"
        "\"sku\":\"y\"}\n");
}

TEST_CASE("explode: a line that is not an object is reported once") {
  Job job = select("*");
  job.explode = {"."};
  Run r = run(job, "[{\"a\":1},2,3,{\"a\":4}]\n");
  CHECK(r.output == "{\"a\":1}\n{\"a\":4}\n");
  CHECK(r.bad == std::vector<std::string>{"1: not an object: a number"});
}

}  // namespace
}  // namespace clusterproc
