#pragma once
// A command from its Job to its exit code: runs it under --stats and
// --stats-json, and prints its error (on the console) and decides the exit
// code.

#include <functional>

#include "job.h"
#include "run_job.h"
#include "status.h"

namespace clusterproc {

/// Prints s's message and returns its exit code (141, ExitCode::kBrokenPipe,
/// without a message, for a closed standard output: main() then ends by
/// SIGPIPE, as the standard filters do).
int reportError(const Status& s);

/// Runs body, the work of job, with its statistics: 0 on success, 3 when
/// bad records were counted, else the error's code (printed). --stats and
/// --stats-json are written, except after a usage error.
int runCommand(const Job& job, const std::function<Status(RunCounts&)>& body);

}  // namespace clusterproc
