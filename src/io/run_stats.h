#pragma once
// Run statistics: --stats prints them on stderr, --stats-json writes them as
// one JSON object (schema in docs/cron.md) for monitoring.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "job.h"
#include "job_state.h"
#include "output.h"
#include "status.h"

namespace clusterproc {

/// The figures of one run.
struct RunStats {
  std::string started_at;  ///< RFC 3339, UTC, whole seconds
  double seconds = 0;      ///< wall time of the run
  int exit_code = 0;
  std::string error;         ///< the message of a failed run, else ""
  bool complete = true;      ///< every input read and the result written
  uint64_t records_in = 0;   ///< valid records read
  uint64_t records_out = 0;  ///< rows written (--exec: records piped)
  uint64_t bad_records = 0;
  uint64_t bytes = 0;  ///< input bytes read (decompressed)
  unsigned workers = 0;
  unsigned retries = 0;  ///< chunks run again after a worker died
  std::vector<std::string> inputs;
  std::string output;  ///< -o FILE; "" is standard output
};

/// Version of the --stats-json object; bumped when a field changes meaning.
inline constexpr int kStatsSchemaVersion = 1;

/// The human summary for --stats (several lines, each ended by '\n').
std::string formatStatsText(const RunStats& stats);
/// The --stats-json object, one line ended by '\n'.
std::string formatStatsJson(const RunStats& stats);

/// Collects a run's statistics from its start and reports them at its end.
class RunStatsRecorder {
 public:
  /// Starts the clock. Opens the --stats-json file now (a temporary name in
  /// its folder) so that a path that cannot be written fails before the run.
  static Result<RunStatsRecorder> start(const Job& job);

  /// Takes the master's counts; rows are the rows written.
  void setTotals(const RunTotals& totals, uint64_t rows, uint64_t bytes,
                 unsigned retries);
  /// Stops the clock, prints --stats and writes --stats-json. exit_code 0
  /// is success; error is the message printed for a failure, "" when the
  /// run completed (exit 0, or 3: bad records seen and skipped).
  Status finish(int exit_code, const std::string& error);
  const RunStats& stats() const { return stats_; }

 private:
  RunStatsRecorder(const Job& job, std::optional<OutputFile> json);

  const Job* job_;
  std::optional<OutputFile> json_;
  std::chrono::steady_clock::time_point start_;
  RunStats stats_;
};

}  // namespace clusterproc
