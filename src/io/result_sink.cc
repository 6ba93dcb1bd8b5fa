#include "result_sink.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "console.h"
#include "row_sort.h"
#include "summary_table.h"
#include "sys.h"

namespace clusterproc {

namespace {

/// The extension of path's file name, lowercase ("csv"); "" if none.
std::string extensionOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  const size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    return "";
  if (dot == (slash == std::string::npos ? 0 : slash + 1))
    return "";  // ".hidden"
  std::string ext = path.substr(dot + 1);
  for (char& c : ext)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace

Result<Format> resolveFormat(const Job& job, bool stdout_is_terminal,
                             bool live_input) {
  if (!job.format.empty()) return parseFormat(job.format);
  if (!job.output_path.empty() && job.kind != JobKind::kExec) {
    // --exec writes the commands' bytes: its -o name says nothing of them.
    const std::string ext = extensionOf(job.output_path);
    if (ext == "csv") return Format::kCsv;
    if (ext == "tsv") return Format::kTsv;
    if (ext == "jsonl" || ext == "ndjson") return Format::kJsonl;
    if (ext == "json") {
      // One JSON document: the rows in an array; the summary and --count
      // are one object already.
      const bool one_object =
          job.kind == JobKind::kSummary || job.kind == JobKind::kCount;
      return one_object ? Format::kJsonl : Format::kJson;
    }
    const char* packer = ext == "gz"    ? "gzip"
                         : ext == "zst" ? "zstd"
                         : ext == "bz2" ? "bzip2"
                         : ext == "xz"  ? "xz"
                                        : nullptr;
    if (packer != nullptr) {
      return Status::error(ExitCode::kUsage,
                           "-o " + job.output_path +
                               ": clusterproc does not compress its "
                               "output; pipe it instead (clusterproc ... | " +
                               packer + " > " + job.output_path + ")");
    }
  }
  // The summary too: people read it as one row per field (summary_table.h).
  bool tabular = (job.kind == JobKind::kSelect && !live_input) ||
                 job.kind == JobKind::kAggregate ||
                 job.kind == JobKind::kSummary;
  if (stdout_is_terminal && job.output_path.empty() && tabular)
    return Format::kTable;
  return Format::kJsonl;
}

ResultSink::ResultSink(const Job& job, const Query& query, OutputFile& out,
                       Format format)
    : job_(job),
      query_(query),
      out_(out),
      format_(format),
      writer_(format == Format::kTable && job.kind == JobKind::kSummary
                  ? makeSummaryTableWriter(out, terminalWidth())
                  : makeRowWriter(
                        format, out, query.columns,
                        format == Format::kTable ? terminalWidth() : 0)) {}

Status ResultSink::emit(std::string_view row) {
  ++rows_;
  return writer_->write(row);
}

Result<bool> ResultSink::addChunk(std::string_view output,
                                  const std::vector<uint64_t>& row_lines,
                                  uint64_t& cut_line) {
  if (job_.kind == JobKind::kExec) {
    Status s = writeRaw(output);
    if (!s.ok()) return s;
    return false;
  }
  const bool limited = job_.limit >= 0;
  if (!query_.sort.empty()) {
    // Everything is kept for the sort; --limit applies after it.
    for (size_t start = 0; start < output.size();) {
      size_t nl = output.find('\n', start);
      buffered_.emplace_back(output.substr(start, nl - start));
      start = nl + 1;
    }
    return false;
  }
  uint64_t room =
      limited ? static_cast<uint64_t>(job_.limit) - rows_ : row_lines.size();
  size_t take = std::min<uint64_t>(room, row_lines.size());
  size_t end = 0;
  for (size_t i = 0; i < take; ++i) end = output.find('\n', end) + 1;
  if (format_ == Format::kJsonl) {
    // The rows are already jsonl: one write for the chunk, no re-parsing.
    rows_ += take;
    Status s = out_.write(output.substr(0, end));
    if (!s.ok()) return s;
  } else {
    for (size_t i = 0, start = 0; i < take; ++i) {
      size_t nl = output.find('\n', start);
      Status s = emit(output.substr(start, nl - start));
      if (!s.ok()) return s;
      start = nl + 1;
    }
  }
  if (limited && rows_ == static_cast<uint64_t>(job_.limit)) {
    cut_line = take > 0 ? row_lines[take - 1] : 0;
    return true;
  }
  return false;
}

Status ResultSink::writeRaw(std::string_view bytes) {
  // --exec output is the commands' bytes, not rows: no format, no counting.
  return out_.write(bytes);
}

Status ResultSink::addRow(std::string row) {
  if (!query_.sort.empty() || job_.limit >= 0) {
    buffered_.push_back(std::move(row));
    return Status();
  }
  return emit(row);
}

Status ResultSink::finish() {
  if (!query_.sort.empty()) {
    for (const std::string& item : sortRows(buffered_, query_.sort)) {
      // Not an error (a column may be null everywhere), but a misspelt field
      // would otherwise leave the rows unsorted without a word.
      console().warn(
          "--sort '" + item +
          "' is null on every row (a missing field?): it orders nothing");
    }
  }
  size_t n = buffered_.size();
  if (job_.limit >= 0) n = std::min<size_t>(n, static_cast<size_t>(job_.limit));
  for (size_t i = 0; i < n; ++i) {
    Status s = emit(buffered_[i]);
    if (!s.ok()) return s;
  }
  buffered_.clear();
  return writer_->finish();
}

}  // namespace clusterproc
