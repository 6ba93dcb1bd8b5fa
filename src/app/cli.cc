#include "cli.h"

#include <sched.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <vector>

#include "checkpoint.h"
#include "mpi_run.h"
#include "partial.h"
#include "shard.h"

namespace clusterproc {

namespace {

constexpr const char* kVersion = "clusterproc 0.1.0";

constexpr const char* kExamples = R"(
Examples:
  clusterproc data/sample.jsonl                     profile every field (the summary)
  clusterproc -j8 --count logs/*.jsonl              count the valid records
  zcat big.jsonl.gz | clusterproc --count           standard input works too
  clusterproc --limit 5 in.jsonl                    the first 5 records (head)
  clusterproc --where 'status >= 500' in.jsonl      matching lines, byte for byte
  clusterproc --sort 'latency_ms desc' --limit 3 in.jsonl   the 3 slowest records
  clusterproc --where 'status >= 500' --select 'ts, path, latency_ms as ms' in.jsonl
  clusterproc --group-by host --agg 'count, quantile(latency_ms, 0.99) as p99' \
      --sort 'p99 desc' --limit 10 -f table in.jsonl    the ten slowest hosts
  clusterproc --explode tags --group-by tags --agg count in.jsonl   the count of every tag
  clusterproc --select '*, bytes / 1024 as kb' --exclude user in.jsonl   whole records
  clusterproc --exec 'gzip -c' in.jsonl > out.jsonl.gz  each chunk through a command
  clusterproc -o report.json --stats-json run.json --max-errors 100 in.jsonl   for cron
  clusterproc --group-by host -o hosts.csv in.jsonl  csv, from the extension of -o
  clusterproc --bad-records bad.jsonl in.jsonl      keep every bad line with its reason
  clusterproc --group-by host --agg count --partial day1.part day1.jsonl
  clusterproc merge -f table day1.part day2.part    the result of both days (see merge --help)
  clusterproc --shard 2/8 --count a.jsonl b.jsonl   the 3rd of 8 line-aligned byte ranges
  clusterproc --checkpoint ck/ --group-by host big.jsonl   rerun after a kill resumes
  mpirun -n 8 clusterproc --mpi --group-by host --agg count logs/*.jsonl
                                                    8 ranks (machines), each with its own
                                                    workers; rank 0 writes the result

Exit status: 0 ok, 1 usage, 2 input/output error, 3 bad records seen,
4 a worker failed, 130/143 interrupted.
)";

unsigned onlineCpus() {
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<unsigned>(n) : 1;
}

/// CPUs this process may run on: its affinity mask, which mpirun and srun
/// set per rank; the default -j of an --mpi rank.
unsigned allowedCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) {
    return static_cast<unsigned>(CPU_COUNT(&set));
  }
  return onlineCpus();
}

Status usage(const std::string& msg) {
  return Status::error(ExitCode::kUsage, msg);
}

/// Edit distance with adjacent transpositions (optimal string alignment).
size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1,
                                     std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

/// "unknown option 'X'", with the nearest option CLI11 knows when one is
/// close (a typo, or the start of a single option's name).
Status unknownOption(const CLI::App& app, std::string arg) {
  if (arg.rfind("--", 0) == 0) arg = arg.substr(0, arg.find('='));
  std::vector<std::string> names;
  for (const CLI::Option* o : app.get_options()) {
    for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
  }
  std::string best;
  size_t best_d = SIZE_MAX;
  size_t prefixed = 0;
  std::string prefix_of;
  for (const std::string& n : names) {
    size_t d = editDistance(arg, n);
    if (d < best_d) {
      best_d = d;
      best = n;
    }
    if (arg.size() > 3 && n.rfind(arg, 0) == 0) {
      ++prefixed;
      prefix_of = n;
    }
  }
  std::string msg = "unknown option '" + arg + "'";
  if (best_d <= 2 && best_d * 2 < arg.size())
    return usage(msg + "; did you mean '" + best + "'?");
  if (prefixed == 1) return usage(msg + "; did you mean '" + prefix_of + "'?");
  return usage(msg + " (see clusterproc --help)");
}

/// Index of the last argv entry equal to name before any "--"; 0 if none.
int lastArg(int argc, char** argv, const std::string& name) {
  int last = 0;
  for (int i = 1; i < argc && std::string(argv[i]) != "--"; ++i) {
    if (argv[i] == name) last = i;
  }
  return last;
}

/// The job's kind from its options; contradictory options are usage errors.
Status chooseKind(Job& job, bool count) {
  bool aggregate = !job.group_by.empty() || !job.agg.empty();
  if (!job.exclude.empty()) {
    if (count || aggregate || !job.exec.empty()) {
      return usage(
          "--exclude drops keys from --select '*' rows: it does not apply to "
          "--count, "
          "--group-by/--agg or --exec");
    }
    if (job.select.empty())
      job.select = "*";  // --exclude alone: the rest of each record
  }
  int kinds = count + aggregate + !job.select.empty() + !job.exec.empty();
  if (kinds > 1) {
    return usage(
        "--count, --select, --exec and --group-by/--agg cannot be combined");
  }
  if (!job.exec.empty()) {
    job.kind = JobKind::kExec;
  } else if (count) {
    job.kind = JobKind::kCount;
  } else if (aggregate) {
    job.kind = JobKind::kAggregate;
  } else if (!job.select.empty()) {
    job.kind = JobKind::kSelect;
  } else if (!job.where.empty() || !job.sort.empty() || job.limit >= 0) {
    // --sort or --limit alone: the records themselves (--limit 10 is head).
    job.kind = JobKind::kWhere;
  } else {
    job.kind = JobKind::kSummary;
  }
  if ((job.kind == JobKind::kCount || job.kind == JobKind::kExec) &&
      (!job.sort.empty() || job.limit >= 0)) {
    return usage(
        "--sort and --limit order and cut rows: records, --where, --select or "
        "--group-by/--agg output, not " +
        std::string(count ? "--count" : "--exec"));
  }
  if (job.unordered && job.kind != JobKind::kExec)
    return usage("--unordered applies to --exec");
  if (!job.format.empty() && job.kind == JobKind::kExec) {
    return usage(
        "--format does not apply to --exec (its output is the commands' "
        "bytes)");
  }
  return Status();
}

/// What --mpi accepts: the jobs whose partials merge, over files every rank
/// can read.
Status checkMpi(const Job& job) {
  if (!mpiBuiltIn()) {
    return usage(
        "--mpi: this clusterproc was built without MPI; rebuild it with "
        "cmake -DCLUSTERPROC_MPI=ON (Debian: apt-get install libopenmpi-dev "
        "openmpi-bin)");
  }
  if (job.kind != JobKind::kSummary && job.kind != JobKind::kCount &&
      job.kind != JobKind::kAggregate) {
    return usage(
        "--mpi runs the summary, --count and --group-by/--agg jobs; for "
        "--where, --select "
        "and --exec run one --shard K/N per machine and concatenate the "
        "outputs in shard "
        "order (see docs/scale-out.md)");
  }
  for (const std::string& in : job.inputs) {
    if (in == "-") {
      return usage(
          "--mpi needs input files that every rank can read (standard input "
          "reaches rank 0 only)");
    }
  }
  if (job.progress.value_or(false)) {
    return usage(
        "--progress does not apply to --mpi (the ranks' lines would mix on "
        "stderr)");
  }
  if (job.shard_count > 0)
    return usage("--shard does not apply to --mpi: each rank takes its shard");
  return Status();
}

constexpr const char* kMergeExamples = R"(
The job (--group-by, --agg, --where, --sort, ...) comes from the partials, which
must all be of the same job; their order on the command line is the input order.
Examples:
  clusterproc merge day1.part day2.part             the result of both days
  cat *.part | clusterproc merge -f table -          partials one after another
  clusterproc merge --partial month.part day*.part  roll days up into a month

Exit status: 0 ok, 1 usage, 2 unreadable or invalid partial, output error,
3 the partials hold bad records (reported by the runs that made them).
)";

/// merge's refusal of an option of runs (argv entry arg), or "" if it is none.
std::string notForMerge(const std::string& arg) {
  static const char* const kJob[] = {
      "--where",     "--select", "--count", "--group-by", "--agg",    "--exec",
      "--unordered", "--sort",   "--limit", "--explode",  "--exclude"};
  static const char* const kRun[] = {
      "--jobs",       "--chunk-size",  "--max-record", "--retries",
      "--max-errors", "--bad-records", "--progress",   "--no-progress",
      "--shard",      "--checkpoint",  "--flush-after"};
  std::string name = arg.substr(0, arg.find('='));
  if (arg.rfind("-j", 0) == 0) name = "-j";
  for (const char* o : kJob) {
    if (name == o) {
      return "merge: " + name +
             " is a job option: merge takes the job from the partials "
             "(give it to the runs that make them)";
    }
  }
  for (const char* o : kRun) {
    if (name == o || name == "-j") {
      return "merge: " + name +
             " does not apply: merge reads partials and runs no workers";
    }
  }
  return "";
}

/// `clusterproc merge ...`; argv[0] is "merge".
Result<CommandLine> parseMergeLine(int argc, char** argv) {
  CLI::App app{
      "clusterproc merge: combine partials made with --partial into the result "
      "of\n"
      "one run over all their inputs (or, with --partial, into one partial).",
      "clusterproc merge"};
  app.footer(kMergeExamples);
  app.get_formatter()->column_width(26);
  app.get_formatter()->label("Positionals", "Arguments");
  app.allow_extras();
  Job job;
  job.merge = true;
  job.workers = 1;
  app.add_option("PARTIAL", job.inputs,
                 "Partial files, each holding one or more partials; '-' is "
                 "standard input "
                 "(the default)")
      ->option_text("...");
  app.add_option("-f,--format", job.format,
                 "jsonl, json, csv, tsv or table (default: the extension of -o "
                 "FILE, else jsonl; table for rows on a terminal)")
      ->option_text("FORMAT");
  app.add_option("-o,--output", job.output_path,
                 "Write the result to FILE (atomically)")
      ->option_text("FILE");
  app.add_option("--partial", job.partial_path,
                 "Write the merged partial to FILE ('-': standard output) "
                 "instead of the result")
      ->option_text("FILE");
  app.add_flag("--stats", job.stats, "Print statistics on stderr at the end");
  app.add_option("--stats-json", job.stats_json_path,
                 "Write statistics as JSON to FILE")
      ->option_text("FILE");
  for (int i = 1; i < argc && std::string(argv[i]) != "--"; ++i) {
    std::string refusal = notForMerge(argv[i]);
    if (!refusal.empty()) return usage(refusal);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return CommandLine{std::nullopt, app.help()};
  } catch (const CLI::ParseError& e) {
    return usage("merge: " + std::string(e.what()) +
                 " (see clusterproc merge --help)");
  }
  for (const std::string& extra : app.remaining()) {
    if (extra != "--") return unknownOption(app, extra);
  }
  if (job.inputs.empty()) job.inputs.push_back("-");
  size_t stdin_uses = 0;
  for (const std::string& in : job.inputs) stdin_uses += in == "-";
  if (stdin_uses > 1)
    return usage("merge: standard input ('-') can be read only once");
  if (!job.partial_path.empty() &&
      (!job.output_path.empty() || !job.format.empty())) {
    return usage(
        "merge: --partial writes a partial, not a result: -o and -f do not "
        "apply");
  }
  return CommandLine{job, {}};
}

}  // namespace

Result<uint64_t> parseSize(const std::string& text, const std::string& option) {
  size_t i = 0;
  uint64_t v = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    uint64_t d = static_cast<uint64_t>(text[i] - '0');
    if (v > (UINT64_MAX - d) / 10)
      return usage(option + ": size too large: " + text);
    v = v * 10 + d;
    ++i;
  }
  if (i == 0)
    return usage(option + ": not a size: '" + text +
                 "' (use e.g. 64K, 4M, 1G)");
  std::string unit = text.substr(i);
  for (char& c : unit)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int shift = 0;
  if (unit.empty() || unit == "B")
    shift = 0;
  else if (unit == "K" || unit == "KB" || unit == "KIB")
    shift = 10;
  else if (unit == "M" || unit == "MB" || unit == "MIB")
    shift = 20;
  else if (unit == "G" || unit == "GB" || unit == "GIB")
    shift = 30;
  else if (unit == "T" || unit == "TB" || unit == "TIB")
    shift = 40;
  else
    return usage(option + ": unknown size unit in '" + text +
                 "' (use K, M or G)");
  if (shift > 0 && v > (UINT64_MAX >> shift))
    return usage(option + ": size too large: " + text);
  v <<= shift;
  if (v == 0) return usage(option + ": size must be positive: " + text);
  return v;
}

Result<uint64_t> parseMilliseconds(const std::string& text,
                                   const std::string& option) {
  size_t i = 0;
  uint64_t v = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) &&
         v < 1000000000) {
    v = v * 10 + static_cast<uint64_t>(text[i] - '0');
    ++i;
  }
  std::string unit = text.substr(i);
  if (i == 0 || (unit.empty() && v != 0) || v >= 1000000000) {
    return usage(option + ": not a duration: '" + text +
                 "' (use e.g. 0, 50ms, 2s)");
  }
  if (unit == "ms" || unit.empty()) return v;
  if (unit == "s") return v * 1000;
  return usage(option + ": unknown unit in '" + text + "' (use ms or s)");
}

Result<CommandLine> parseCommandLine(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "merge")
    return parseMergeLine(argc - 1, argv + 1);
  CLI::App app{"clusterproc: process newline-delimited JSON on every core.",
               "clusterproc"};
  app.footer(kExamples);
  app.get_formatter()->column_width(26);
  app.get_formatter()->label("Positionals", "Arguments");
  app.allow_extras();  // unknown options are reported below, with a suggestion
  app.set_version_flag("-V,--version", kVersion);
  Job job;
  job.workers = onlineCpus();
  std::string chunk, max_record, shard, flush_after;
  bool count = false;
  bool progress = false;
  app.add_option(
         "INPUT", job.inputs,
         "Files (gzip/zstd too), named pipes or '-' (default: standard input)")
      ->option_text("...")
      ->group("Input");
  app.add_option(
         "--explode", job.explode,
         "One record per element of the array at PATH, before every other step "
         "(repeatable: the product)")
      ->option_text("PATH")
      ->allow_extra_args(false)
      ->group("Job");
  app.add_option("--where", job.where,
                 "Keep records where EXPR is neither false nor null "
                 "(repeatable: all must hold)")
      ->option_text("EXPR")
      ->allow_extra_args(
          false)  // one EXPR per --where; what follows is an input
      ->group("Job");
  app.add_option("--select", job.select,
                 "Output one object per record: 'EXPR [as NAME], ...'; '*' is "
                 "the whole record")
      ->option_text("LIST")
      ->group("Job");
  app.add_option("--exclude", job.exclude,
                 "Drop these top-level keys from '*' (alone: --select '*' "
                 "without them)")
      ->option_text("LIST")
      ->group("Job");
  app.add_flag("--count", count,
               "Print {\"count\":N}, the number of (matching) records")
      ->group("Job");
  app.add_option("--group-by", job.group_by,
                 "Group records by 'EXPR [as NAME], ...'")
      ->option_text("LIST")
      ->group("Job");
  app.add_option("--agg", job.agg,
                 "Aggregates per group: count, sum(x), avg(x), quantile(x, q), "
                 "top(x, k), ...")
      ->option_text("LIST")
      ->group("Job");
  app.add_option("--exec", job.exec,
                 "Pipe each chunk's (matching) lines to 'sh -c CMD'; outputs "
                 "(and its stderr, to "
                 "stderr) in input order")
      ->option_text("CMD")
      ->group("Job");
  app.add_flag("--unordered", job.unordered,
               "--exec: write outputs as they finish")
      ->group("Job");
  app.add_option("--sort", job.sort,
                 "Order the rows (alone: the records) by 'ITEM [asc|desc], "
                 "...': an output column, an expression over the record, or a "
                 "key or aggregate")
      ->option_text("LIST")
      ->group("Job");
  app.add_option("--limit", job.limit,
                 "Output at most N rows (alone: the first N records, as head; "
                 "streaming jobs stop reading early)")
      ->check(CLI::NonNegativeNumber)
      ->option_text("N")
      ->group("Job");
  app.add_option("-f,--format", job.format,
                 "jsonl, json, csv, tsv or table (default: the extension of -o "
                 "FILE, else jsonl; table for rows on a terminal)")
      ->option_text("FORMAT")
      ->group("Output");
  app.add_option(
         "-o,--output", job.output_path,
         "Write the result to FILE (atomically: renamed into place on success)")
      ->option_text("FILE")
      ->group("Output");
  app.add_option("--partial", job.partial_path,
                 "Write the job's mergeable state to FILE ('-': stdout) "
                 "instead of its result; "
                 "combine with clusterproc merge")
      ->option_text("FILE")
      ->group("Output");
  CLI::Option* jobs =
      app.add_option("-j,--jobs", job.workers,
                     "Worker processes (default: online CPUs)")
          ->check(CLI::Validator(
              [](std::string& v) -> std::string {
                unsigned n = 0;
                const auto r =
                    std::from_chars(v.data(), v.data() + v.size(), n);
                if (r.ec == std::errc() && r.ptr == v.data() + v.size() &&
                    n >= 1 && n <= 1024) {
                  return "";
                }
                return "expects a number of worker processes from 1 to 1024, "
                       "such as -j4 or "
                       "--jobs 4 (got '" +
                       v + "')";
              },
              "N"))
          ->option_text("N")
          ->group("Engine");
  app.add_option("--chunk-size", chunk,
                 "Bytes per chunk, newline-aligned (e.g. 64K, 4M; default: "
                 "auto, at most 4M, 8M with --exec)")
      ->option_text("SIZE")
      ->group("Engine");
  app.add_option(
         "--max-record", max_record,
         "Longest record accepted (default 64M); longer lines are bad records")
      ->option_text("SIZE")
      ->group("Input");
  app.add_option("--flush-after", flush_after,
                 "Stream input: hand records on after at most DURATION in a "
                 "partly filled chunk (default 100ms; 0: after every read)")
      ->option_text("DURATION")
      ->group("Input");
  app.add_option("--retries", job.retries,
                 "Retries of a chunk whose worker died (default 2)")
      ->option_text("N")
      ->group("Engine");
  app.add_option("--max-errors", job.max_errors,
                 "Stop once more than N bad records were seen (0: strict)")
      ->check(CLI::NonNegativeNumber)
      ->option_text("N")
      ->group("Errors");
  app.add_option(
         "--bad-records", job.bad_records_path,
         "Write every bad record as a JSON line {file,line,offset,error,raw}")
      ->option_text("FILE")
      ->group("Errors");
  CLI::Option* shard_opt =
      app.add_option("--shard", shard,
                     "Process only the K-th of N line-aligned byte ranges of "
                     "the files (0-based)")
          ->option_text("K/N")
          ->group("Input");
  app.add_option(
         "--checkpoint", job.checkpoint_dir,
         "Save progress in DIR; the same command run again resumes from it")
      ->option_text("DIR")
      ->group("Engine");
  CLI::Option* progress_on =
      app.add_flag("--progress", progress,
                   "Show a progress line on stderr (default: on a terminal)")
          ->group("Monitoring");
  CLI::Option* progress_off = app.add_flag("--no-progress")
                                  ->description("Never show the progress line")
                                  ->group("Monitoring");
  app.add_flag("--stats", job.stats,
               "Print run statistics on stderr at the end")
      ->group("Monitoring");
  app.add_option(
         "--stats-json", job.stats_json_path,
         "Write run statistics as one JSON object to FILE, also on failure")
      ->option_text("FILE")
      ->group("Monitoring");
  app.add_flag("--mpi", job.mpi,
               "One rank of 'mpirun -n R clusterproc --mpi ...': rank r runs "
               "shard r/R, "
               "rank 0 merges and writes the result")
      ->group("Beyond one machine");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return CommandLine{std::nullopt, app.help()};
  } catch (const CLI::CallForVersion&) {
    return CommandLine{std::nullopt,
                       std::string(kVersion) + "\n" + mpiVersionLine() + "\n"};
  } catch (const CLI::ParseError& e) {
    return usage(std::string(e.what()) + " (see clusterproc --help)");
  }
  for (const std::string& extra : app.remaining()) {
    if (extra != "--") return unknownOption(app, extra);
  }
  if (progress_on->count() > 0 || progress_off->count() > 0) {
    // Both given: the last one wins, as with other tools' on/off pairs.
    job.progress = lastArg(argc, argv, "--progress") >
                   lastArg(argc, argv, "--no-progress");
  }
  if (job.inputs.empty()) job.inputs.push_back("-");
  Status s = chooseKind(job, count);
  if (!s.ok()) return s;
  if (!job.partial_path.empty()) {
    s = checkPartialJob(job);
    if (!s.ok()) return s;
    if (!job.output_path.empty() || !job.format.empty()) {
      return usage(
          "--partial FILE replaces the result: -o and -f do not apply (give "
          "them to "
          "clusterproc merge)");
    }
  }
  if (!chunk.empty()) {
    Result<uint64_t> v = parseSize(chunk, "--chunk-size");
    if (!v.ok()) return v.status();
    job.chunk_size = v.value();
  }
  if (!max_record.empty()) {
    Result<uint64_t> v = parseSize(max_record, "--max-record");
    if (!v.ok()) return v.status();
    job.max_record = v.value();
  }
  if (!flush_after.empty()) {
    Result<uint64_t> v = parseMilliseconds(flush_after, "--flush-after");
    if (!v.ok()) return v.status();
    job.flush_after_ms = v.value();
  }
  s = Checkpoint::checkJob(job);
  if (!s.ok()) return s;
  if (shard_opt->count() > 0) {
    s = parseShard(shard, "--shard", job.shard_index, job.shard_count);
    if (!s.ok()) return s;
  }
  size_t stdin_uses = 0;
  for (const std::string& in : job.inputs) stdin_uses += in == "-";
  if (stdin_uses > 1)
    return usage("standard input ('-') can be read only once");
  if (job.mpi) {
    s = checkMpi(job);
    if (!s.ok()) return s;
    if (jobs->count() == 0) job.workers = allowedCpus();
  }
  return CommandLine{job, {}};
}

}  // namespace clusterproc
