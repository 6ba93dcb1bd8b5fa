// clusterproc: wires the command line to the command it asks for.

#include <signal.h>
#include <unistd.h>

#include "cli.h"
#include "command.h"
#include "mpi_run.h"
#include "partial.h"
#include "run_job.h"
#include "sys.h"

using namespace clusterproc;

int main(int argc, char** argv) {
  reserveStandardStreams();
  Result<CommandLine> cl = parseCommandLine(argc, argv);
  if (!cl.ok()) return reportError(cl.status());
  if (!cl.value().job) {
    const std::string& text = cl.value().text;
    Status s = standardStreamOpen(STDOUT_FILENO, "write output");
    if (s.ok())
      s = writeAll(STDOUT_FILENO, text.data(), text.size(), "standard output");
    return s.ok() ? 0 : reportError(s);
  }
  const Job& job = *cl.value().job;
  int code;
  if (job.mpi) {
    code = runMpiRank(job);
  } else if (job.merge) {
    code = mergeCommand(job);
  } else if (!job.partial_path.empty()) {
    code = partialCommand(job);
  } else {
    code = runCommand(
        job, [&](RunCounts& counts) { return runJob(job, counts, nullptr); });
  }
  if (code == static_cast<int>(ExitCode::kBrokenPipe)) {
    ::signal(SIGPIPE, SIG_DFL);
    ::raise(SIGPIPE);
  }
  return code;
}
