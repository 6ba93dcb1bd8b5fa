#pragma once
// The worker process: takes chunk assignments from its pipe, gets the chunk's
// bytes (a regular file's through io/chunk_reader.h: pread into a reused
// buffer, or the inherited mapping; a stream's in place in its ring slot),
// scans them, reports each chunk, and at the end sends its job state. With
// direct output it keeps --exec outputs and writes them when told to
// (direct_output.h).

#include <vector>

#include "input.h"
#include "job.h"
#include "output.h"
#include "shm_ring.h"

namespace clusterproc {

/// What a worker inherits from the master across fork().
struct Query;
struct WorkerContext {
  const Job* job = nullptr;
  const Query* query = nullptr;
  const std::vector<Input>* inputs = nullptr;
  const ShmRing* ring = nullptr;  ///< null when no input is a stream
  unsigned index = 0;             ///< this worker's number (CLUSTERPROC_WORKER)
  /// --exec with direct output (direct_output.h): the run's output, the
  /// worker's copy across fork(). A chunk's output is held by its worker and
  /// written there when the master says it is its turn (Emit). Null:
  /// outputs go in the reports.
  OutputFile* direct_out = nullptr;
  /// Direct output: the word shared with the master (HeldLedger::mark()).
  uint64_t* emit_mark = nullptr;
};

/// Runs the worker loop until Finish or the master's end; returns the exit
/// status. Never throws.
int runWorker(const WorkerContext& ctx, int cmd_fd, int result_fd);

}  // namespace clusterproc
