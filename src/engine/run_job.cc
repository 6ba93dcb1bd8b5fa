#include "run_job.h"

#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bad_records.h"
#include "checkpoint.h"
#include "chunk_reader.h"
#include "chunk_source.h"
#include "console.h"
#include "direct_output.h"
#include "input.h"
#include "master.h"
#include "output.h"
#include "process.h"
#include "progress.h"
#include "query.h"
#include "result_sink.h"
#include "shard.h"
#include "shm_ring.h"
#include "signals.h"
#include "sys.h"

namespace clusterproc {

namespace {

/// Runs f when the scope ends, on every way out.
template <typename F>
struct OnExit {
  F f;
  ~OnExit() { f(); }
};

/// The tuning variables (docs/architecture.md) take only the values they
/// know; any other value is an error rather than a quiet default. Unset or
/// empty: the default.
Status checkTuningEnvironment() {
  struct Knob {
    const char* name;
    std::vector<std::string_view> values;
  };
  const Knob knobs[] = {{kReadPathEnv, {"mmap", "pread"}},
                        {kDecodeEnv, {"master"}},
                        {kExecOutputEnv, {"master"}}};
  for (const Knob& k : knobs) {
    const char* v = std::getenv(k.name);
    if (v == nullptr || *v == '\0') continue;
    bool known = false;
    std::string takes;
    for (std::string_view allowed : k.values) {
      known = known || allowed == v;
      takes += (takes.empty() ? "" : " or ") + std::string(allowed);
    }
    if (!known) {
      return Status::error(ExitCode::kUsage, std::string(k.name) + " is '" + v +
                                                 "': it takes " + takes +
                                                 " (or nothing)");
    }
  }
  return Status();
}

bool hasStreamInput(const std::vector<Input>& inputs) {
  for (const Input& in : inputs) {
    if (!in.mapped) return true;
  }
  return false;
}

}  // namespace

Status runJob(const Job& job, RunCounts& counts, RunState* state) {
  if (Status env = checkTuningEnvironment(); !env.ok()) return env;
  if (!installMasterSignals()) {
    return Status::error(ExitCode::kInput,
                         errnoText("pipe or sigaction", "signal handlers"));
  }
  Result<Query> query = compileQuery(job);
  if (!query.ok()) return query.status();
  Result<Format> format = resolveFormat(job, ::isatty(STDOUT_FILENO) == 1,
                                        hasLiveInput(job.inputs));
  if (!format.ok()) return format.status();
  Result<std::vector<Input>> inputs = openInputs(job.inputs);
  if (!inputs.ok()) return inputs.status();
  std::vector<InputRange> ranges = wholeInputs(inputs.value());
  uint64_t known_size = knownInputSize(inputs.value());
  if (job.shard_count > 0) {
    Status s = requireMappedInputs(inputs.value(), "--shard");
    if (!s.ok()) return s;
    ranges = planShard(inputs.value(), job.shard_index, job.shard_count);
    known_size = 0;
    for (const InputRange& r : ranges) known_size += r.end - r.begin;
  }
  std::unique_ptr<Checkpoint> checkpoint;
  if (!job.checkpoint_dir.empty()) {
    Status s = requireMappedInputs(inputs.value(), "--checkpoint");
    if (!s.ok()) return s;
    Result<std::unique_ptr<Checkpoint>> c =
        Checkpoint::open(job, inputs.value());
    if (!c.ok()) return c.status();
    checkpoint = std::move(c.value());
    if (known_size > 0 && checkpoint->resume()) {
      known_size = 0;  // progress counts what is left
      for (const InputRange& r : checkpoint->remaining(ranges))
        known_size += r.end - r.begin;
    }
  }
  // With state wanted, nothing is written here: "" (stdout) is never committed.
  Result<OutputFile> output =
      OutputFile::open(state ? std::string() : job.output_path);
  if (!output.ok()) return output.status();
  std::optional<OutputFile> bad_file;
  if (!job.bad_records_path.empty()) {
    Result<OutputFile> f = OutputFile::open(job.bad_records_path);
    if (!f.ok()) return f.status();
    bad_file.emplace(std::move(f.value()));
  }
  std::unique_ptr<ShmRing> ring;
  if (hasStreamInput(inputs.value())) {
    uint64_t chunk = job.chunk_size ? job.chunk_size : kDefaultChunkSize;
    Result<std::unique_ptr<ShmRing>> r =
        ShmRing::create(2 * job.workers + 2, chunk, job.max_record);
    if (!r.ok()) return r.status();
    ring = std::move(r.value());
  }
  BadRecordReporter reporter(std::move(bad_file), 10);
  ResultSink sink(job, query.value(), output.value(), format.value());
  ForkLauncher launcher;
  ProgressLine progress(
      console(),
      progressWanted(job, ::isatty(STDERR_FILENO) == 1,
                     ::isatty(STDOUT_FILENO) == 1, ::getenv("TERM")),
      known_size, job.workers);
  Master master(job, query.value(), inputs.value(), ring.get(), launcher,
                reporter, sink);
  if (checkpoint) {
    Status s = master.setCheckpoint(checkpoint.get(), ranges);
    if (!s.ok()) return s;
    if (std::string note = checkpoint->resumeNote(); !note.empty())
      console().say(note);
  } else {
    master.setRanges(ranges, 0);
  }
  master.setProgress(&progress);
  if (state) master.keepState();
  OnExit count{[&] {
    counts.totals = master.totals();
    counts.rows = sink.rows();
    counts.bytes = master.bytesRead();
    counts.retries = master.retries();
  }};
  Status s = master.run();
  progress.finish();
  if (!s.ok()) {
    // --max-errors stopped the run: the bad records seen are still written;
    // a --bad-records file that cannot be is the graver error.
    if (s.code() == ExitCode::kBadRecords) {
      if (Status f = reporter.finish(); !f.ok()) return f;
    }
    return s;
  }
  if (state) {
    // A partial of part of the input would merge into a wrong result.
    s = reporter.finish();
    if (Status e = master.inputError(); !e.ok()) return e;
    if (!s.ok()) return s;
    state->bytes = master.state().serialize();
    state->order_span = master.orderEnd() << 32;
    closeInputs(inputs.value());
    return checkpoint ? checkpoint->finish() : Status();
  }
  if (Status e = master.inputError(); !e.ok()) {
    // The rows of the whole lines before the bad input are out on stdout;
    // one answer (count, summary, groups) over part of the input is not
    // printed; a file target is not replaced by a result that misses the rest.
    if (isStreamingJob(job)) s = sink.finish();
    if (s.ok() && isStreamingJob(job) && job.output_path.empty())
      s = output.value().commit();
    // The input error is the answer; a --bad-records file that cannot be
    // written is said as well.
    if (Status f = reporter.finish(); !f.ok()) console().error(f);
    return s.ok() ? e : s;
  }
  // The --bad-records file first: a run that cannot write it failed, and a
  // failed run prints no aggregate.
  s = reporter.finish();
  if (s.ok()) s = sink.finish();
  if (s.ok()) s = output.value().commit();
  if (!s.ok()) return s;
  closeInputs(inputs.value());
  return checkpoint ? checkpoint->finish() : Status();
}

}  // namespace clusterproc
