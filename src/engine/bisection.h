#pragma once
// Narrowing down a chunk that keeps killing workers: its lines are run in
// halves ("probes") in fresh workers until the lines that crash a worker on
// their own are found; they become bad records, the rest is processed.

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "chunk_report.h"
#include "messages.h"

namespace clusterproc {

/// Probe ids have this bit set; chunk ids never do.
inline constexpr uint64_t kProbeBit = 1ull << 63;

/// The bisection of one chunk.
class Bisection {
 public:
  /// parent: the chunk's assignment; data/size: its bytes (the master can
  /// read them: a mapped file or a ring slot that stays held until the end).
  Bisection(const Assign& parent, const char* data);

  /// Fills probe with the next range to run under id, if one is waiting.
  bool nextProbe(uint64_t id, Assign& probe);
  /// A probe finished; its report (lines relative to the probe) is kept.
  void probeDone(uint64_t id, ChunkReport report);
  /// A probe's worker died (how: "signal 11 (Segmentation fault)"): the range
  /// is split, or, for one line, that line is a poison record.
  void probeCrashed(uint64_t id, const std::string& how);
  /// A probe that never started (its worker died on an earlier one) goes
  /// back to the front of the queue, unchanged.
  void probeLost(uint64_t id);
  /// True when no probe is waiting or running.
  bool finished() const { return todo_.empty() && running_.empty(); }
  /// The chunk's report as if one worker had processed it (call once, when
  /// finished()).
  ChunkReport assemble();
  /// Number of poison lines found so far.
  size_t poisoned() const { return poison_.size(); }

 private:
  struct Range {
    size_t first = 0;  ///< first line (0-based)
    size_t end = 0;    ///< one past the last line
  };
  Assign parent_;
  const char* data_;
  std::vector<size_t> starts_;  ///< offset of each line in the chunk, then size
  std::deque<Range> todo_;
  std::map<uint64_t, Range> running_;
  std::map<size_t, ChunkReport> done_;  ///< by first line
  std::vector<BadRecord> poison_;
};

}  // namespace clusterproc
