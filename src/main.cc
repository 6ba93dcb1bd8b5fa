// clusterproc: wires the command line, inputs, workers and outputs together.

#include <signal.h>
#include <unistd.h>

#include <memory>
#include <optional>

#include "bad_records.h"
#include "cli.h"
#include "input.h"
#include "master.h"
#include "output.h"
#include "process.h"
#include "query.h"
#include "result_sink.h"
#include "shm_ring.h"
#include "signals.h"
#include "sys.h"

using namespace clusterproc;

namespace {

int fail(const Status& s) {
  if (s.message() == kBrokenPipe) {
    // The reader of stdout left: end quietly, as the standard filters do.
    ::signal(SIGPIPE, SIG_DFL);
    ::raise(SIGPIPE);
  }
  std::string msg = "clusterproc: " + s.message() + "\n";
  (void)writeAll(STDERR_FILENO, msg.data(), msg.size(), "standard error");
  return static_cast<int>(s.code());
}

bool hasStreamInput(const std::vector<Input>& inputs) {
  for (const Input& in : inputs) {
    if (!in.mapped) return true;
  }
  return false;
}

int run(const Job& job) {
  if (!installMasterSignals()) {
    return fail(Status::error(ExitCode::kInput, errnoText("pipe", "signal wake-up")));
  }
  Result<Query> query = compileQuery(job);
  if (!query.ok()) return fail(query.status());
  Result<Format> format = resolveFormat(job, ::isatty(STDOUT_FILENO) == 1);
  if (!format.ok()) return fail(format.status());
  Result<std::vector<Input>> inputs = openInputs(job.inputs);
  if (!inputs.ok()) return fail(inputs.status());
  Result<OutputFile> output = OutputFile::open(job.output_path);
  if (!output.ok()) return fail(output.status());
  std::optional<OutputFile> bad_file;
  if (!job.bad_records_path.empty()) {
    Result<OutputFile> f = OutputFile::open(job.bad_records_path);
    if (!f.ok()) return fail(f.status());
    bad_file.emplace(std::move(f.value()));
  }
  std::unique_ptr<ShmRing> ring;
  if (hasStreamInput(inputs.value())) {
    uint64_t chunk = job.chunk_size ? job.chunk_size : kDefaultChunkSize;
    Result<std::unique_ptr<ShmRing>> r =
        ShmRing::create(2 * job.workers + 2, chunk, job.max_record);
    if (!r.ok()) return fail(r.status());
    ring = std::move(r.value());
  }
  BadRecordReporter reporter(std::move(bad_file), 10);
  ResultSink sink(job, query.value(), output.value(), format.value());
  ForkLauncher launcher;
  Master master(job, query.value(), inputs.value(), ring.get(), launcher, reporter, sink);
  Status s = master.run();
  if (!s.ok()) {
    if (s.code() == ExitCode::kBadRecords) (void)reporter.finish();
    return fail(s);
  }
  s = sink.finish();
  if (s.ok() && !master.inputError().ok()) {
    // The records before the bad input are out on stdout; a file target is
    // not replaced by a result that misses the rest.
    if (job.output_path.empty()) s = output.value().commit();
    (void)reporter.finish();
    return fail(s.ok() ? master.inputError() : s);
  }
  if (s.ok()) s = output.value().commit();
  if (!s.ok()) return fail(s);
  s = reporter.finish();
  if (!s.ok()) return fail(s);
  closeInputs(inputs.value());
  return master.totals().bad_records > 0 ? static_cast<int>(ExitCode::kBadRecords) : 0;
}

}  // namespace

int main(int argc, char** argv) {
  Result<CommandLine> cl = parseCommandLine(argc, argv);
  if (!cl.ok()) return fail(cl.status());
  if (!cl.value().job) {
    const std::string& text = cl.value().text;
    Status s = writeAll(STDOUT_FILENO, text.data(), text.size(), "standard output");
    return s.ok() ? 0 : fail(s);
  }
  return run(*cl.value().job);
}
