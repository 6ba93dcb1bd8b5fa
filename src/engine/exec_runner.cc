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

#include "fd.h"
#include "sys.h"

namespace clusterproc {

namespace {

constexpr size_t kBlock = 1 << 16;
/// Pipe capacity asked for the command's stdin and stdout: fewer wake-ups
/// and system calls per chunk than the default 64 KiB (best effort).
constexpr int kPipeSize = 1 << 20;

/// Pumps input into in_fd and drains out_fd (stdout) and err_fd (stderr)
/// until both outputs reach EOF; closes each as it is done with it. Serves
/// hook (if any) meanwhile.
Status pump(UniqueFd& in_fd, UniqueFd& out_fd, UniqueFd& err_fd,
            std::string_view input, bool splice, std::string& out,
            ExecOutcome& r, const PumpHook* hook) {
  int hook_fd = hook != nullptr ? hook->fd : -1;
  size_t written = 0;
  char buf[kBlock];
  // Most commands (cat, grep, jq -c) write about as much as they read: room
  // for that, so stdout is read straight into place without regrowing.
  size_t used = 0;  // bytes of out that hold output; the rest is room
  if (out.size() < input.size() + kBlock) out.resize(input.size() + kBlock);
  if (input.empty()) in_fd.reset();
  while (out_fd.valid() || err_fd.valid()) {
    pollfd fds[4] = {{in_fd.get(), POLLOUT, 0},
                     {out_fd.get(), POLLIN, 0},
                     {err_fd.get(), POLLIN, 0},
                     {hook_fd, POLLIN, 0}};
    if (::poll(fds, 4, -1) < 0) {
      if (errno == EINTR) continue;
      return Status::error(ExitCode::kWorkerFailed,
                           errnoText("poll", "--exec pipes"));
    }
    if (in_fd.valid() && fds[0].revents) {
      ssize_t n;
      if (splice) {
        // The pipe takes references to the pages instead of a copy.
        iovec iov{const_cast<char*>(input.data() + written),
                  input.size() - written};
        n = ::vmsplice(in_fd.get(), &iov, 1, SPLICE_F_NONBLOCK);
      } else {
        n = ::write(in_fd.get(), input.data() + written,
                    input.size() - written);
      }
      if (n > 0) written += static_cast<size_t>(n);
      // A mapped file that shrank: its pages are gone (a read would be a
      // SIGBUS). Not a short input: the caller finds the shrink.
      if (n < 0 && splice && errno == EFAULT)
        return Status::error(ExitCode::kInput,
                             errnoText("vmsplice", "--exec input"));
      // EPIPE: the command stopped reading; that is its right.
      if ((n < 0 && errno != EINTR && errno != EAGAIN) ||
          written == input.size())
        in_fd.reset();
    }
    if (out_fd.valid() && fds[1].revents) {
      // Read into the string's own room (grown by half when short).
      if (out.size() - used < kBlock) out.resize(used + used / 2 + kPipeSize);
      ssize_t n = ::read(out_fd.get(), out.data() + used, out.size() - used);
      if (n > 0) used += static_cast<size_t>(n);
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
        out_fd.reset();
    }
    if (err_fd.valid() && fds[2].revents) {
      ssize_t n = ::read(err_fd.get(), buf, sizeof buf);
      if (n > 0) {
        r.err.append(buf, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        err_fd.reset();
      }
    }
    if (hook_fd >= 0 && fds[3].revents && !hook->call()) hook_fd = -1;
  }
  in_fd.reset();
  out.resize(used);
  return Status();
}

}  // namespace

Result<ExecOutcome> runShell(
    const std::string& cmd, std::string_view input,
    const std::vector<std::pair<std::string, std::string>>& env,
    bool stable_input, std::string& out, const PumpHook* hook) {
  // Everything the child needs is built before vfork(): between vfork and
  // exec it may only make system calls.
  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    bool replaced = false;
    for (const auto& [k, v] : env) {
      replaced =
          replaced || (kv.size() > k.size() &&
                       kv.compare(0, k.size(), k) == 0 && kv[k.size()] == '=');
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

  Result<Pipe> in = Pipe::open(O_CLOEXEC, "--exec");
  if (!in.ok()) return in.status();
  Result<Pipe> outp = Pipe::open(O_CLOEXEC, "--exec");
  if (!outp.ok()) return outp.status();
  Result<Pipe> err = Pipe::open(O_CLOEXEC, "--exec");
  if (!err.ok()) return err.status();
  // vfork, not fork: no copy of the worker's page tables and no
  // copy-on-write faults afterwards, which cost more than the command (cat)
  // itself when it runs once per chunk. The child shares our memory until
  // execve: it only makes system calls (dup2 keeps no O_CLOEXEC, so its
  // stdin, stdout and stderr survive execve; every other end closes there).
  const int child_in = in.value().read.get();
  const int child_out = outp.value().write.get();
  const int child_err = err.value().write.get();
  pid_t pid = ::vfork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::sigaction(SIGPIPE, &dfl,
                nullptr);  // the worker ignores it; the command must not
    ::dup2(child_in, STDIN_FILENO);
    ::dup2(child_out, STDOUT_FILENO);
    ::dup2(child_err, STDERR_FILENO);
    ::execve("/bin/sh", argv, envp.data());
    ::_exit(127);
  }
  in.value().read.reset();
  outp.value().write.reset();
  err.value().write.reset();
  if (pid < 0)
    return Status::error(ExitCode::kWorkerFailed, errnoText("fork", "--exec"));
  UniqueFd& in_fd = in.value().write;
  UniqueFd& out_fd = outp.value().read;
  ::fcntl(in_fd.get(), F_SETFL, O_NONBLOCK);
  ::fcntl(in_fd.get(), F_SETPIPE_SZ,
          kPipeSize);  // may fail (pipe-max-size): then 64 KiB
  ::fcntl(out_fd.get(), F_SETPIPE_SZ, kPipeSize);
  ExecOutcome r;
  Status s =
      pump(in_fd, out_fd, err.value().read, input, stable_input, out, r, hook);
  // Closed before the wait (a poll error leaves them open): a command
  // blocked on a full pipe then ends by SIGPIPE instead of hanging us.
  in_fd.reset();
  out_fd.reset();
  err.value().read.reset();
  int status = 0;
  waitPid(pid, &status, 0);
  if (!s.ok()) return s;
  r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  r.how = waitStatusText(status);
  if (WIFEXITED(status)) r.exit_status = WEXITSTATUS(status);
  return r;
}

}  // namespace clusterproc
