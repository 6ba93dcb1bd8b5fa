#include "output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "sys.h"

namespace clusterproc {

namespace {
constexpr size_t kFlushAt = 1 << 20;

// Temporary files by slot, for removeTempOutputsNow() (no allocation there).
constexpr int kTempSlots = 4;
char g_temp[kTempSlots][4096];

void registerTemp(const std::string& path) {
  for (auto& slot : g_temp) {
    if (slot[0] == '\0' && path.size() < sizeof slot) {
      std::memcpy(slot, path.c_str(), path.size() + 1);
      return;
    }
  }
}

void unregisterTemp(const std::string& path) {
  for (auto& slot : g_temp) {
    if (path == slot) slot[0] = '\0';
  }
}

std::string folderOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string baseOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool startsWith(const std::string& s, const char* prefix) {
  return s.compare(0, std::strlen(prefix), prefix) == 0;
}
}  // namespace

Result<OutputFile::Target> OutputFile::classify(const std::string& path) {
  struct stat st = {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    if (S_ISDIR(st.st_mode)) {
      return Status::error(ExitCode::kInput,
                           "cannot write output: " + path + ": Is a directory");
    }
    // /dev/null, a named pipe, a terminal: a rename would replace the
    // device node or the pipe with a plain file.
    return Target{path, true};
  }
  struct stat lst = {};
  if (::lstat(path.c_str(), &lst) != 0 || !S_ISLNK(lst.st_mode))
    return Target{path, false};
  // /dev/stdout, /proc/self/fd/N: whatever the descriptor is, write to it.
  if (startsWith(path, "/dev/") || startsWith(path, "/proc/"))
    return Target{path, true};
  // A link to a regular file: replace the file, keep the link.
  char* real = ::realpath(path.c_str(), nullptr);
  if (real == nullptr) return Target{path, false};
  std::string resolved(real);
  std::free(real);
  return Target{resolved, false};
}

Result<OutputFile> OutputFile::open(const std::string& path) {
  OutputFile out;
  if (path.empty() || path == "-") {
    Status open = standardStreamOpen(STDOUT_FILENO, "write output");
    if (!open.ok()) return open;
    out.fd_ = STDOUT_FILENO;
    out.live_ = true;
    return out;
  }
  Result<Target> target = classify(path);
  if (!target.ok()) return target.status();
  out.target_ = target.value().path;
  if (target.value().direct) {
    int fd = ::open(out.target_.c_str(),
                    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
      return Status::error(ExitCode::kInput,
                           errnoText("cannot open output", path));
    }
    out.fd_ = fd;
    out.direct_ = true;
    out.live_ = true;
    return out;
  }
  const std::string& real = out.target_;
  std::string tmpl =
      folderOf(real) + "/." + baseOf(real) + ".clusterproc-tmp-XXXXXX";
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) {
    return Status::error(ExitCode::kInput,
                         errnoText("cannot create output", path));
  }
  // mkstemp makes the file 0600; give it the mode a plain create would.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  out.fd_ = fd;
  out.temp_ = tmpl;
  registerTemp(tmpl);
  return out;
}

Status OutputFile::checkWritable(const std::string& path) {
  if (path.empty() || path == "-") return Status();
  Result<Target> target = classify(path);
  if (!target.ok()) return target.status();
  if (!target.value().direct) {
    Result<OutputFile> f = open(path);  // its temporary goes with it
    return f.ok() ? Status() : f.status();
  }
  if (::access(target.value().path.c_str(), W_OK) != 0) {
    return Status::error(ExitCode::kInput,
                         errnoText("cannot open output", path));
  }
  return Status();
}

OutputFile::OutputFile(OutputFile&& other) noexcept
    : target_(std::move(other.target_)),
      temp_(std::move(other.temp_)),
      fd_(other.fd_),
      direct_(other.direct_),
      live_(other.live_),
      buf_(std::move(other.buf_)) {
  other.fd_ = -1;
  other.temp_.clear();
}

OutputFile::~OutputFile() { discard(); }

void removeTempOutputsNow() {
  for (auto& slot : g_temp) {
    if (slot[0] != '\0') ::unlink(slot);
  }
}

void OutputFile::discard() {
  if (!temp_.empty()) {
    unregisterTemp(temp_);
    ::unlink(temp_.c_str());
    temp_.clear();
  }
  if (fd_ > STDOUT_FILENO) closeFd(fd_);
}

Status OutputFile::writeOut(std::string_view data) {
  Status s = writeAll(fd_, data.data(), data.size(),
                      target_.empty() ? "standard output"
                      : direct_       ? target_
                                      : temp_);
  if (!s.ok() && errno == EPIPE && target_.empty()) {
    return Status::error(ExitCode::kBrokenPipe, "broken pipe");
  }
  return s;
}

Status OutputFile::flush() {
  if (buf_.empty()) return Status();
  Status s = writeOut(buf_);
  buf_.clear();
  return s;
}

Status OutputFile::write(std::string_view data) {
  if (data.size() >= kFlushAt) {
    // A chunk's rows or --exec output: written as they are, not copied.
    Status s = flush();
    return s.ok() ? writeOut(data) : s;
  }
  buf_.append(data);
  if (buf_.size() >= kFlushAt) return flush();
  return Status();
}

Status OutputFile::commit() {
  Status s = flush();
  if (!s.ok() || target_.empty()) return s;
  if (direct_) {
    closeFd(fd_);
    return Status();
  }
  if (::fsync(fd_) != 0) {
    return Status::error(ExitCode::kInput, errnoText("fsync", temp_));
  }
  closeFd(fd_);
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    return Status::error(ExitCode::kInput,
                         errnoText("rename", temp_ + " -> " + target_));
  }
  unregisterTemp(temp_);
  temp_.clear();
  return Status();
}

}  // namespace clusterproc
