#include "cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>

namespace clusterproc {

namespace {

constexpr const char* kVersion = "clusterproc 0.1.0";

constexpr const char* kExamples = R"(
Examples:
  clusterproc data/sample.jsonl               summary profile of every field
  clusterproc -j8 --count logs/*.jsonl        count the valid records
  zcat big.jsonl.gz | clusterproc --count     standard input works too
  clusterproc --max-errors 0 in.jsonl         strict: stop at the first bad record
  clusterproc --bad-records bad.jsonl in.jsonl   keep every bad line with its reason

Exit status: 0 ok, 1 usage, 2 input/output error, 3 bad records seen,
4 a worker failed, 130/143 interrupted.
)";

unsigned onlineCpus() {
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<unsigned>(n) : 1;
}

Status usage(const std::string& msg) { return Status::error(ExitCode::kUsage, msg); }

/// The job's kind from its options; contradictory options are usage errors.
Status chooseKind(Job& job, bool count) {
  bool aggregate = !job.group_by.empty() || !job.agg.empty();
  int kinds = count + aggregate + !job.select.empty() + !job.exec.empty();
  if (kinds > 1) {
    return usage("--count, --select, --exec and --group-by/--agg cannot be combined");
  }
  if (!job.exec.empty()) {
    job.kind = JobKind::kExec;
  } else if (count) {
    job.kind = JobKind::kCount;
  } else if (aggregate) {
    job.kind = JobKind::kAggregate;
  } else if (!job.select.empty()) {
    job.kind = JobKind::kSelect;
  } else if (!job.where.empty()) {
    job.kind = JobKind::kWhere;
  } else {
    job.kind = JobKind::kSummary;
  }
  bool rows = job.kind != JobKind::kSummary && job.kind != JobKind::kCount &&
              job.kind != JobKind::kExec;
  if (!rows && (!job.sort.empty() || job.limit >= 0)) {
    return usage("--sort and --limit apply to --where, --select and --group-by/--agg output");
  }
  if (job.unordered && job.kind != JobKind::kExec) return usage("--unordered applies to --exec");
  if (!job.format.empty() && job.kind == JobKind::kExec) {
    return usage("--format does not apply to --exec (its output is the commands' bytes)");
  }
  return Status();
}

}  // namespace

Result<uint64_t> parseSize(const std::string& text, const std::string& option) {
  size_t i = 0;
  uint64_t v = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    uint64_t d = static_cast<uint64_t>(text[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return usage(option + ": size too large: " + text);
    v = v * 10 + d;
    ++i;
  }
  if (i == 0) return usage(option + ": not a size: '" + text + "' (use e.g. 64K, 4M, 1G)");
  std::string unit = text.substr(i);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  int shift = 0;
  if (unit.empty() || unit == "B") shift = 0;
  else if (unit == "K" || unit == "KB" || unit == "KIB") shift = 10;
  else if (unit == "M" || unit == "MB" || unit == "MIB") shift = 20;
  else if (unit == "G" || unit == "GB" || unit == "GIB") shift = 30;
  else if (unit == "T" || unit == "TB" || unit == "TIB") shift = 40;
  else return usage(option + ": unknown size unit in '" + text + "' (use K, M or G)");
  if (shift > 0 && v > (UINT64_MAX >> shift)) return usage(option + ": size too large: " + text);
  v <<= shift;
  if (v == 0) return usage(option + ": size must be positive: " + text);
  return v;
}

Result<CommandLine> parseCommandLine(int argc, char** argv) {
  CLI::App app{"clusterproc: process newline-delimited JSON on every core.\n"
               "Usage: clusterproc [OPTIONS] [INPUT...]   (no INPUT or '-': stdin)",
               "clusterproc"};
  app.footer(kExamples);
  app.set_version_flag("-V,--version", kVersion);
  Job job;
  job.workers = onlineCpus();
  std::string chunk, max_record;
  bool count = false;
  app.add_option("inputs", job.inputs, "Input files, named pipes or '-'")->group("Input");
  app.add_option("--where", job.where,
                 "Keep records where EXPR is neither false nor null (repeatable: all must hold)")
      ->allow_extra_args(false)  // one EXPR per --where; what follows is an input
      ->group("Job");
  app.add_option("--select", job.select, "Output one object per record: 'EXPR [as NAME], ...'")
      ->group("Job");
  app.add_flag("--count", count, "Print {\"count\":N}, the number of (matching) records")
      ->group("Job");
  app.add_option("--group-by", job.group_by, "Group records by 'EXPR [as NAME], ...'")
      ->group("Job");
  app.add_option("--agg", job.agg,
                 "Aggregates per group: count, sum(x), avg(x), quantile(x, q), top(x, k), ...")
      ->group("Job");
  app.add_option("--exec", job.exec,
                 "Pipe each chunk's (matching) lines to 'sh -c CMD'; outputs in input order")
      ->group("Job");
  app.add_flag("--unordered", job.unordered, "--exec: write outputs as they finish")
      ->group("Job");
  app.add_option("--sort", job.sort, "Order the rows: 'ITEM [asc|desc], ...'")->group("Job");
  app.add_option("--limit", job.limit, "Output at most N rows (streaming jobs stop reading early)")
      ->check(CLI::NonNegativeNumber)
      ->group("Job");
  app.add_option("-f,--format", job.format, "jsonl, json, csv, tsv or table")->group("Output");
  app.add_option("-o,--output", job.output_path,
                 "Write the result to FILE (atomically: renamed into place on success)")
      ->group("Output");
  app.add_option("-j,--jobs", job.workers, "Worker processes (default: online CPUs)")
      ->check(CLI::Range(1u, 1024u))
      ->group("Engine");
  app.add_option("--chunk-size", chunk,
                 "Bytes per chunk, newline-aligned (e.g. 64K, 4M; default: auto, at most 4M)")
      ->group("Engine");
  app.add_option("--max-record", max_record,
                 "Longest record accepted (default 64M); longer lines are bad records")
      ->group("Engine");
  app.add_option("--retries", job.retries, "Retries of a chunk whose worker died (default 2)")
      ->group("Engine");
  app.add_option("--max-errors", job.max_errors,
                 "Stop once more than N bad records were seen (0: strict)")
      ->check(CLI::NonNegativeNumber)
      ->group("Errors");
  app.add_option("--bad-records", job.bad_records_path,
                 "Write every bad record as a JSON line {file,line,offset,error,raw}")
      ->group("Errors");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return CommandLine{std::nullopt, app.help()};
  } catch (const CLI::CallForVersion&) {
    return CommandLine{std::nullopt, std::string(kVersion) + "\n"};
  } catch (const CLI::ParseError& e) {
    return usage(std::string(e.what()) + " (see clusterproc --help)");
  }
  if (job.inputs.empty()) job.inputs.push_back("-");
  Status s = chooseKind(job, count);
  if (!s.ok()) return s;
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
  size_t stdin_uses = 0;
  for (const std::string& in : job.inputs) stdin_uses += in == "-";
  if (stdin_uses > 1) return usage("standard input ('-') can be read only once");
  return CommandLine{job, {}};
}

}  // namespace clusterproc
