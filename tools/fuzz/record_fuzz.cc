// libFuzzer target: the record path of a worker.
//
// Every non-blank line of the input (split with LineCursor, as RecordScanner
// does) is parsed with simdjson's DOM parser from a buffer that has exactly
// the required padding (so ASan sees any read beyond it). Checks:
//   * diagnoseJson agrees with simdjson plus JsonParser (numbers of any size,
//     big_number.h) on validity, and its column lies within the line + 1.
//   * For a valid record: a few fixed compiled expressions (src/query/expr.h)
//   are
//     evaluated; test() agrees with truthy(eval()); every value is equal to
//     itself, hashes alike as itself, and its JSON text (appendValueJson) is
//     valid JSON; the record goes into a SummaryState and a few aggregate
//     columns (sum, min, quantile, count_distinct, top, avg).
//   * RecordScanner over the whole input as one chunk (ending at the end of
//     readable memory), with its parse_many region streams and with the
//     per-line parser only, gives the same report: lines, records, bad
//     records (line, offset, reason, raw text) and the output of --select .
//     (so the same parsed values), also with a --max-record limit.
//   * At the end of the input: the summary survives serialize/deserialize
//     with an identical rendering, merging it into an empty state changes
//     nothing, and the aggregate columns survive write/read.

#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aggregate.h"
#include "big_number.h"
#include "channel.h"
#include "chunker.h"
#include "expr.h"
#include "fuzz_check.h"
#include "job_state.h"
#include "json_diagnose.h"
#include "query.h"
#include "record_scanner.h"
#include "summary.h"
#include "value.h"

using namespace clusterproc;

namespace {

// Expressions that touch paths, indexes, arithmetic, comparison of whole
// values, regular expressions, string functions and conversions.
const char* const kExprs[] = {
    ".",
    ".a.b == 1 or len(.s) > 3",
    ".a[0] + .a[-1] * 2 - -.n / 3 % 7",
    "lower(.s) =~ \"^[a-z]+.*[0-9]$\" and not starts_with(upper(.s), \"X\")",
    "coalesce(.missing, .[\"k y\"], .a, \"d\")",
    "substr(str(.), -5, 3)",
    "split(str(.s), \",\")[1]",
    "int(.n) + float(.s) + round(.f) + floor(.f) + ceil(.f) + abs(.n)",
    "epoch(.ts)",
    ". == . and .a in [1, \"x\", null, [1]] or contains(.a, 2)",
    "exists(.a.b) and is_null(.z) or type(.) == \"object\"",
    "(.a)[len(.a) - 1]",
    "ends_with(str(.n), \"0\") != (. < [1, \"a\"])",
};

// Aggregates fed with the value of kExprs[kAggArg].
const AggSpec kAggs[] = {
    {AggFunc::kSum, 0},           {AggFunc::kMin, 0},
    {AggFunc::kAvg, 0},           {AggFunc::kStddev, 0},
    {AggFunc::kQuantile, 0.9},    {AggFunc::kQuantileExact, 0.5},
    {AggFunc::kCountDistinct, 0}, {AggFunc::kApproxDistinct, 0},
    {AggFunc::kTop, 3},           {AggFunc::kFirst, 0},
};

struct Compiled {
  std::vector<std::unique_ptr<Expr>> exprs;
  Compiled() {
    for (const char* text : kExprs) {
      Result<std::unique_ptr<Expr>> r = parseExpr(text, "--select");
      if (!r.ok()) {
        std::fprintf(stderr, "fixed expression %s: %s\n", text,
                     r.status().message().c_str());
        std::abort();
      }
      exprs.push_back(std::move(r.value()));
    }
  }
};

void checkValue(const Value& v, JsonParser& checker) {
  CHECK(compareValues(v, v) == 0);
  CHECK(hashValue(v) == hashValue(v));
  OwnedValue owned(v);
  CHECK(compareValues(owned.v, v) == 0);
  CHECK(hashValue(owned.v) == hashValue(v));
  std::string json;
  appendValueJson(json, v);
  simdjson::dom::element e;
  if (checker.parse(json, e) != simdjson::SUCCESS) {
    std::fprintf(stderr, "appendValueJson gave invalid JSON: %s\n",
                 json.c_str());
    std::abort();
  }
}

}  // namespace

/// A --select . job whose reports carry every valid record re-serialised.
struct SelectAll {
  SelectAll() {
    job.kind = JobKind::kSelect;
    job.select = ".";
    Result<Query> q = compileQuery(job);
    CHECK(q.ok());
    query = std::move(q.value());
  }
  Job job;
  Query query;
};

/// Scans the first size bytes of buf (all of it readable) as one chunk.
ChunkReport scanChunk(const SelectAll& select, const std::vector<char>& buf,
                      size_t size, uint64_t max_record, bool streaming) {
  std::unique_ptr<JobState> state = makeJobState(select.job, select.query);
  RecordScanner scanner(*state, select.query.where, max_record, true);
  scanner.setStreaming(streaming);
  ChunkReport report;
  scanner.scan(buf.data(), size, buf.size(), 0, 0, report);
  return report;
}

/// The region streams of RecordScanner agree with its per-line path. The
/// input ends at the end of readable memory, so its last region always
/// takes the per-line path: a second copy with padding lets every region
/// stream.
void checkScanPaths(const std::vector<char>& data) {
  static SelectAll select;
  const std::vector<char> padded = [&] {
    std::vector<char> p = data;
    p.resize(data.size() + simdjson::SIMDJSON_PADDING, ' ');
    return p;
  }();
  for (uint64_t max_record : {uint64_t{1} << 20, uint64_t{40}}) {
    ChunkReport lines = scanChunk(select, data, data.size(), max_record, false);
    for (const std::vector<char>* buf : {&data, &padded}) {
      ChunkReport stream =
          scanChunk(select, *buf, data.size(), max_record, true);
      CHECK(stream.lines == lines.lines);
      CHECK(stream.records == lines.records);
      CHECK(stream.output == lines.output);
      CHECK(stream.row_lines == lines.row_lines);
      CHECK(stream.bad.size() == lines.bad.size());
      for (size_t i = 0; i < stream.bad.size(); ++i) {
        CHECK(stream.bad[i].line == lines.bad[i].line);
        CHECK(stream.bad[i].offset == lines.bad[i].offset);
        CHECK(stream.bad[i].reason == lines.bad[i].reason);
        CHECK(stream.bad[i].raw == lines.bad[i].raw);
      }
    }
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  static Compiled compiled;
  static JsonParser parser;
  static JsonParser checker;
  static EvalArena arena;

  SummaryState summary;
  std::vector<std::unique_ptr<AggColumn>> aggs;
  for (const AggSpec& spec : kAggs) {
    aggs.push_back(makeAggColumn(spec));
    aggs.back()->addGroup();
  }
  uint64_t records = 0;
  uint64_t bad = 0;
  // A copy with no slack, so reads past the end are caught.
  std::vector<char> data(reinterpret_cast<const char*>(bytes),
                         reinterpret_cast<const char*>(bytes) + size);
  checkScanPaths(data);
  LineCursor cursor(data.data(), data.size());
  Line line;
  while (cursor.next(line)) {
    if (line.blank) continue;
    const size_t n = line.text.size();
    // Exactly the padding simdjson requires, like a ring slot's tail.
    std::unique_ptr<char[]> buf(new char[n + simdjson::SIMDJSON_PADDING]);
    std::memcpy(buf.get(), line.text.data(), n);
    std::memset(buf.get() + n, ' ', simdjson::SIMDJSON_PADDING);
    simdjson::dom::element root;
    // JsonParser: numbers of any size are valid (big_number.h).
    simdjson::error_code err = parser.parse(buf.get(), n, false, root);
    JsonProblem problem = diagnoseJson(line.text);
    if (err != simdjson::SUCCESS) {
      ++bad;
      if (!problem.found) {
        std::fprintf(stderr, "simdjson rejects (%s) but diagnoseJson accepts\n",
                     simdjson::error_message(err));
        std::abort();
      }
      CHECK(problem.column >= 1 && problem.column <= n + 1);
      CHECK(!problem.what.empty());
      CHECK(!describeJsonProblem(problem).empty());
      continue;
    }
    if (problem.found) {
      std::fprintf(stderr, "simdjson accepts but diagnoseJson says: %s\n",
                   describeJsonProblem(problem).c_str());
      std::abort();
    }
    ++records;
    for (size_t i = 0; i < compiled.exprs.size(); ++i) {
      arena.clear();
      const Expr& e = *compiled.exprs[i];
      Value v = e.eval(root, arena);
      checkValue(v, checker);
      CHECK(e.test(root, arena) == truthy(v));
      if (i == 2 || i == 5) {
        for (auto& col : aggs) col->add(0, v, records);
      }
    }
    summary.add(root);
  }
  // The summary and the aggregates round-trip through their wire formats.
  std::string before;
  summary.render(before, records, bad, size);
  std::string wire = summary.serialize();
  Result<SummaryState> back = SummaryState::deserialize(wire);
  CHECK(back.ok());
  std::string after;
  back.value().render(after, records, bad, size);
  CHECK(before == after);
  SummaryState merged;
  merged.merge(summary);
  std::string merged_text;
  merged.render(merged_text, records, bad, size);
  CHECK(before == merged_text);
  simdjson::dom::element e;
  CHECK(checker.parse(before, e) == simdjson::SUCCESS);
  for (size_t i = 0; i < aggs.size(); ++i) {
    ByteWriter w;
    aggs[i]->write(0, w);
    std::unique_ptr<AggColumn> copy = makeAggColumn(kAggs[i]);
    copy->addGroup();
    ByteReader r(w.str());
    CHECK(copy->read(0, r));
    CHECK(r.atEnd());
    std::string a, b;
    aggs[i]->render(0, a);
    copy->render(0, b);
    CHECK(a == b);
    CHECK(checker.parse(a, e) == simdjson::SUCCESS);
  }
  return 0;
}
