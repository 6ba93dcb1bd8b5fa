#include "command.h"

#include <unistd.h>

#include "console.h"
#include "run_stats.h"
#include "sys.h"

namespace clusterproc {

int reportError(const Status& s) {
  console().error(s);
  return static_cast<int>(s.code());
}

int runCommand(const Job& job, const std::function<Status(RunCounts&)>& body) {
  Result<RunStatsRecorder> stats = RunStatsRecorder::start(job);
  if (!stats.ok()) return reportError(stats.status());
  RunCounts counts;
  Status s = body(counts);
  stats.value().setTotals(counts.totals, counts.rows, counts.bytes,
                          counts.retries);
  int code = 0;
  if (!s.ok()) {
    code = reportError(s);
  } else if (counts.totals.bad_records > 0) {
    code = static_cast<int>(ExitCode::kBadRecords);
  }
  if (code != static_cast<int>(ExitCode::kUsage)) {
    Status f = stats.value().finish(code, s.ok() ? std::string() : s.message());
    if (!f.ok()) {
      int c = reportError(f);
      if (code == 0) code = c;
    }
  }
  return code;
}

}  // namespace clusterproc
