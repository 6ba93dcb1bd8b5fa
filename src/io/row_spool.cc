#include "row_spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>

#include "sys.h"

namespace clusterproc {

Status RowSpool::spill() {
  if (!fd_.valid()) {
    const char* dir = std::getenv("TMPDIR");
    path_ =
        std::string(dir && *dir ? dir : "/tmp") + "/clusterproc-rows-XXXXXX";
    fd_.reset(::mkostemp(path_.data(), O_CLOEXEC));
    if (!fd_.valid()) {
      return Status::error(
          ExitCode::kInput,
          errnoText("cannot create a temporary file for the rows", path_));
    }
    ::unlink(path_.c_str());  // gone on every way out; the descriptor keeps it
  }
  Status s = writeAll(fd_.get(), buf_.data(), buf_.size(), path_);
  buf_.clear();
  return s;
}

Status RowSpool::append(std::string_view row) {
  buf_.append(row);
  buf_ += '\n';
  ++rows_;
  return buf_.size() >= memory_ ? spill() : Status();
}

Status RowSpool::replay(const std::function<Status(std::string_view)>& f) {
  if (!fd_.valid()) {
    for (size_t start = 0; start < buf_.size();) {
      size_t nl = buf_.find('\n', start);
      Status s = f(std::string_view(buf_).substr(start, nl - start));
      if (!s.ok()) return s;
      start = nl + 1;
    }
    return Status();
  }
  Status s = spill();
  if (!s.ok()) return s;
  if (::lseek(fd_.get(), 0, SEEK_SET) != 0)
    return Status::error(ExitCode::kInput, errnoText("lseek", path_));
  // buf_ holds the bytes read and not yet used: whole rows are taken from
  // its front, a row longer than a block makes it grow.
  size_t used = 0;
  for (;;) {
    buf_.erase(0, used);
    used = 0;
    size_t have = buf_.size();
    buf_.resize(have + memory_);
    Result<size_t> n = readFull(fd_.get(), buf_.data() + have, memory_, path_);
    if (!n.ok()) return n.status();
    buf_.resize(have + n.value());
    for (size_t nl; (nl = buf_.find('\n', used)) != std::string::npos;
         used = nl + 1) {
      s = f(std::string_view(buf_).substr(used, nl - used));
      if (!s.ok()) return s;
    }
    if (n.value() == 0) break;
  }
  buf_.clear();
  return Status();
}

}  // namespace clusterproc
