#pragma once
// A command from its Job to its exit code: runs it under --stats and
// --stats-json, and prints its error. This is the one place that prints an
// error ("clusterproc: MESSAGE" on stderr).

#include <signal.h>

#include <functional>

#include "job.h"
#include "run_job.h"
#include "status.h"

namespace clusterproc {

/// The exit code when the reader of standard output left: main() then ends
/// quietly by SIGPIPE, as the standard filters do.
inline constexpr int kDiedOfSigpipe = 128 + SIGPIPE;

/// Prints s's message and returns its exit code (kDiedOfSigpipe, without a
/// message, for a closed standard output).
int reportError(const Status& s);

/// Runs body, the work of job, with its statistics: 0 on success, 3 when
/// bad records were counted, else the error's code (printed). --stats and
/// --stats-json are written, except after a usage error.
int runCommand(const Job& job, const std::function<Status(RunCounts&)>& body);

}  // namespace clusterproc
