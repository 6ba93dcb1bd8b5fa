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

namespace clusterproc {

/// Counts the master keeps from the in-order chunk reports.
struct RunTotals {
  uint64_t records = 0;
  uint64_t bad_records = 0;
  uint64_t bytes = 0;
  uint64_t lines = 0;
};

/// Per-job accumulator, fed one valid record at a time.
class JobState {
 public:
  virtual ~JobState() = default;
  /// Accounts one valid record (hot path: no allocation per call).
  virtual void add(simdjson::dom::element record) = 0;
  /// The mergeable state, as bytes for the pipe.
  virtual std::string serialize() const = 0;
  /// Folds a serialized state into this one.
  virtual Status mergeSerialized(std::string_view bytes) = 0;
  /// Appends the final result (one JSON text, no newline) to out.
  virtual void render(std::string& out, const RunTotals& totals) const = 0;
};

/// The state for the job's kind.
std::unique_ptr<JobState> makeJobState(const Job& job);

}  // namespace clusterproc
