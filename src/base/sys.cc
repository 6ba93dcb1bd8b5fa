#include "sys.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace clusterproc {

std::string errnoText(const std::string& what, const std::string& subject) {
  std::string text = what;
  if (!subject.empty()) text += ": " + subject;
  text += ": ";
  text += std::strerror(errno);
  return text;
}

Status writeAll(int fd, const void* data, size_t len,
                const std::string& subject) {
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    ssize_t n = ::write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::error(ExitCode::kInput, errnoText("write", subject));
    }
    p += n;
    len -= static_cast<size_t>(n);
  }
  return Status();
}

Status writeAllParts(int fd, const std::string_view* parts, size_t n,
                     const std::string& subject) {
  constexpr size_t kMaxIov = 16;
  size_t i = 0;
  std::string_view cur;  // what is left of parts[i]
  auto skipEmpty = [&] {
    while (i < n && cur.empty()) {
      if (++i < n) cur = parts[i];
    }
  };
  if (n > 0) cur = parts[0];
  skipEmpty();
  while (i < n) {
    iovec iov[kMaxIov];
    int k = 0;
    iov[k++] = {const_cast<char*>(cur.data()), cur.size()};
    for (size_t j = i + 1; j < n && k < static_cast<int>(kMaxIov); ++j) {
      iov[k++] = {const_cast<char*>(parts[j].data()), parts[j].size()};
    }
    ssize_t w = ::writev(fd, iov, k);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::error(ExitCode::kInput, errnoText("write", subject));
    }
    for (size_t done = static_cast<size_t>(w); done > 0 && i < n;) {
      const size_t step = std::min(done, cur.size());
      cur.remove_prefix(step);
      done -= step;
      skipEmpty();
    }
    skipEmpty();
  }
  return Status();
}

Result<size_t> readSome(int fd, void* buf, size_t len,
                        const std::string& subject) {
  for (;;) {
    ssize_t n = ::read(fd, buf, len);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) {
      return Status::error(ExitCode::kInput, errnoText("read", subject));
    }
  }
}

Result<size_t> readFull(int fd, void* buf, size_t len,
                        const std::string& subject) {
  char* p = static_cast<char*>(buf);
  size_t done = 0;
  while (done < len) {
    Result<size_t> n = readSome(fd, p + done, len - done, subject);
    if (!n.ok()) return n.status();
    if (n.value() == 0) break;
    done += n.value();
  }
  return done;
}

int openRetry(const char* path, int flags, mode_t mode) {
  for (;;) {
    int fd = ::open(path, flags, mode);
    if (fd >= 0 || errno != EINTR) return fd;
  }
}

Status readToEnd(int fd, std::string& out, const std::string& subject,
                 OnInterrupt on_interrupt) {
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) return Status();
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
    } else if (errno != EINTR) {
      return Status::error(ExitCode::kInput, errnoText("read", subject));
    } else if (on_interrupt != nullptr) {
      Status s = on_interrupt();
      if (!s.ok()) return s;
    }
  }
}

Status readFile(const std::string& path, std::string& out,
                const std::string& open_what, OnInterrupt on_interrupt) {
  int fd = openRetry(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::error(ExitCode::kInput, errnoText(open_what, path));
  }
  Status s = readToEnd(fd, out, path, on_interrupt);
  closeFd(fd);
  return s;
}

namespace {
/// Which of descriptors 0, 1 and 2 the process started without.
bool g_stream_closed[3] = {false, false, false};
}  // namespace

void reserveStandardStreams() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    g_stream_closed[fd] = true;
    int null_fd = openRetry("/dev/null", O_RDWR);
    // Descriptors are handed out lowest first: null_fd is fd itself.
    if (null_fd >= 0 && null_fd != fd) {
      ::dup2(null_fd, fd);
      ::close(null_fd);
    }
  }
}

Status standardStreamOpen(int fd, const std::string& what) {
  if (fd < 0 || fd > 2 || !g_stream_closed[fd]) return Status();
  static const char* const kNames[3] = {"standard input", "standard output",
                                        "standard error"};
  return Status::error(ExitCode::kInput,
                       "cannot " + what + ": " + kNames[fd] + " is closed");
}

void closeFd(int& fd) {
  if (fd >= 0) {
    // POSIX leaves the fd state unspecified after EINTR on close; on Linux it
    // is closed, so never retry.
    ::close(fd);
    fd = -1;
  }
}

pid_t waitPid(pid_t pid, int* status, int options) {
  for (;;) {
    pid_t r = ::waitpid(pid, status, options);
    if (r >= 0 || errno != EINTR) return r;
  }
}

std::string waitStatusText(int status) {
  if (WIFEXITED(status)) {
    return "exit status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    return "signal " + std::to_string(sig) + " (" + ::strsignal(sig) + ")";
  }
  return "wait status " + std::to_string(status);
}

}  // namespace clusterproc
