#include "exec_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sys.h"

namespace clusterproc {

namespace {

constexpr size_t kErrTail = 4096;
constexpr size_t kBlock = 1 << 16;

std::string describe(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  }
  return "status " + std::to_string(status);
}

void keepTail(std::string& tail, const char* data, size_t n) {
  tail.append(data, n);
  if (tail.size() > 2 * kErrTail) tail.erase(0, tail.size() - kErrTail);
}

/// Pumps input into fds[0] and drains fds[1] (stdout) and fds[2] (stderr)
/// until both outputs reach EOF.
Status pump(int in_fd, int out_fd, int err_fd, std::string_view input, ExecOutcome& r) {
  size_t written = 0;
  char buf[kBlock];
  if (input.empty()) closeFd(in_fd);
  while (out_fd >= 0 || err_fd >= 0) {
    pollfd fds[3] = {{in_fd, POLLOUT, 0}, {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return Status::error(ExitCode::kWorkerFailed, errnoText("poll", "--exec pipes"));
    }
    if (in_fd >= 0 && fds[0].revents) {
      ssize_t n = ::write(in_fd, input.data() + written, std::min(input.size() - written, kBlock));
      if (n > 0) written += static_cast<size_t>(n);
      // EPIPE: the command stopped reading; that is its right.
      if ((n < 0 && errno != EINTR && errno != EAGAIN) || written == input.size()) closeFd(in_fd);
    }
    for (int k : {1, 2}) {
      int& fd = k == 1 ? out_fd : err_fd;
      if (fd < 0 || fds[k].revents == 0) continue;
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) {
        if (k == 1) r.out.append(buf, static_cast<size_t>(n));
        else keepTail(r.err_tail, buf, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        closeFd(fd);
      }
    }
  }
  closeFd(in_fd);
  return Status();
}

}  // namespace

Result<ExecOutcome> runCommand(const std::string& cmd, std::string_view input,
                               const std::vector<std::pair<std::string, std::string>>& env) {
  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    return Status::error(ExitCode::kWorkerFailed, errnoText("pipe", "--exec"));
  }
  pid_t pid = ::fork();
  if (pid < 0) return Status::error(ExitCode::kWorkerFailed, errnoText("fork", "--exec"));
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::signal(SIGPIPE, SIG_DFL);  // the worker ignores it; the command must not
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  ::fcntl(in[1], F_SETFL, O_NONBLOCK);
  ExecOutcome r;
  Status s = pump(in[1], out[0], err[0], input, r);
  int status = 0;
  waitPid(pid, &status, 0);
  if (!s.ok()) return s;
  r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  r.how = describe(status);
  if (r.err_tail.size() > kErrTail) r.err_tail.erase(0, r.err_tail.size() - kErrTail);
  return r;
}

}  // namespace clusterproc
