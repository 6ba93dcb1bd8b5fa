#pragma once
// The master's event loop: the dispatcher hands chunks to workers (at most
// two in flight each, production bounded by a window ahead of the merge);
// their reports are merged in chunk order (OrderedMerger, then drainMerged:
// state, rows, counts, bad records, checkpoint); a worker that dies goes to
// crash recovery (crash_recovery.h: retries, bisection) and is replaced.
// With direct output (direct_output.h) a worker keeps its --exec output until
// the merge reaches its chunk, then writes it itself.
// Workers come from a WorkerLauncher and signals from a SignalSource, so that
// tests run the whole loop in one process (tests/unit/engine/master_test.cc).

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "bad_records.h"
#include "bisection.h"
#include "channel.h"
#include "checkpoint.h"
#include "chunk_source.h"
#include "crash_recovery.h"
#include "direct_output.h"
#include "job.h"
#include "job_state.h"
#include "ordered_merger.h"
#include "process.h"
#include "result_sink.h"
#include "signals.h"
#include "worker.h"

namespace clusterproc {

class ProgressLine;

/// One run of a job over its inputs.
class Master {
 public:
  Master(const Job& job, const Query& query, const std::vector<Input>& inputs,
         ShmRing* ring, WorkerLauncher& launcher, BadRecordReporter& reporter,
         ResultSink& sink);
  /// Runs the job to its end and hands every row to the sink (not yet
  /// finished). On error every worker has been stopped.
  Status run();
  /// Counts of the run (valid after run()).
  const RunTotals& totals() const { return totals_; }
  /// Chunks run again after a worker died.
  unsigned retries() const { return recovery_.deaths(); }
  /// An input error (bad compressed data, a read error, a file that shrank)
  /// met after run() processed the whole lines before it; the message says
  /// how much was processed.
  Status inputError() const;
  /// Processes only these ranges of the inputs (--shard), chunk ids from
  /// first_id; call before run().
  void setRanges(std::vector<InputRange> ranges, uint64_t first_id);
  /// --checkpoint: saves progress through checkpoint (not owned) and, when
  /// it holds a saved run, starts from it; ranges as for setRanges(). Call
  /// instead of setRanges(), before run().
  Status setCheckpoint(Checkpoint* checkpoint, std::vector<InputRange> ranges);
  /// Draws progress while running; erased before each message (not owned).
  void setProgress(ProgressLine* progress) { progress_ = progress; }
  /// Where terminating signals come from (default: processSignals()).
  void setSignals(SignalSource* signals) { signals_ = signals; }
  /// Input bytes read so far (decompressed).
  uint64_t bytesRead() const { return resumed_bytes_ + source_.bytes(); }
  /// --partial: run() leaves the merged state unrendered, for state().
  void keepState() { render_ = false; }
  /// The merged state of the run (complete after run()).
  const JobState& state() const { return *state_; }
  /// Every input position of the run (chunk id << 32 | line) is below
  /// orderEnd() << 32.
  uint64_t orderEnd() const { return order_end_; }
  /// What every worker inherits (its index aside): for launchers that
  /// emulate workers (tests/unit/engine/fake_launcher.h).
  const WorkerContext& workerContext() const { return ctx_; }

 private:
  struct Worker {
    WorkerHandle handle;
    unsigned index = 0;
    FrameBuffer in;
    std::deque<uint64_t> in_flight;
    bool finish_sent = false;
    bool done = false;
  };

  Status startWorkers();
  Status startWorker(Worker& w);
  Status chunkDone(ChunkReport report);
  void requeue(uint64_t id, bool crashed, const std::string& how);
  /// Produces the next chunk and sends it to w, unless production must
  /// wait; false when nothing was sent.
  Result<bool> produceFor(Worker& w);
  Status reportOversized(const Assign& a);
  bool drained() const;
  Status dispatch();
  Status sendAssign(Worker& w, const Assign& a);
  Status onReadable(Worker& w);
  Status onFrame(Worker& w, const Frame& frame);
  Status onDone(Worker& w, std::string_view payload);
  Status drainMerged();
  /// Merges one report, the next in chunk order.
  Status mergeReport(ChunkReport& r, ChunkMeta& m);
  /// The rest of merging one report once its output is out (cut_line: see
  /// ResultSink::addChunk): stderr, counts, bad records, position.
  Status mergeRest(ChunkReport& r, const ChunkMeta& m, uint64_t cut_line);
  /// Direct output: asks the worker that holds r's output to write it now;
  /// the merge waits for its Emitted.
  Status startEmit(ChunkReport& r, const ChunkMeta& m);
  Status onEmitted(Worker& w, std::string_view payload);
  /// Direct output, on an error: lets the worker that is writing an output
  /// finish it, so that the output ends at the end of a chunk (a signal
  /// cuts the wait short).
  void awaitEmit();
  /// Direct output: the outputs that a dead worker held (died: its
  /// description) are gone; their chunks are booked to run again and stay
  /// in held, unless it had begun writing one (an error). One it wrote
  /// whole is merged and taken out of held: then true.
  Result<bool> dropHeld(std::vector<Assign>& held, const std::string& died);
  /// Reports r's bad records up to line cut; stops at --max-errors.
  Status reportBad(const ChunkReport& r, const ChunkMeta& m, uint64_t cut);
  Status mergeState(uint64_t id, std::string& partial);
  Status chunkMerged(const ChunkMeta& m, uint64_t id);
  /// Writes an --exec command's stderr (then empties it).
  Status passStderr(std::string& text);
  void saveInterrupted();
  Status workerLost(Worker& w, const std::string& why);
  Status finishWorkers();
  Worker* leastBusy();
  size_t slotOf(const Worker& w) const {
    return static_cast<size_t>(&w - workers_.data());
  }
  bool allDone() const;
  std::string describeChunk(uint64_t id) const;
  Status pollOnce();
  /// timeout_ms (-1: none) cut to the stream's flush deadline.
  int untilFlush(int timeout_ms) const;
  void showProgress();

  const Job& job_;
  const std::vector<Input>& inputs_;
  WorkerLauncher& launcher_;
  BadRecordReporter& reporter_;
  ResultSink& sink_;
  WorkerContext ctx_;
  ChunkSource source_;
  OrderedMerger merger_;
  std::unique_ptr<JobState> state_;
  std::vector<Worker> workers_;
  std::unordered_map<uint64_t, ChunkMeta> meta_;
  std::unordered_map<uint64_t, Assign> assigned_;
  RunTotals totals_;
  uint64_t produced_ = 0;
  bool source_done_ = false;
  bool need_read_ = false;
  bool stop_ = false;       ///< --limit reached: no more input needed
  bool render_ = true;      ///< false: keepState()
  uint64_t order_end_ = 0;  ///< 1 + the largest chunk id handed out
  CrashRecovery recovery_;
  unsigned next_index_ = 0;  ///< number of the next worker started
  uint32_t merge_input_ = UINT32_MAX;
  uint64_t line_base_ = 0;
  uint64_t decoded_base_ = 0;  ///< decoded bytes of the pieces merged so far
  Status piece_failure_;       ///< a piece that keeps killing workers
  ProgressLine* progress_ = nullptr;
  SignalSource* signals_;
  Checkpoint* checkpoint_ = nullptr;
  CheckpointPosition position_;  ///< after the chunks merged so far
  bool have_position_ = false;
  uint64_t resumed_bytes_ = 0;  ///< input bytes done by an earlier run
  uint64_t merged_bytes_ = 0;   ///< input bytes of the chunks merged in order
  /// Direct output (WorkerContext::direct_out): who holds which output.
  HeldLedger held_;
  /// The chunk whose output its worker is writing: merged up to its
  /// output, the rest when the worker says it is written.
  struct Emitting {
    ChunkReport report;
    ChunkMeta meta;
  };
  std::optional<Emitting> emitting_;
};

}  // namespace clusterproc
