#pragma once
// The worker's hot loop: split a chunk into lines, validate and parse each
// with simdjson, feed the valid ones to the job state, note the bad ones.
//
// A chunk is parsed region by region (about kStreamRegion bytes ending at a
// newline) with simdjson's parse_many, so that stage 1 runs once per region
// instead of once per line. Each document is accepted only when it is an
// object or array that covers exactly one line (from the line's first to its
// last non-blank byte); anything else (an error, a scalar, two values on a
// line, a value across lines, a line over --max-record) stops the stream and
// that line, and the rest of the region when the retry budget is used up,
// take the per-line path. Both paths give the same records, bad records,
// reasons and columns (record_scanner_test.cc checks it).

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "big_number.h"
#include "chunk_report.h"
#include "chunker.h"
#include "explode.h"
#include "expr.h"
#include "job_state.h"

namespace clusterproc {

/// Scans chunks with one reusable parser (no allocation per record).
class RecordScanner {
 public:
  /// where: the compiled --where expressions (all must hold).
  RecordScanner(JobState& state,
                const std::vector<std::unique_ptr<Expr>>& where,
                uint64_t max_record, bool keep_raw);
  /// Scans [data, data + size); bytes up to data + readable may be read
  /// (simdjson's padding). Appends to report. Records are ordered as lines
  /// line_base + 1, ... of chunk order_id.
  void scan(const char* data, size_t size, size_t readable, uint64_t order_id,
            uint64_t line_base, ChunkReport& report);
  /// Where the records of the next scan() come from, for file() and line():
  /// the input's name and the lines of that input before the scanned bytes.
  void setOrigin(std::string_view file, uint64_t lines_before) {
    arena_.origin().file = file;
    origin_base_ = lines_before;
  }
  /// --explode: each valid record goes through exploder (not owned) first.
  void setExploder(Exploder* exploder) { exploder_ = exploder; }
  /// --select '*': a (produced) record that passes --where but is not an
  /// object is a bad record, once per line: reason, then what it is ("an
  /// array").
  void requireObjects(std::string reason) {
    object_reason_ = std::move(reason);
  }
  /// Test hook: false parses every line on its own (the fall-back path).
  void setStreaming(bool on) { streaming_ = on; }
  /// Lines accepted from the region streams so far (tests and profiling).
  uint64_t streamedLines() const { return streamed_; }

  /// Bytes per parse_many region (the last line of a region ends it).
  static constexpr size_t kStreamRegion = 256u << 10;
  /// Streams a region may start after a line broke the previous one.
  static constexpr unsigned kStreamRestarts = 2;

 private:
  /// Where the next line of a chunk starts and how many lines came before.
  struct Pos {
    size_t at = 0;
    uint64_t lines = 0;
  };
  /// Lines of [pos.at, end) one at a time.
  void scanLines(const char* data, size_t end, size_t readable, Pos& pos,
                 uint64_t max_lines, uint64_t order, ChunkReport& report);
  /// As many lines of [pos.at, end) as one parse_many stream takes; false
  /// when another stream over the rest of the region would fail as well.
  bool scanStream(const char* data, size_t end, Pos& pos, uint64_t order,
                  ChunkReport& report);
  /// One non-blank line with the per-line parser.
  void scanLine(const Line& line, uint64_t line_no, size_t readable,
                uint64_t order, ChunkReport& report);
  /// A valid record: counts it and hands it to the job when --where holds.
  void accept(simdjson::dom::element root, const Line& line, uint64_t line_no,
              uint64_t order, ChunkReport& report);
  /// One record of a line (the line's, or one --explode made): --where,
  /// then the job. bad: the line was already reported as a bad record.
  void take(simdjson::dom::element root, std::string_view text,
            const Line& line, uint64_t line_no, uint64_t order,
            ChunkReport& report, bool& bad);
  void addBad(ChunkReport& report, uint64_t line, size_t offset,
              std::string reason, std::string_view raw);
  bool matches(simdjson::dom::element root);
  JobState& state_;
  const std::vector<std::unique_ptr<Expr>>& where_;
  uint64_t max_record_;
  bool keep_raw_;
  JsonParser parser_;
  simdjson::dom::parser stream_parser_;
  bool streaming_ = true;
  uint64_t streamed_ = 0;
  std::string
      scratch_;      ///< padded copy for a record at the end of readable memory
  EvalArena arena_;  ///< strings made while evaluating one record
  uint64_t origin_base_ = 0;  ///< setOrigin()'s lines_before
  Exploder* exploder_ = nullptr;
  std::string object_reason_;  ///< empty: any record will do
};

/// A short reason for a simdjson error code ("invalid UTF-8", ...).
std::string parseErrorReason(simdjson::error_code code);

}  // namespace clusterproc
