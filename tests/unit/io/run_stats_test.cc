#include "run_stats.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "test_util.h"

namespace clusterproc {
namespace {

RunStats sample() {
  RunStats s;
  s.started_at = "2024-03-01T00:00:00Z";
  s.seconds = 2.5;
  s.records_in = 2000;
  s.records_out = 12;
  s.bad_records = 4;
  s.bytes = 5'000'000;
  s.workers = 8;
  s.retries = 1;
  s.inputs = {"a.jsonl", "-"};
  s.output = "out.json";
  return s;
}

TEST_CASE(
    "run_stats: the JSON object has every documented field with its type") {
  nlohmann::json j = nlohmann::json::parse(formatStatsJson(sample()));
  CHECK(j["version"] == kStatsSchemaVersion);
  CHECK(j["started_at"] == "2024-03-01T00:00:00Z");
  CHECK(j["seconds"].get<double>() == Approx(2.5));
  CHECK(j["exit_code"] == 0);
  CHECK(j["complete"] == true);
  CHECK(j["error"].is_null());
  CHECK(j["records_in"] == 2000);
  CHECK(j["records_out"] == 12);
  CHECK(j["bad_records"] == 4);
  CHECK(j["bytes"] == 5'000'000);
  CHECK(j["mb_per_s"].get<double>() == Approx(2.0));
  CHECK(j["workers"] == 8);
  CHECK(j["retries"] == 1);
  CHECK(j["inputs"] == nlohmann::json::array({"a.jsonl", "-"}));
  CHECK(j["output"] == "out.json");
  CHECK(j.size() == 15);
}

TEST_CASE("run_stats: a failed run carries its exit code and message") {
  RunStats s = sample();
  s.exit_code = 2;
  s.complete = false;
  s.error = "cannot open input: \xff.jsonl: No such file or directory";
  s.output.clear();
  std::string text = formatStatsJson(s);
  CHECK(text.back() == '\n');
  CHECK(text.find('\n') == text.size() - 1);       // one line
  nlohmann::json j = nlohmann::json::parse(text);  // invalid UTF-8 was replaced
  CHECK(j["exit_code"] == 2);
  CHECK(j["complete"] == false);
  CHECK(j["error"].get<std::string>().find("No such file") !=
        std::string::npos);
  CHECK(j["output"].is_null());
}

TEST_CASE(
    "run_stats: the text summary lists the figures, the exit code only on "
    "failure") {
  std::string text = formatStatsText(sample());
  CHECK(text.find("records in    2000\n") != std::string::npos);
  CHECK(text.find("records out   12\n") != std::string::npos);
  CHECK(text.find("bad records   4\n") != std::string::npos);
  CHECK(text.find("bytes         5000000 (5.00 MB)\n") != std::string::npos);
  CHECK(text.find("MB/s          2.0\n") != std::string::npos);
  CHECK(text.find("exit code") == std::string::npos);
  RunStats s = sample();
  s.exit_code = 4;
  s.error = "worker 0 died";
  CHECK(formatStatsText(s).find("exit code     4: worker 0 died\n") !=
        std::string::npos);
}

TEST_CASE("run_stats: the recorder writes the JSON file atomically at finish") {
  testing::TempDir dir;
  Job job;
  job.workers = 3;
  job.kind = JobKind::kExec;
  job.inputs = {"in.jsonl"};
  job.stats_json_path = dir.file("run.json");
  Result<RunStatsRecorder> r = RunStatsRecorder::start(job);
  REQUIRE(r.ok());
  CHECK(dir.entries().size() == 1);  // the temporary file only
  CHECK(dir.entries()[0] != "run.json");
  RunTotals t;
  t.records = 10;
  t.matched = 7;
  t.bad_records = 2;
  r.value().setTotals(t, 0, 1234, 0);
  REQUIRE(r.value().finish(3, "").ok());
  CHECK(dir.entries() == std::vector<std::string>{"run.json"});
  nlohmann::json j =
      nlohmann::json::parse(testing::readFile(dir.file("run.json")));
  CHECK(j["records_out"] == 7);  // --exec: the records piped to the command
  CHECK(j["exit_code"] == 3);
  CHECK(j["complete"] == true);  // bad records skipped, the rest is complete
  CHECK(j["error"] == "2 bad records");
  CHECK(j["workers"] == 3);
  CHECK(j["bytes"] == 1234);
}

TEST_CASE("run_stats: a run stopped with exit 3 is not complete") {
  testing::TempDir dir;
  Job job;
  job.stats_json_path = dir.file("run.json");
  Result<RunStatsRecorder> r = RunStatsRecorder::start(job);
  REQUIRE(r.ok());
  REQUIRE(
      r.value().finish(3, "stopped after 1 bad records (--max-errors 0)").ok());
  CHECK_FALSE(r.value().stats().complete);
  nlohmann::json j =
      nlohmann::json::parse(testing::readFile(dir.file("run.json")));
  CHECK(j["complete"] == false);
}

TEST_CASE("run_stats: an unwritable --stats-json folder fails before the run") {
  Job job;
  job.stats_json_path = "/nonexistent-folder/run.json";
  Result<RunStatsRecorder> r = RunStatsRecorder::start(job);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ExitCode::kInput);
}

TEST_CASE("run_stats: a recorder that never finishes leaves no file") {
  testing::TempDir dir;
  Job job;
  job.stats_json_path = dir.file("run.json");
  {
    Result<RunStatsRecorder> r = RunStatsRecorder::start(job);
    REQUIRE(r.ok());
  }
  CHECK(dir.entries().empty());
}

}  // namespace
}  // namespace clusterproc
