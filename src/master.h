#pragma once
// The master's event loop: hands chunks to workers, merges their reports in
// chunk order, reacts to signals and to workers that die.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "bad_records.h"
#include "channel.h"
#include "chunk_source.h"
#include "job.h"
#include "job_state.h"
#include "ordered_merger.h"
#include "process.h"
#include "result_sink.h"
#include "worker.h"

namespace clusterproc {

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
  /// Bad compressed input met after run() processed what came before it.
  const Status& inputError() const { return source_.inputError(); }

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
  Status dispatch();
  Status sendAssign(Worker& w, const Assign& a);
  Status onReadable(Worker& w);
  Status onFrame(Worker& w, const Frame& frame);
  Status drainMerged();
  Status workerLost(Worker& w, const std::string& why);
  Status finishWorkers();
  Worker* leastBusy();
  bool allDone() const;
  std::string describeChunk(uint64_t id) const;
  Status pollOnce();

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
  bool stop_ = false;  ///< --limit reached: no more input needed
  uint32_t merge_input_ = UINT32_MAX;
  uint64_t line_base_ = 0;
};

}  // namespace clusterproc
