#include "partial.h"

#include <fcntl.h>
#include <unistd.h>

#include <memory>

#include "cli.h"
#include "command.h"
#include "console.h"
#include "job_state.h"
#include "output.h"
#include "partial_format.h"
#include "query.h"
#include "result_sink.h"
#include "signals.h"
#include "sys.h"

namespace clusterproc {

namespace {

/// Handlers that only set a flag, so that an interrupt leaves no temporary
/// output behind: the steps below look at the flag.
Status catchSignals() {
  if (installMasterSignals()) return Status();
  return Status::error(ExitCode::kInput, errnoText("pipe", "signal wake-up"));
}

Status checkSignal() {
  int sig = pendingSignal();
  return sig ? interruptedBy(sig) : Status();
}

/// The inputs of a run, NUL-separated, for the "inputs" extension.
std::string joinInputs(const std::vector<std::string>& inputs) {
  std::string out;
  for (const std::string& in : inputs) {
    if (!out.empty()) out += '\0';
    out += in;
  }
  return out;
}

Status runPartial(const Job& job, RunCounts& counts, std::string& bytes) {
  Status s = checkPartialJob(job);
  if (!s.ok()) return s;
  RunState state;
  s = runJob(job, counts, &state);
  if (!s.ok()) return s;
  Partial p;
  p.job = jobWords(job);
  p.totals = counts.totals;
  p.order_span = state.order_span;
  p.state = std::move(state.bytes);
  p.extensions.emplace_back("inputs", joinInputs(job.inputs));
  bytes = encodePartial(p);
  return Status();
}

/// Output options plus the job the partials' words define.
Result<Job> jobFromWords(const Job& output_options,
                         const std::vector<std::string>& words,
                         const std::string& name) {
  // Rebuilt as "--option=value" so that a value starting with '-' stays a
  // value.
  std::vector<std::string> args{"clusterproc"};
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "--count" || i + 1 == words.size()) {
      args.push_back(words[i]);
    } else {
      args.push_back(words[i] + "=" + words[i + 1]);
      ++i;
    }
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  Result<CommandLine> cl =
      parseCommandLine(static_cast<int>(argv.size()), argv.data());
  if (!cl.ok() || !cl.value().job) {
    return Status::error(
        ExitCode::kInput,
        name + ": corrupt partial: its job does not parse: " +
            (cl.ok() ? std::string("no job") : cl.status().message()));
  }
  const Job& from = *cl.value().job;
  Job job = output_options;
  job.kind = from.kind;
  job.explode = from.explode;
  job.where = from.where;
  job.select = from.select;
  job.group_by = from.group_by;
  job.agg = from.agg;
  job.sort = from.sort;
  job.limit = from.limit;
  job.max_record = from.max_record;
  Status s = checkPartialJob(job);
  if (!s.ok())
    return Status::error(ExitCode::kInput,
                         name + ": corrupt partial: " + s.message());
  return job;
}

Status writeTo(const std::string& path, const std::string& bytes) {
  Result<OutputFile> out = OutputFile::open(path);
  if (!out.ok()) return out.status();
  Status s = out.value().write(bytes);
  if (s.ok()) s = checkSignal();
  if (s.ok()) s = out.value().commit();
  return s;
}

}  // namespace

Result<MergedPartials> mergePartials(const Job& options, NamedPartials inputs) {
  std::vector<Partial> parts;
  std::vector<std::string> names;  // one per partial
  for (auto& [name, bytes] : inputs) {
    Result<std::vector<Partial>> decoded = decodePartials(bytes, name);
    if (!decoded.ok()) return decoded.status();
    std::string().swap(bytes);  // decoded: the states are copies
    for (Partial& p : decoded.value()) {
      parts.push_back(std::move(p));
      names.push_back(name);
    }
  }
  if (parts.empty())
    return Status::error(ExitCode::kUsage, "merge: no partial given");
  for (size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].job != parts[0].job) {
      return Status::error(ExitCode::kInput,
                           "partials of different jobs: " + names[0] + " is `" +
                               jobText(parts[0].job) + "`, " + names[i] +
                               " is `" + jobText(parts[i].job) + "`");
    }
  }
  Result<Job> job = jobFromWords(options, parts[0].job, names[0]);
  if (!job.ok()) return job.status();
  Result<Query> query = compileQuery(job.value());
  if (!query.ok()) {
    return Status::error(ExitCode::kInput, names[0] + ": corrupt partial: " +
                                               query.status().message());
  }
  MergedPartials m;
  m.job = std::move(job.value());
  m.query = std::make_unique<Query>(std::move(query.value()));
  m.state = makeJobState(m.job, *m.query);
  m.partial.job = parts[0].job;
  RunTotals& t = m.partial.totals;
  uint64_t& offset = m.partial.order_span;
  for (size_t i = 0; i < parts.size(); ++i) {
    Partial& p = parts[i];
    if (p.order_span > UINT64_MAX - offset) {
      return Status::error(ExitCode::kInput,
                           names[i] + ": too much input to merge in order");
    }
    if (m.job.kind == JobKind::kSummary && p.version < kSummaryPartialVersion) {
      return Status::error(
          ExitCode::kInput,
          names[i] + ": a summary partial of format version " +
              std::to_string(p.version) +
              " (an older clusterproc): its state lacks p50/p99, string "
              "bounds and array elements; make it again with this build");
    }
    Status s = checkSignal();
    if (!s.ok()) return s;
    s = m.state->mergeShifted(p.state, offset);
    if (!s.ok())
      return Status::error(ExitCode::kInput, names[i] + ": " + s.message());
    std::string().swap(p.state);
    offset += p.order_span;
    t.records += p.totals.records;
    t.matched += p.totals.matched;
    t.bad_records += p.totals.bad_records;
    t.bytes += p.totals.bytes;
    t.lines += p.totals.lines;
  }
  std::string all_inputs;
  for (const Partial& p : parts) {
    for (const auto& [key, value] : p.extensions) {
      if (key != "inputs") continue;
      if (!all_inputs.empty()) all_inputs += '\0';
      all_inputs += value;
    }
  }
  m.partial.extensions.emplace_back("inputs", all_inputs);
  return m;
}

namespace {

Status mergeTo(const Job& options, NamedPartials inputs, RunCounts& counts) {
  Status caught = catchSignals();
  if (!caught.ok()) return caught;
  Result<MergedPartials> merged = mergePartials(options, std::move(inputs));
  if (!merged.ok()) return merged.status();
  MergedPartials& m = merged.value();
  const RunTotals& t = m.partial.totals;
  counts.totals = t;
  counts.bytes = t.bytes;
  Status s = checkSignal();
  if (!s.ok()) return s;
  if (!options.partial_path.empty()) {
    m.partial.state = m.state->serialize();
    s = writeTo(options.partial_path, encodePartial(m.partial));
  } else {
    Result<Format> format = resolveFormat(m.job, ::isatty(STDOUT_FILENO) == 1);
    if (!format.ok()) return format.status();
    Result<OutputFile> output = OutputFile::open(m.job.output_path);
    if (!output.ok()) return output.status();
    ResultSink sink(m.job, *m.query, output.value(), format.value());
    std::vector<std::string> rows;
    m.state->render(rows, t);
    for (std::string& row : rows) {
      s = sink.addRow(std::move(row));
      if (!s.ok()) break;
    }
    if (s.ok()) s = sink.finish();
    if (s.ok()) s = checkSignal();
    if (s.ok()) s = output.value().commit();
    counts.rows = sink.rows();
  }
  if (s.ok() && t.bad_records > 0) {
    console().note("the partials hold " + std::to_string(t.bad_records) +
                   " bad record" + (t.bad_records == 1 ? "" : "s") +
                   ", reported by the runs that made them");
  }
  return s;
}

/// job as its statistics see it: a partial written is the output.
Job statsJob(const Job& job) {
  Job j = job;
  if (!j.partial_path.empty()) j.output_path = j.partial_path;
  return j;
}

/// The whole of a file ("-": standard input). An interrupt must end a
/// wait on a terminal or pipe.
Status readWhole(const std::string& path, std::string& out) {
  if (path == "-") {
    Status open = standardStreamOpen(STDIN_FILENO, "read partial");
    if (!open.ok()) return open;
    return readToEnd(STDIN_FILENO, out, "standard input", checkSignal);
  }
  return readFile(path, out, "cannot open partial", checkSignal);
}

}  // namespace

Status checkPartialJob(const Job& job) {
  if (!isStreamingJob(job)) return Status();
  return Status::error(ExitCode::kUsage,
                       "--partial applies to the summary, --count and "
                       "--group-by/--agg jobs; --where alone, "
                       "--select and --exec stream their rows: run each piece "
                       "with -o and concatenate the "
                       "outputs (cat) instead");
}

Result<PartialRun> runToPartial(const Job& job) {
  PartialRun run;
  Status s = runPartial(job, run.counts, run.bytes);
  if (!s.ok()) return s;
  run.exit_code = run.counts.totals.bad_records > 0
                      ? static_cast<int>(ExitCode::kBadRecords)
                      : 0;
  return run;
}

int finishFromPartials(const Job& output_options, NamedPartials partials) {
  return runCommand(statsJob(output_options), [&](RunCounts& counts) {
    return mergeTo(output_options, std::move(partials), counts);
  });
}

int partialCommand(const Job& job) {
  return runCommand(statsJob(job), [&](RunCounts& counts) {
    Status caught = catchSignals();
    if (!caught.ok()) return caught;
    // Opened first, so that a target that cannot be written fails before the
    // run.
    Result<OutputFile> out = OutputFile::open(job.partial_path);
    if (!out.ok()) return out.status();
    std::string bytes;
    Status s = runPartial(job, counts, bytes);
    if (s.ok()) s = out.value().write(bytes);
    if (s.ok()) s = out.value().commit();
    return s;
  });
}

int mergeCommand(const Job& job) {
  return runCommand(statsJob(job), [&](RunCounts& counts) {
    Status caught = catchSignals();
    if (!caught.ok()) return caught;
    NamedPartials partials;
    for (const std::string& path : job.inputs) {
      std::string bytes;
      Status s = readWhole(path, bytes);
      if (!s.ok()) return s;
      partials.emplace_back(path == "-" ? "(stdin)" : path, std::move(bytes));
    }
    return mergeTo(job, std::move(partials), counts);
  });
}

}  // namespace clusterproc
