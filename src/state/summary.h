#pragma once
// The summary profile (SPEC section 5): per-path statistics of every record
// seen.
//
// Numbers as simdjson 3.0.1 types them (checked): `-0` is INT64 0, `1.0`,
// `1e2`, `1E2` and `-0.0` are DOUBLE (so "float"; -0.0 is counted as the float
// 0), integers from 2^63 to 2^64-1 are UINT64, and an integer outside
// [-2^63, 2^64) or a number beyond the double range (`1e400`) fails to parse:
// the caller counts it as a bad record.
//
// Decisions beyond SPEC section 5: a key repeated in one object counts once
// per occurrence; keys with dots that spell the same path ({"a.b":1} and
// {"a":{"b":2}}) share one entry; "top" is omitted, like "approx_distinct",
// when a path has no scalar non-null value.
//
// Beyond SPEC section 5, as new members only (docs/output-formats.md): "p50"
// and "p99" of the numbers (the DDSketch of --agg quantile), "min_string"
// and "max_string" (by bytes), and for a path holding arrays "elements": the
// statistics of their elements, with "fields" for the keys of the objects
// among them (flattened with dots as at the top) and "elements" for arrays
// of arrays. Empty arrays add no elements.
//
// Partial format (serialize(), version 3; 2 had no sketches, string bounds
// or elements), integers little-endian:
//   u8 version=3, u64 node_count, then node_count nodes in pre-order:
//   u64 parent (1-based index of an earlier node, 0 = top level), u8 kind:
//   0 = a key (u64 key_len, key bytes follow), 1 = the parent's elements
//   (never at the top level); then the path's statistics (summary_stats.h:
//   type counts, min, max, exact sum and sketch of the numbers, least and
//   greatest string, and the value set, exact counts or a HyperLogLog).
//
// Files: scalar.h (value identity and order), value_set.h (exact counts, then
// HyperLogLog), summary_stats.h (one path), summary_trie.h (the paths).

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
