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
#include "progress.h"
#include "query.h"
#include "result_sink.h"
#include "run_stats.h"
#include "shard.h"
#include "shm_ring.h"
#include "signals.h"
#include "sys.h"

using namespace clusterproc;

namespace {

/// run()'s result when the reader of stdout left: main() then ends quietly
/// by SIGPIPE, as the standard filters do, once --stats-json is written.
constexpr int kDiedOfSigpipe = 128 + SIGPIPE;

/// The message of the last failure, for --stats-json.
std::string& lastError() {
  static std::string message;
  return message;
}

/// Runs f when the scope ends, on every way out.
template <typename F>
struct OnExit {
  F f;
  ~OnExit() { f(); }
};

int fail(const Status& s) {
  lastError() = s.message();
  if (s.message() == kBrokenPipe) return kDiedOfSigpipe;
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

int run(const Job& job, RunStatsRecorder& stats) {
  if (!installMasterSignals()) {
    return fail(Status::error(ExitCode::kInput, errnoText("pipe", "signal wake-up")));
  }
  Result<Query> query = compileQuery(job);
  if (!query.ok()) return fail(query.status());
  Result<Format> format = resolveFormat(job, ::isatty(STDOUT_FILENO) == 1);
  if (!format.ok()) return fail(format.status());
  Result<std::vector<Input>> inputs = openInputs(job.inputs);
  if (!inputs.ok()) return fail(inputs.status());
  std::vector<InputRange> ranges = wholeInputs(inputs.value());
  uint64_t known_size = knownInputSize(inputs.value());
  if (job.shard_count > 0) {
    Status s = requireMappedInputs(inputs.value(), "--shard");
    if (!s.ok()) return fail(s);
    ranges = planShard(inputs.value(), job.shard_index, job.shard_count);
    known_size = 0;
    for (const InputRange& r : ranges) known_size += r.end - r.begin;
  }
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
  ProgressLine progress(STDERR_FILENO,
                        progressWanted(job, ::isatty(STDERR_FILENO) == 1,
                                       ::isatty(STDOUT_FILENO) == 1, ::getenv("TERM")),
                        known_size, job.workers);
  Master master(job, query.value(), inputs.value(), ring.get(), launcher, reporter, sink);
  master.setRanges(ranges, 0);
  master.setProgress(&progress);
  OnExit count{[&] {
    stats.setTotals(master.totals(), sink.rows(), master.bytesRead(), master.retries());
  }};
  Status s = master.run();
  progress.finish();
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
  const Job& job = *cl.value().job;
  Result<RunStatsRecorder> stats = RunStatsRecorder::start(job);
  if (!stats.ok()) return fail(stats.status());
  int code = run(job, stats.value());
  if (code != static_cast<int>(ExitCode::kUsage)) {
    Status s = stats.value().finish(code, lastError());
    if (!s.ok()) {
      int c = fail(s);
      if (code == 0) code = c;
    }
  }
  if (code == kDiedOfSigpipe) {
    ::signal(SIGPIPE, SIG_DFL);
    ::raise(SIGPIPE);
  }
  return code;
}
