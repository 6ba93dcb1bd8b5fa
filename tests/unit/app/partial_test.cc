#include "partial.h"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "group_table.h"
#include "partial_format.h"
#include "query.h"
#include "summary.h"

namespace clusterproc {
namespace {

const char* const kEveryAgg =
    "count, count(x), sum(x), min(x), max(x), avg(x), stddev(x), var(x), "
    "count_distinct(x), "
    "approx_distinct(x), quantile(x, 0.9), median(x), quantile_exact(x, 0.25), "
    "top(x, 3), "
    "first(x), last(x)";

Job aggregateJob() {
  Job job;
  job.kind = JobKind::kAggregate;
  job.group_by = "k";
  job.agg = kEveryAgg;
  job.sort = "count desc";
  job.limit = 5;
  return job;
}

Job countJob() {
  Job job;
  job.kind = JobKind::kCount;
  job.where = {"x > 2", "k != 'b'"};
  return job;
}

/// A sample partial; state bytes are whatever the test gives.
Partial sample(const Job& job, std::string state) {
  Partial p;
  p.job = jobWords(job);
  p.totals.records = 10;
  p.totals.matched = 7;
  p.totals.bad_records = 2;
  p.totals.bytes = 1234;
  p.totals.lines = 13;
  p.order_span = 3ull << 32;
  p.state = std::move(state);
  p.extensions = {{"inputs", std::string("a.jsonl\0b.jsonl", 15)},
                  {"shard", "1/4"}};
  return p;
}

void requireSame(const Partial& a, const Partial& b) {
  CHECK(a.job == b.job);
  CHECK(a.totals.records == b.totals.records);
  CHECK(a.totals.matched == b.totals.matched);
  CHECK(a.totals.bad_records == b.totals.bad_records);
  CHECK(a.totals.bytes == b.totals.bytes);
  CHECK(a.totals.lines == b.totals.lines);
  CHECK(a.order_span == b.order_span);
  CHECK(a.state == b.state);
  CHECK(a.extensions == b.extensions);
}

/// Rows i in [from, to) of a table of the aggregate job: key k cycles
/// through 4 groups (1 and 1.0 spell one key), x varies; order i.
void addRows(GroupTable& t, int from, int to, uint64_t order_base) {
  for (int i = from; i < to; ++i) {
    Value key = i % 4 == 0   ? Value::integer(1)
                : i % 4 == 1 ? Value::number(1.0)
                : i % 4 == 2 ? Value::string("b")
                             : Value::null();
    const Value x = i % 7 == 0 ? Value::null() : Value::number(i * 0.5 - 3);
    std::vector<Value> args(16, x);
    t.add(&key, args.data(), order_base + static_cast<uint64_t>(i));
  }
}

std::string render(const JobState& s, const RunTotals& t) {
  std::vector<std::string> rows;
  s.render(rows, t);
  std::string out;
  for (const std::string& r : rows) out += r + "\n";
  return out;
}

std::string merged(const NamedPartials& in, std::string* error = nullptr) {
  Result<MergedPartials> m = mergePartials(Job{}, in);
  if (!m.ok()) {
    if (error) *error = m.status().message();
    return "";
  }
  return render(*m.value().state, m.value().partial.totals);
}

std::string encodedTable(int from, int to, uint64_t span) {
  Result<Query> q = compileQuery(aggregateJob());
  REQUIRE(q.ok());
  GroupTable t(q.value().agg_specs, 1);
  addRows(t, from, to, 0);
  Partial p = sample(aggregateJob(), t.serialize());
  p.order_span = span;
  return encodePartial(p);
}

TEST_CASE("partial: round trip of every job kind", "[partial]") {
  std::vector<Job> jobs{Job{}, countJob(), aggregateJob()};
  Job max_record = countJob();
  max_record.max_record = 4096;
  jobs.push_back(max_record);
  for (const Job& job : jobs) {
    Partial p = sample(job, std::string("state\0bytes", 11));
    Result<std::vector<Partial>> back =
        decodePartials(encodePartial(p), "x.part");
    REQUIRE(back.ok());
    REQUIRE(back.value().size() == 1);
    requireSame(back.value()[0], p);
  }
  CHECK(jobWords(Job{}).empty());
  CHECK(jobWords(max_record).back() == "4096");
}

TEST_CASE("partial: the job's words and text", "[partial]") {
  CHECK(jobText(jobWords(countJob())) ==
        "--count --where 'x > 2' --where 'k != '\\''b'\\'''");
  CHECK(jobText({}) == "the summary (no job option)");
  CHECK(jobFingerprint(jobWords(countJob())) !=
        jobFingerprint(jobWords(aggregateJob())));
  // Word boundaries count: ["ab", "c"] is not ["a", "bc"].
  CHECK(jobFingerprint({"ab", "c"}) != jobFingerprint({"a", "bc"}));
}

TEST_CASE("partial: several partials one after another", "[partial]") {
  Partial a = sample(countJob(), "A");
  Partial b = sample(countJob(), "BB");
  b.totals.records = 99;
  Result<std::vector<Partial>> back =
      decodePartials(encodePartial(a) + encodePartial(b), "two.part");
  REQUIRE(back.ok());
  REQUIRE(back.value().size() == 2);
  requireSame(back.value()[0], a);
  requireSame(back.value()[1], b);
}

TEST_CASE("partial: every aggregate merges as one table would", "[partial]") {
  Result<Query> q = compileQuery(aggregateJob());
  REQUIRE(q.ok());
  REQUIRE(q.value().agg_specs.size() == 16);
  // One run over rows [0, 300); the same rows cut in three runs whose
  // positions restart at 0 (span: 300 positions each).
  GroupTable whole(q.value().agg_specs, 1);
  addRows(whole, 0, 100, 0);
  addRows(whole, 100, 200, 300 - 100);
  addRows(whole, 200, 300, 600 - 200);
  std::vector<std::string> rows;
  whole.renderRows(
      {"k"},
      {"count", "count(x)", "sum(x)", "min(x)", "max(x)", "avg(x)", "stddev(x)",
       "var(x)", "count_distinct(x)", "approx_distinct(x)", "quantile(x,0.9)",
       "median(x)", "quantile_exact(x,0.25)", "top(x,3)", "first(x)",
       "last(x)"},
      rows, q.value().sort_members);  // rows keep their --sort prefix here
  std::string want;
  for (const std::string& r : rows) want += r + "\n";

  GroupTable t1(q.value().agg_specs, 1), t2(q.value().agg_specs, 1),
      t3(q.value().agg_specs, 1);
  addRows(t1, 0, 100, 0);
  addRows(t2, 100, 200, uint64_t(0) - 100);  // positions 0..99 in their own run
  addRows(t3, 200, 300, uint64_t(0) - 200);
  auto enc = [](const GroupTable& t) {
    Partial p = sample(aggregateJob(), t.serialize());
    p.order_span = 300;
    return encodePartial(p);
  };
  CHECK(merged({{"1", enc(t1)}, {"2", enc(t2)}, {"3", enc(t3)}}) == want);
  CHECK(merged({{"1+2+3", enc(t1) + enc(t2) + enc(t3)}}) == want);
  // Roll-up: (1 + 2) as one partial, then + 3.
  Result<MergedPartials> m12 =
      mergePartials(Job{}, {{"1", enc(t1)}, {"2", enc(t2)}});
  REQUIRE(m12.ok());
  m12.value().partial.state = m12.value().state->serialize();
  CHECK(m12.value().partial.order_span == 600);
  CHECK(merged({{"12", encodePartial(m12.value().partial)}, {"3", enc(t3)}}) ==
        want);
  // Another order is another input order: first/last follow it.
  CHECK(merged({{"3", enc(t3)}, {"1", enc(t1)}, {"2", enc(t2)}}) != want);
}

TEST_CASE("partial: summary and count merge their totals", "[partial]") {
  simdjson::dom::parser parser;
  SummaryState a, b, whole;
  const char* const lines[] = {R"({"a":1,"b":"x"})", R"({"a":2.5})",
                               R"({"b":null,"c":[1]})"};
  for (int i = 0; i < 3; ++i) {
    simdjson::dom::element e;
    REQUIRE(parser.parse(lines[i], std::strlen(lines[i])).get(e) ==
            simdjson::SUCCESS);
    (i < 2 ? a : b).add(e);
    whole.add(e);
  }
  Partial pa = sample(Job{}, a.serialize());
  Partial pb = sample(Job{}, b.serialize());
  std::string want;
  whole.render(want, 20, 4, 2468);
  CHECK(merged({{"a", encodePartial(pa)}, {"b", encodePartial(pb)}}) ==
        want + "\n");
  CHECK(merged({{"c", encodePartial(sample(countJob(), "")) +
                          encodePartial(sample(countJob(), ""))}}) ==
        "{\"count\":14}\n");
}

TEST_CASE("partial: truncation at every byte is refused", "[partial]") {
  const std::string one = encodedTable(0, 40, 1ull << 32);
  for (size_t n = 0; n < one.size(); ++n) {
    Result<std::vector<Partial>> r =
        decodePartials(std::string_view(one).substr(0, n), "t.part");
    REQUIRE_FALSE(r.ok());
    INFO(r.status().message());
    CHECK(r.status().code() == ExitCode::kInput);
    CHECK(r.status().message().rfind("t.part: ", 0) == 0);
    bool says = r.status().message().find(n == 0 ? "empty" : "truncated") !=
                std::string::npos;
    CHECK(says);
  }
  // The second partial of a stream, cut: the message says which.
  const std::string two = one + one.substr(0, one.size() - 1);
  Result<std::vector<Partial>> r = decodePartials(two, "s");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() ==
        "s: partial 2 (at byte " + std::to_string(one.size()) +
            "): truncated partial: " + std::to_string(one.size() - 1) +
            " bytes of " + std::to_string(one.size()));
}

TEST_CASE("partial: a changed byte anywhere is refused", "[partial]") {
  const std::string good = encodedTable(0, 40, 1ull << 32);
  REQUIRE(decodePartials(good, "f").ok());
  for (size_t i = 0; i < good.size(); ++i) {
    for (unsigned char mask : {0x01, 0x80, 0xff}) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      Result<std::vector<Partial>> r = decodePartials(bad, "f");
      INFO("byte " << i << " mask " << int(mask));
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().message().rfind("f: ", 0) == 0);
    }
  }
}

TEST_CASE("partial: wrong magic, version and flags", "[partial]") {
  const std::string good = encodePartial(sample(countJob(), ""));
  std::string magic = good;
  magic[1] = 'X';
  CHECK(decodePartials(magic, "m").status().message() ==
        "m: not a clusterproc partial (wrong magic bytes)");
  CHECK(decodePartials("{\"count\":3}\n", "j").status().message() ==
        "j: not a clusterproc partial (wrong magic bytes)");
  std::string version = good;
  version[8] = 3;
  CHECK(decodePartials(version, "v").status().message() ==
        "v: partial format version 3 not supported (this build reads versions "
        "up to 2)");
  std::string trailing = good + "x";
  CHECK(decodePartials(trailing, "t").status().message() ==
        "t: partial 2 (at byte " + std::to_string(good.size()) +
            "): not a clusterproc partial (wrong magic bytes)");
}

TEST_CASE("partial: partials of different jobs are refused", "[partial]") {
  std::string error;
  std::string a = encodePartial(sample(aggregateJob(), ""));
  std::string c = encodePartial(sample(countJob(), ""));
  CHECK(merged({{"a.part", a}, {"c.part", c}}, &error).empty());
  CHECK(error == "partials of different jobs: a.part is `--group-by k --agg '" +
                     std::string(kEveryAgg) +
                     "' --sort 'count desc' --limit 5`, c.part is "
                     "`--count --where 'x > 2' --where 'k != '\\''b'\\'''`");
  Result<MergedPartials> m = mergePartials(
      Job{}, {{"s", encodePartial(sample(Job{}, ""))}, {"c.part", c}});
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().code() == ExitCode::kInput);
  CHECK(m.status().message().find(
            "s is `the summary (no job option)`, c.part is `--count") !=
        std::string::npos);
}

TEST_CASE("partial: a state that does not fit its job is refused",
          "[partial]") {
  Result<MergedPartials> m = mergePartials(
      Job{}, {{"g.part", encodePartial(sample(aggregateJob(), "junk"))}});
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().message().rfind("g.part: malformed partial state", 0) == 0);
  Job select;
  select.kind = JobKind::kSelect;
  select.select = "a";
  Result<MergedPartials> s =
      mergePartials(Job{}, {{"s.part", encodePartial(sample(select, ""))}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().message().rfind("s.part: corrupt partial: --partial applies",
                                   0) == 0);
  CHECK(checkPartialJob(select).code() == ExitCode::kUsage);
}

}  // namespace
}  // namespace clusterproc
