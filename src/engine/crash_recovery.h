#pragma once
// What the master does with the chunks of a worker that died: the chunk it
// was processing runs again, first in line, until it has killed --retries
// workers; then it is bisected (bisection.h) in fresh workers down to the
// lines that crash a worker on their own. Chunks only queued behind it run
// again without counting against them. Deaths beyond a few per chunk mean
// that something other than the records kills the workers: the run gives up.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "bisection.h"
#include "chunk_report.h"
#include "messages.h"

namespace clusterproc {

/// The retry queue and the bisections of one run.
class CrashRecovery {
 public:
  /// Where the master can read the bytes of an assignment.
  using BytesOf = std::function<const char*(const Assign&)>;
  /// retries: --retries (runs of a chunk that may crash before bisection).
  CrashRecovery(unsigned retries, BytesOf bytes);

  /// Fills a with the next chunk or probe to run again, if one is waiting.
  bool next(Assign& a);
  /// A worker died with a in flight. crashed: a was the assignment it was
  /// processing (the first in flight), not one queued behind it; how: how
  /// the worker ended ("signal 9 (Killed)"). False when a has killed
  /// --retries workers and cannot be bisected (a piece that the workers
  /// decode: the master does not hold its bytes).
  [[nodiscard]] bool requeue(const Assign& a, bool crashed,
                             const std::string& how);
  /// Counts one worker death; false once the deaths exceed what produced
  /// chunks can explain (give up).
  bool death(uint64_t produced);
  /// Worker deaths so far.
  unsigned deaths() const { return deaths_; }
  /// The report of a probe (its id has kProbeBit) is kept; once the
  /// bisection of its chunk is finished, that chunk's report.
  std::optional<ChunkReport> probeDone(ChunkReport report);
  /// Reports of the chunks whose bisection finished without a new report
  /// (their last probes crashed), after requeue().
  std::vector<ChunkReport> takeFinished();
  /// A chunk's report is in: its failed runs are forgotten.
  void chunkDone(uint64_t id) { attempts_.erase(id); }
  /// Job states of the probes of chunk id, to merge with it.
  std::vector<std::string> takeProbeStates(uint64_t id);
  /// True when nothing waits to be run again.
  bool idle() const { return retry_.empty() && bisections_.empty(); }

 private:
  unsigned retries_;
  BytesOf bytes_;
  std::deque<Assign> retry_;                         ///< chunks to run again
  std::unordered_map<uint64_t, unsigned> attempts_;  ///< failed runs per chunk
  std::map<uint64_t, Bisection> bisections_;         ///< by chunk id
  std::unordered_map<uint64_t, uint64_t> probe_parent_;
  /// Job states of bisection probes, merged with their chunk, in order.
  std::unordered_map<uint64_t, std::vector<std::string>> probe_states_;
  uint64_t next_probe_ = 0;
  unsigned deaths_ = 0;
};

}  // namespace clusterproc
