#pragma once
// The worker's hot loop: split a chunk into lines, validate and parse each
// with simdjson, feed the valid ones to the job state, note the bad ones.

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "expr.h"
#include "job_state.h"

namespace clusterproc {

/// An invalid line; line and offset are relative to its chunk until the
/// master rebases them.
struct BadRecord {
  uint64_t line = 0;    ///< 1-based within the chunk
  uint64_t offset = 0;  ///< byte offset of the line within the chunk
  std::string reason;
  std::string raw;      ///< the line, when --bad-records asks for it
};

/// What a worker tells the master about one chunk.
struct ChunkReport {
  uint64_t chunk_id = 0;
  uint64_t lines = 0;    ///< lines in the chunk, blank ones included
  uint64_t records = 0;  ///< valid records
  uint64_t matched = 0;  ///< valid records that passed --where
  std::vector<BadRecord> bad;
  std::string output;              ///< streaming jobs: rows, one per line
  std::vector<uint64_t> row_lines; ///< line (in the chunk) of each output row
  std::string exec_error;          ///< --exec: why the command failed
  std::string partial;             ///< the job state of this chunk's records
};

/// Scans chunks with one reusable parser (no allocation per record).
class RecordScanner {
 public:
  /// where: the compiled --where expressions (all must hold).
  RecordScanner(JobState& state, const std::vector<std::unique_ptr<Expr>>& where,
                uint64_t max_record, bool keep_raw);
  /// Scans [data, data + size); bytes up to data + readable may be read
  /// (simdjson's padding). Appends to report. Records are ordered as lines
  /// line_base + 1, ... of chunk order_id.
  void scan(const char* data, size_t size, size_t readable, uint64_t order_id,
            uint64_t line_base, ChunkReport& report);
  /// Test hook: a record containing this text crashes the worker (SIGSEGV).
  void setCrashText(std::string text) { crash_text_ = std::move(text); }

 private:
  void addBad(ChunkReport& report, uint64_t line, size_t offset,
              std::string reason, std::string_view raw);
  bool matches(simdjson::dom::element root);
  JobState& state_;
  const std::vector<std::unique_ptr<Expr>>& where_;
  uint64_t max_record_;
  bool keep_raw_;
  simdjson::dom::parser parser_;
  std::string scratch_;  ///< padded copy for a record at the end of readable memory
  EvalArena arena_;      ///< strings made while evaluating one record
  std::string crash_text_;
};

/// A short reason for a simdjson error code ("invalid UTF-8", ...).
std::string parseErrorReason(simdjson::error_code code);

}  // namespace clusterproc
