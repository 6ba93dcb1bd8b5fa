#include "run_stats.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "bad_records.h"
#include "console.h"
#include "json_write.h"
#include "progress.h"
#include "sys.h"

namespace clusterproc {

namespace {

std::string utcNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

double megabytesPerSecond(const RunStats& s) {
  return s.seconds > 0 ? static_cast<double>(s.bytes) / 1e6 / s.seconds : 0;
}

/// v with `decimals` digits after the point, as a JSON number.
std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void line(std::string& out, const char* label, const std::string& value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "  %-13s ", label);
  out += buf;
  out += value;
  out += '\n';
}

}  // namespace

std::string formatStatsText(const RunStats& s) {
  std::string out = "clusterproc: run statistics\n";
  line(out, "records in", std::to_string(s.records_in));
  line(out, "records out", std::to_string(s.records_out));
  line(out, "bad records", std::to_string(s.bad_records));
  line(out, "bytes",
       std::to_string(s.bytes) + " (" +
           humanBytes(static_cast<double>(s.bytes)) + ")");
  line(out, "seconds", fixed(s.seconds, 3));
  line(out, "MB/s", fixed(megabytesPerSecond(s), 1));
  line(out, "workers", std::to_string(s.workers));
  line(out, "retries", std::to_string(s.retries));
  if (s.exit_code != 0)
    line(out, "exit code", std::to_string(s.exit_code) + ": " + s.error);
  return out;
}

std::string formatStatsJson(const RunStats& s) {
  std::string out = "{\"version\":";
  appendJsonInt(out, kStatsSchemaVersion);
  out += ",\"started_at\":";
  appendJsonString(out, s.started_at);
  out += ",\"seconds\":" + fixed(s.seconds, 3);
  out += ",\"exit_code\":";
  appendJsonInt(out, s.exit_code);
  out += s.complete ? ",\"complete\":true" : ",\"complete\":false";
  out += ",\"error\":";
  if (s.exit_code == 0) {
    out += "null";
  } else {
    appendJsonStringLossy(out, s.error);
  }
  out += ",\"records_in\":";
  appendJsonUint(out, s.records_in);
  out += ",\"records_out\":";
  appendJsonUint(out, s.records_out);
  out += ",\"bad_records\":";
  appendJsonUint(out, s.bad_records);
  out += ",\"bytes\":";
  appendJsonUint(out, s.bytes);
  out += ",\"mb_per_s\":" + fixed(megabytesPerSecond(s), 3);
  out += ",\"workers\":";
  appendJsonUint(out, s.workers);
  out += ",\"retries\":";
  appendJsonUint(out, s.retries);
  out += ",\"inputs\":[";
  for (size_t i = 0; i < s.inputs.size(); ++i) {
    if (i > 0) out += ',';
    appendJsonStringLossy(out, s.inputs[i]);
  }
  out += "],\"output\":";
  if (s.output.empty() || s.output == "-") {
    out += "null";
  } else {
    appendJsonStringLossy(out, s.output);
  }
  out += "}\n";
  return out;
}

RunStatsRecorder::RunStatsRecorder(const Job& job,
                                   std::optional<OutputFile> json)
    : job_(&job),
      json_(std::move(json)),
      start_(std::chrono::steady_clock::now()) {
  stats_.started_at = utcNow();
  stats_.workers = job.workers;
  stats_.inputs = job.inputs;
  stats_.output = job.output_path;
}

Result<RunStatsRecorder> RunStatsRecorder::start(const Job& job) {
  std::optional<OutputFile> json;
  if (!job.stats_json_path.empty()) {
    Result<OutputFile> f = OutputFile::open(job.stats_json_path);
    if (!f.ok()) return f.status();
    json.emplace(std::move(f.value()));
  }
  return RunStatsRecorder(job, std::move(json));
}

void RunStatsRecorder::setTotals(const RunTotals& totals, uint64_t rows,
                                 uint64_t bytes, unsigned retries) {
  stats_.records_in = totals.records;
  // --exec writes the commands' bytes, not rows: count what went into them.
  stats_.records_out = job_->kind == JobKind::kExec ? totals.matched : rows;
  stats_.bad_records = totals.bad_records;
  stats_.bytes = bytes;
  stats_.retries = retries;
}

Status RunStatsRecorder::finish(int exit_code, const std::string& error) {
  stats_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
          .count();
  stats_.exit_code = exit_code;
  stats_.error = exit_code == 0 ? std::string() : error;
  stats_.complete =
      exit_code == 0 ||
      (exit_code == static_cast<int>(ExitCode::kBadRecords) && error.empty());
  if (exit_code != 0 && stats_.error.empty()) {
    // Exit 3 after a complete run prints no error of its own.
    stats_.error = std::to_string(stats_.bad_records) + " bad records";
  }
  if (job_->stats) {
    console().print(formatStatsText(stats_));
  }
  if (!json_) return Status();
  Status s = json_->write(formatStatsJson(stats_));
  if (s.ok()) s = json_->commit();
  json_.reset();
  return s;
}

}  // namespace clusterproc
