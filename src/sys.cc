#include "sys.h"

#include <sys/wait.h>
#include <unistd.h>

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

Status writeAll(int fd, const void* data, size_t len, const std::string& subject) {
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

Result<size_t> readSome(int fd, void* buf, size_t len, const std::string& subject) {
  for (;;) {
    ssize_t n = ::read(fd, buf, len);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) {
      return Status::error(ExitCode::kInput, errnoText("read", subject));
    }
  }
}

Result<size_t> readFull(int fd, void* buf, size_t len, const std::string& subject) {
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

}  // namespace clusterproc
