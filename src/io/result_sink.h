#pragma once
// The end of the master's pipeline: rows in input order (or the final rows
// of an aggregate), then --sort, --limit and the output format.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "job.h"
#include "output.h"
#include "query.h"
#include "row_writer.h"

namespace clusterproc {

/// Receives the rows of a run and writes them out.
class ResultSink {
 public:
  ResultSink(const Job& job, const Query& query, OutputFile& out,
             Format format);

  /// The output rows of one chunk, in chunk order ("row\n" each); row_lines
  /// gives each row's line in the chunk. When --limit is reached inside
  /// this chunk, returns true and sets cut_line to the line of the last row
  /// kept: the run stops there.
  Result<bool> addChunk(std::string_view output,
                        const std::vector<uint64_t>& row_lines,
                        uint64_t& cut_line);
  /// --exec output bytes, written as they are (also for --unordered, as
  /// soon as a chunk is done).
  Status writeRaw(std::string_view bytes);
  /// The end of a batch of chunks merged in order: rows written so far go
  /// out now unless the output is a -o file (readers of a live stream's
  /// results see each batch as it is merged).
  Status endBatch() { return out_.flushIfLive(); }
  /// The destination (--exec with direct output: workers write to it).
  OutputFile& output() { return out_; }
  /// One final row (summary, count, aggregate groups).
  Status addRow(std::string row);
  /// Sorts and cuts buffered rows, writes them, finishes the format.
  Status finish();
  /// Rows written or buffered so far (after --limit).
  uint64_t rows() const { return rows_; }

 private:
  Status emit(std::string_view row);

  const Job& job_;
  const Query& query_;
  OutputFile& out_;
  Format format_;
  std::unique_ptr<RowWriter> writer_;
  std::vector<std::string> buffered_;  ///< rows kept for --sort
  uint64_t rows_ = 0;
};

/// The format of a run: -f; else the extension of -o FILE (.csv, .tsv,
/// .json, .jsonl, .ndjson; .gz, .zst, .bz2, .xz are usage errors); else
/// table for the summary, --select and --group-by on a terminal, else jsonl.
/// With live_input (a pipe or terminal among the inputs), --select rows are
/// jsonl at a terminal too: a table is printed only at the end of the input,
/// and a live stream's rows are wanted as they come.
Result<Format> resolveFormat(const Job& job, bool stdout_is_terminal,
                             bool live_input = false);

}  // namespace clusterproc
