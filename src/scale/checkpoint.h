#pragma once
// --checkpoint DIR: the master saves, now and then, the merged state of the
// chunks finished in input order and the position reached; a run started
// again with the same job, inputs and shard resumes from there (see
// docs/shards-and-checkpoints.md). The file DIR/checkpoint is a partial
// (partial_format.h) with extensions for the position, the inputs' identity
// and the shard.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fd.h"
#include "input.h"
#include "job.h"
#include "job_state.h"
#include "shard.h"
#include "status.h"

namespace clusterproc {

/// Where a run stands after the chunks merged so far, in input order.
struct CheckpointPosition {
  uint32_t input = 0;       ///< index of the input of the next chunk
  uint64_t offset = 0;      ///< byte offset of the next chunk in that input
  uint64_t line_base = 0;   ///< lines of that input before offset
  uint64_t next_chunk = 0;  ///< id of the next chunk (chunk ids keep growing)
};

/// What a resumed run starts from.
struct CheckpointResume {
  CheckpointPosition position;
  RunTotals totals;   ///< records, matched, bad_records, bytes, lines so far
  std::string state;  ///< JobState::serialize() of the chunks before position
};

/// Test hook: the master SIGKILLs itself right after the N-th in-order chunk
/// is checkpointed (and every chunk is checkpointed).
inline constexpr const char* kDieAfterChunksEnv =
    "CLUSTERPROC_TEST_DIE_AFTER_CHUNKS";
/// Test hook: the master raises SIGINT after the N-th in-order chunk.
inline constexpr const char* kSignalAfterChunksEnv =
    "CLUSTERPROC_TEST_SIGINT_AFTER_CHUNKS";

/// Least seconds between two checkpoint writes.
inline constexpr int kCheckpointSeconds = 5;
/// A write that took d waits at least this many times d before the next one,
/// so that a large state (a big group-by) costs at most about 5% of the run.
inline constexpr int kCheckpointSpacing = 20;

/// The checkpoint folder of one run, locked for it.
class Checkpoint {
 public:
  /// A usage error unless job can be checkpointed (summary, --count,
  /// --group-by/--agg); the inputs are checked by open().
  static Status checkJob(const Job& job);
  /// Creates or opens job.checkpoint_dir, locks it (one run at a time),
  /// removes temporary files a killed run left, and loads DIR/checkpoint if
  /// there is one: it must match job, inputs and shard (else exit 2, naming
  /// what differs).
  static Result<std::unique_ptr<Checkpoint>> open(
      const Job& job, const std::vector<Input>& inputs);
  /// A fresh run that ends without saving anything leaves no trace.
  ~Checkpoint();
  Checkpoint(const Checkpoint&) = delete;
  Checkpoint& operator=(const Checkpoint&) = delete;

  /// DIR/checkpoint.
  std::string path() const;
  /// The loaded checkpoint, if the run resumes.
  const std::optional<CheckpointResume>& resume() const { return resume_; }
  /// The ranges to process: ranges (the shard's, or whole inputs) with the
  /// part before the resume position removed.
  std::vector<InputRange> remaining(std::vector<InputRange> ranges) const;
  /// What an earlier run did, for the console ("" when not resuming).
  std::string resumeNote() const;

  /// Called after each chunk merged in order: writes the checkpoint when one
  /// is due (kCheckpointSeconds passed, or always with the test hook) or
  /// force is set. The test hook kDieAfterChunksEnv acts here.
  Status chunkMerged(const CheckpointPosition& pos, const RunTotals& totals,
                     const JobState& state);
  /// Writes the checkpoint now (an interrupted run).
  Status save(const CheckpointPosition& pos, const RunTotals& totals,
              const JobState& state);
  /// True when kSignalAfterChunksEnv asks for a SIGINT after this chunk.
  bool signalNow() const;
  /// The run succeeded: removes the checkpoint, the lock and DIR if empty.
  Status finish();

 private:
  Checkpoint(const Job& job, std::string dir);

  const Job& job_;
  std::string dir_;
  std::string
      identity_;  ///< the inputs' identity (extension "inputs-identity")
  UniqueFd lock_fd_;
  bool created_ = false;  ///< this run made DIR
  bool locked_ = false;   ///< this run holds DIR/lock
  bool found_ = false;    ///< DIR/checkpoint existed (loaded or refused)
  bool saved_ = false;    ///< a checkpoint was written by this run
  std::optional<CheckpointResume> resume_;
  std::chrono::steady_clock::time_point last_write_;  ///< end of the last write
  std::chrono::steady_clock::duration wait_;          ///< before the next one
  uint64_t merged_ = 0;        ///< chunks merged by this run
  uint64_t die_after_ = 0;     ///< test hook, 0: off
  uint64_t signal_after_ = 0;  ///< test hook, 0: off
};

}  // namespace clusterproc
