#pragma once
// Starting and stopping worker processes, behind an interface so that the
// master's logic does not depend on fork() itself.

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "status.h"

namespace clusterproc {

/// The master's view of one worker: its pid and the master's pipe ends.
struct WorkerHandle {
  pid_t pid = -1;
  int cmd_fd = -1;     ///< master writes assignments here
  int result_fd = -1;  ///< master reads reports here
};

/// The body a worker runs; returns its exit status.
using WorkerBody = std::function<int(int cmd_fd, int result_fd)>;

/// Starts workers and gets rid of them.
class WorkerLauncher {
 public:
  virtual ~WorkerLauncher() = default;
  /// Starts body in a new worker.
  virtual Result<WorkerHandle> start(const WorkerBody& body) = 0;
  /// Stops every worker still running, at once, and reaps it.
  virtual void killAll() = 0;
  /// Waits for one worker's end; returns how it ended ("exit status 1",
  /// "signal 9 (Killed)") or "" for a clean exit 0.
  virtual std::string reap(WorkerHandle& handle) = 0;
};

/// fork()-based workers in a process group of their own; each child resets
/// its signals, asks to be killed when the master dies, closes the master's
/// other pipe ends and leaves with _exit.
class ForkLauncher final : public WorkerLauncher {
 public:
  ~ForkLauncher() override;
  Result<WorkerHandle> start(const WorkerBody& body) override;
  void killAll() override;
  std::string reap(WorkerHandle& handle) override;

 private:
  std::vector<WorkerHandle> live_;
  pid_t group_ = 0;
};

}  // namespace clusterproc
