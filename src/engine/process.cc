#include "process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "signals.h"
#include "sys.h"

namespace clusterproc {

namespace {

/// Pipe creation with both ends close-on-exec (no leak into --exec children).
Status makePipe(int fds[2]) {
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return Status::error(ExitCode::kWorkerFailed, errnoText("pipe", "worker channel"));
  }
  return Status();
}

std::string describeEnd(int status) {
  if (WIFEXITED(status)) {
    if (WEXITSTATUS(status) == 0) return "";
    return "exit status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    return "signal " + std::to_string(sig) + " (" + strsignal(sig) + ")";
  }
  return "unknown status " + std::to_string(status);
}

}  // namespace

ForkLauncher::~ForkLauncher() { killAll(); }

Result<WorkerHandle> ForkLauncher::start(const WorkerBody& body) {
  int cmd[2], res[2];
  Status s = makePipe(cmd);
  if (!s.ok()) return s;
  s = makePipe(res);
  if (!s.ok()) {
    ::close(cmd[0]);
    ::close(cmd[1]);
    return s;
  }
  pid_t master = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    Status err = Status::error(ExitCode::kWorkerFailed, errnoText("fork", "worker"));
    for (int fd : {cmd[0], cmd[1], res[0], res[1]}) ::close(fd);
    return err;
  }
  if (pid == 0) {
    resetSignalsInChild();
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != master) ::_exit(1);  // the master died before prctl
    ::setpgid(0, group_);
    for (const WorkerHandle& h : live_) {
      ::close(h.cmd_fd);
      ::close(h.result_fd);
    }
    ::close(cmd[1]);
    ::close(res[0]);
    int code = 1;
    try {
      code = body(cmd[0], res[1]);
    } catch (...) {
      code = 70;  // no exception may escape a worker
    }
    ::_exit(code);
  }
  // Both sides call setpgid so that the group exists whichever runs first.
  ::setpgid(pid, group_);
  if (group_ == 0) group_ = pid;
  ::close(cmd[0]);
  ::close(res[1]);
  WorkerHandle h{pid, cmd[1], res[0]};
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
  auto it = std::find_if(live_.begin(), live_.end(),
                         [&](const WorkerHandle& h) { return h.pid == handle.pid; });
  if (it != live_.end()) live_.erase(it);
  closeFd(handle.cmd_fd);
  closeFd(handle.result_fd);
  if (r < 0) return errnoText("waitpid", "worker " + std::to_string(handle.pid));
  return describeEnd(status);
}

}  // namespace clusterproc
