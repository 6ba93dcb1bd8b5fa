#pragma once
// The state a job accumulates over records: one per worker, merged by the
// master. Merges are exact and order-independent, so results do not depend
// on -j or --chunk-size.

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "job.h"
#include "status.h"
#include "value.h"

namespace clusterproc {

/// Counts the master keeps from the in-order chunk reports.
struct RunTotals {
  uint64_t records = 0;
  uint64_t matched = 0;  ///< records that passed --where
  uint64_t rows = 0;     ///< rows written
  uint64_t bad_records = 0;
  uint64_t bytes = 0;
  uint64_t lines = 0;
};

struct ChunkReport;

/// One valid record as the worker sees it.
struct RecordRef {
  simdjson::dom::element root;  ///< the parsed record
  std::string_view line;        ///< its text, without the line ending
  uint64_t chunk_offset = 0;    ///< byte offset of the line in its chunk
  uint64_t order = 0;           ///< input order: chunk id << 32 | line in chunk
};

/// Per-job accumulator, fed one valid (and --where-matching) record at a time.
class JobState {
 public:
  virtual ~JobState() = default;
  /// Accounts one record (hot path: no allocation per call once warm).
  /// Streaming jobs append their output for the record to out.
  virtual void add(const RecordRef& rec, EvalArena& arena,
                   ChunkReport& out) = 0;
  /// The mergeable state, as bytes for the pipe.
  virtual std::string serialize() const = 0;
  /// serialize(), then back to the empty state: a worker sends the state of
  /// each chunk with its report, so a worker's death loses nothing merged.
  /// Stateless jobs return "".
  virtual std::string takePartial() { return {}; }
  /// Folds a serialized state into this one.
  virtual Status mergeSerialized(std::string_view bytes) = 0;
  /// mergeSerialized() of the state of a separate run whose input comes
  /// after order_offset input positions (partials, docs/partials.md). States
  /// that keep no input position ignore the offset.
  virtual Status mergeShifted(std::string_view bytes,
                              uint64_t /*order_offset*/) {
    return mergeSerialized(bytes);
  }
  /// The final rows (one JSON text each): the whole result of a summary,
  /// count or aggregate job. Streaming jobs have none here.
  virtual void render(std::vector<std::string>& rows,
                      const RunTotals& totals) const = 0;
};

struct Query;
/// The state for the job's kind; query holds its compiled expressions and
/// must outlive the state.
std::unique_ptr<JobState> makeJobState(const Job& job, const Query& query);

/// True for jobs whose rows come out per chunk (--where, --select).
bool isStreamingJob(const Job& job);

}  // namespace clusterproc
