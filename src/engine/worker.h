#pragma once
// The worker process: takes chunk assignments from its pipe, gets the chunk's
// bytes (a regular file's through io/chunk_reader.h: pread into a reused
// buffer, or the inherited mapping; a stream's in place in its ring slot),
// scans them, reports each chunk, and at the end sends its job state.

#include <vector>

#include "input.h"
#include "job.h"
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
};

/// Runs the worker loop until Finish or the master's end; returns the exit
/// status. Never throws.
int runWorker(const WorkerContext& ctx, int cmd_fd, int result_fd);

}  // namespace clusterproc
