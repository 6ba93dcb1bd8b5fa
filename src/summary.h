#pragma once
// The summary profile (SPEC section 5): per-path statistics of every record seen.

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "status.h"

namespace clusterproc {

/// Mergeable summary state. add() is called once per valid record on the hot
/// path and must not allocate once the set of paths and tracked values is
/// known. merge() is exact, commutative and associative, so the final output
/// does not depend on how records were split among chunks and workers.
class SummaryState {
 public:
  SummaryState();
  ~SummaryState();
  SummaryState(SummaryState&&) noexcept;
  SummaryState& operator=(SummaryState&&) noexcept;

  /// Accounts one valid record (the root element of its parsed document).
  void add(simdjson::dom::element record);
  /// Folds another state into this one.
  void merge(const SummaryState& other);
  /// Compact binary form, for the pipe from worker to master.
  std::string serialize() const;
  /// Reads serialize()'s output back; fails on malformed bytes.
  static Result<SummaryState> deserialize(std::string_view bytes);
  /// Appends the summary JSON object (no trailing newline) to out.
  void render(std::string& out, uint64_t records, uint64_t bad_records,
              uint64_t bytes) const;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace clusterproc
