#include "output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
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
}  // namespace

Result<OutputFile> OutputFile::open(const std::string& path) {
  OutputFile out;
  if (path.empty() || path == "-") {
    out.fd_ = STDOUT_FILENO;
    return out;
  }
  out.target_ = path;
  std::string tmpl = folderOf(path) + "/." + baseOf(path) + ".clusterproc-tmp-XXXXXX";
  int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) {
    return Status::error(ExitCode::kInput, errnoText("cannot create output", path));
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

OutputFile::OutputFile(OutputFile&& other) noexcept
    : target_(std::move(other.target_)),
      temp_(std::move(other.temp_)),
      fd_(other.fd_),
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

Status OutputFile::flush() {
  if (buf_.empty()) return Status();
  Status s = writeAll(fd_, buf_.data(), buf_.size(),
                      target_.empty() ? "standard output" : temp_);
  buf_.clear();
  if (!s.ok() && errno == EPIPE && target_.empty()) {
    return Status::error(ExitCode::kInput, kBrokenPipe);
  }
  return s;
}

Status OutputFile::write(std::string_view data) {
  buf_.append(data);
  if (buf_.size() >= kFlushAt) return flush();
  return Status();
}

Status OutputFile::commit() {
  Status s = flush();
  if (!s.ok() || target_.empty()) return s;
  if (::fsync(fd_) != 0) {
    return Status::error(ExitCode::kInput, errnoText("fsync", temp_));
  }
  closeFd(fd_);
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    return Status::error(ExitCode::kInput, errnoText("rename", temp_ + " -> " + target_));
  }
  unregisterTemp(temp_);
  temp_.clear();
  return Status();
}

}  // namespace clusterproc
