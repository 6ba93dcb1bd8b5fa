#pragma once
// One run of a job over its inputs with forked workers: the inputs, the
// shared-memory ring, the bad-record reporter, the master and the output,
// wired together. main.cc and the partial API (partial.h) call it.

#include <cstdint>
#include <string>

#include "job.h"
#include "job_state.h"
#include "status.h"

namespace clusterproc {

/// The counts of a run (or merge), for --stats and the exit code.
struct RunCounts {
  RunTotals totals;
  uint64_t rows = 0;     ///< rows written
  uint64_t bytes = 0;    ///< input bytes read (decompressed)
  unsigned retries = 0;  ///< chunks run again after a worker died
};

/// The merged state a run leaves when asked for it instead of its rows.
struct RunState {
  std::string bytes;        ///< JobState::serialize()
  uint64_t order_span = 0;  ///< every input position of the state is below it
};

/// Runs job over its inputs. Bad records are reported on stderr (and to
/// --bad-records) as they are met. With state == nullptr the result goes to
/// -o or standard output; otherwise nothing is written there and the merged
/// state of the summary, count or aggregate job is left in *state. counts
/// is filled on every way out. On success the exit code is 3 when
/// counts.totals.bad_records > 0, else 0.
Status runJob(const Job& job, RunCounts& counts, RunState* state);

}  // namespace clusterproc
