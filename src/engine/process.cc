#include "process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "fd.h"
#include "signals.h"
#include "sys.h"

namespace clusterproc {

namespace {

/// How a worker ended, or "" for a clean exit 0.
std::string describeEnd(int status) {
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  return waitStatusText(status);
}

}  // namespace

ForkLauncher::~ForkLauncher() { killAll(); }

Result<WorkerHandle> ForkLauncher::start(const WorkerBody& body) {
  // Both ends close-on-exec: no leak into --exec children.
  Result<Pipe> cmd = Pipe::open(O_CLOEXEC, "worker channel");
  if (!cmd.ok()) return cmd.status();
  Result<Pipe> res = Pipe::open(O_CLOEXEC, "worker channel");
  if (!res.ok()) return res.status();
  pid_t master = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    return Status::error(ExitCode::kWorkerFailed, errnoText("fork", "worker"));
  }
  if (pid == 0) {
    // The child leaves by _exit: no destructor runs, it closes by hand.
    resetSignalsInChild();
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != master) ::_exit(1);  // the master died before prctl
    ::setpgid(0, group_);
    for (const WorkerHandle& h : live_) {
      ::close(h.cmd_fd);
      ::close(h.result_fd);
    }
    cmd.value().write.reset();
    res.value().read.reset();
    int code = 1;
    try {
      code = body(cmd.value().read.get(), res.value().write.get());
    } catch (...) {
      code = 70;  // no exception may escape a worker
    }
    ::_exit(code);
  }
  // Both sides call setpgid so that the group exists whichever runs first.
  ::setpgid(pid, group_);
  if (group_ == 0) group_ = pid;
  // The worker's ends close as cmd and res go.
  WorkerHandle h{pid, cmd.value().write.release(), res.value().read.release()};
  live_.push_back(h);
  return h;
}

void ForkLauncher::killAll() {
  if (live_.empty()) return;
  if (group_ > 0) ::kill(-group_, SIGKILL);
  for (WorkerHandle& h : live_) {
    ::kill(h.pid, SIGKILL);
    int status;
    waitPid(h.pid, &status, 0);
    closeFd(h.cmd_fd);
    closeFd(h.result_fd);
  }
  live_.clear();
}

std::string ForkLauncher::reap(WorkerHandle& handle) {
  int status = 0;
  pid_t r = waitPid(handle.pid, &status, 0);
  auto it =
      std::find_if(live_.begin(), live_.end(),
                   [&](const WorkerHandle& h) { return h.pid == handle.pid; });
  if (it != live_.end()) live_.erase(it);
  closeFd(handle.cmd_fd);
  closeFd(handle.result_fd);
  if (r < 0)
    return errnoText("waitpid", "worker " + std::to_string(handle.pid));
  return describeEnd(status);
}

}  // namespace clusterproc
