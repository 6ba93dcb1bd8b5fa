#include "exec_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sys.h"

namespace clusterproc {

namespace {

constexpr size_t kBlock = 1 << 16;
/// Pipe capacity asked for the command's stdin and stdout: fewer wake-ups
/// and system calls per chunk than the default 64 KiB (best effort).
constexpr int kPipeSize = 1 << 20;

std::string describe(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return "signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  }
  return "status " + std::to_string(status);
}

/// Pumps input into fds[0] and drains fds[1] (stdout) and fds[2] (stderr)
/// until both outputs reach EOF.
Status pump(int in_fd, int out_fd, int err_fd, std::string_view input, bool splice,
            std::string& out, ExecOutcome& r) {
  size_t written = 0;
  char buf[kBlock];
  // Most commands (cat, grep, jq -c) write about as much as they read: room
  // for that, so stdout is read straight into place without regrowing.
  size_t used = 0;  // bytes of out that hold output; the rest is room
  if (out.size() < input.size() + kBlock) out.resize(input.size() + kBlock);
  if (input.empty()) closeFd(in_fd);
  while (out_fd >= 0 || err_fd >= 0) {
    pollfd fds[3] = {{in_fd, POLLOUT, 0}, {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      Status s = Status::error(ExitCode::kWorkerFailed, errnoText("poll", "--exec pipes"));
      closeFd(in_fd);
      closeFd(out_fd);
      closeFd(err_fd);
      return s;
    }
    if (in_fd >= 0 && fds[0].revents) {
      ssize_t n;
      if (splice) {
        // The pipe takes references to the pages instead of a copy.
        iovec iov{const_cast<char*>(input.data() + written), input.size() - written};
        n = ::vmsplice(in_fd, &iov, 1, SPLICE_F_NONBLOCK);
      } else {
        n = ::write(in_fd, input.data() + written, input.size() - written);
      }
      if (n > 0) written += static_cast<size_t>(n);
      // EPIPE: the command stopped reading; that is its right.
      if ((n < 0 && errno != EINTR && errno != EAGAIN) || written == input.size()) closeFd(in_fd);
    }
    if (out_fd >= 0 && fds[1].revents) {
      // Read into the string's own room (grown by half when short).
      if (out.size() - used < kBlock) out.resize(used + used / 2 + kPipeSize);
      ssize_t n = ::read(out_fd, out.data() + used, out.size() - used);
      if (n > 0) used += static_cast<size_t>(n);
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) closeFd(out_fd);
    }
    if (err_fd >= 0 && fds[2].revents) {
      ssize_t n = ::read(err_fd, buf, sizeof buf);
      if (n > 0) {
        r.err.append(buf, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        closeFd(err_fd);
      }
    }
  }
  closeFd(in_fd);
  out.resize(used);
  return Status();
}

}  // namespace

Result<ExecOutcome> runCommand(const std::string& cmd, std::string_view input,
                               const std::vector<std::pair<std::string, std::string>>& env,
                               bool stable_input, std::string& out) {
  // Everything the child needs is built before vfork(): between vfork and
  // exec it may only make system calls.
  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    bool replaced = false;
    for (const auto& [k, v] : env) {
      replaced = replaced || (kv.size() > k.size() && kv.compare(0, k.size(), k) == 0 &&
                              kv[k.size()] == '=');
    }
    if (!replaced) env_text.emplace_back(kv);
  }
  for (const auto& [k, v] : env) env_text.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (std::string& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string sh = "sh", dash_c = "-c", command = cmd;
  char* argv[] = {sh.data(), dash_c.data(), command.data(), nullptr};
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;

  int in[2], outp[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return Status::error(ExitCode::kWorkerFailed, errnoText("pipe", "--exec"));
  if (::pipe2(outp, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    return Status::error(ExitCode::kWorkerFailed, errnoText("pipe", "--exec"));
  }
  if (::pipe2(err, O_CLOEXEC) != 0) {
    for (int fd : {in[0], in[1], outp[0], outp[1]}) ::close(fd);
    return Status::error(ExitCode::kWorkerFailed, errnoText("pipe", "--exec"));
  }
  // vfork, not fork: no copy of the worker's page tables and no
  // copy-on-write faults afterwards, which cost more than the command (cat)
  // itself when it runs once per chunk.
  pid_t pid = ::vfork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::sigaction(SIGPIPE, &dfl, nullptr);  // the worker ignores it; the command must not
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(outp[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    ::execve("/bin/sh", argv, envp.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(outp[1]);
  ::close(err[1]);
  if (pid < 0) {
    for (int fd : {in[1], outp[0], err[0]}) ::close(fd);
    return Status::error(ExitCode::kWorkerFailed, errnoText("fork", "--exec"));
  }
  ::fcntl(in[1], F_SETFL, O_NONBLOCK);
  ::fcntl(in[1], F_SETPIPE_SZ, kPipeSize);   // may fail (pipe-max-size): then 64 KiB
  ::fcntl(outp[0], F_SETPIPE_SZ, kPipeSize);
  ExecOutcome r;
  Status s = pump(in[1], outp[0], err[0], input, stable_input, out, r);
  int status = 0;
  waitPid(pid, &status, 0);
  if (!s.ok()) return s;
  r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  r.how = describe(status);
  if (WIFEXITED(status)) r.exit_status = WEXITSTATUS(status);
  return r;
}

}  // namespace clusterproc
