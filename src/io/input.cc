#include "input.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "fd.h"
#include "sys.h"

namespace clusterproc {

namespace {

constexpr int kPipeSize = 1 << 20;

/// A stream: peeks at its first bytes to recognise compression.
Status openStream(Input& in) {
  // A pipe of 1 MiB (the unprivileged maximum by default) instead of 64 KiB:
  // the master's reads get 16 times larger and its wake-ups fewer. The
  // writer may have enlarged it already; failure leaves it as it is.
  struct stat st;
  if (::fstat(in.fd, &st) == 0 && S_ISFIFO(st.st_mode) &&
      ::fcntl(in.fd, F_GETPIPE_SZ) < kPipeSize) {
    (void)::fcntl(in.fd, F_SETPIPE_SZ, kPipeSize);
  }
  std::string head(4, '\0');
  Result<size_t> n = readFull(in.fd, head.data(), head.size(), in.name);
  if (!n.ok()) return n.status();
  head.resize(n.value());
  in.compression = detectCompression(head);
  in.source =
      makeDecoder(in.compression, makeFdSource(in.fd, in.name, head), in.name);
  return Status();
}

/// How many regular files keep their fd for pread: a quarter of the fd
/// limit (at most 256), so that a run over thousands of files under a low
/// `ulimit -n` still opens them all (the rest are read through the mapping).
size_t keptFdLimit() {
  struct rlimit rl;
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
    return 256;
  return std::min<size_t>(256, static_cast<size_t>(rl.rlim_cur) / 4);
}

Status openOne(const std::string& path, Input& in, size_t& kept_fds) {
  in.name = path == "-" ? "(stdin)" : path;
  if (path == "-") {
    in.fd = STDIN_FILENO;
    Status open = standardStreamOpen(STDIN_FILENO, "read input");
    return open.ok() ? openStream(in) : open;
  }
  UniqueFd fd(openRetry(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid())
    return Status::error(ExitCode::kInput,
                         errnoText("cannot open input", path));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return Status::error(ExitCode::kInput,
                         errnoText("cannot stat input", path));
  }
  if (S_ISDIR(st.st_mode)) {
    return Status::error(ExitCode::kInput,
                         "cannot read input: " + path + ": Is a directory");
  }
  if (!S_ISREG(st.st_mode)) {
    in.fd = fd.release();  // a named pipe or device: stream it
    return openStream(in);
  }
  in.mapped = true;
  in.size = static_cast<size_t>(st.st_size);
  if (in.size > 0) {
    void* p = ::mmap(nullptr, in.size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
    if (p == MAP_FAILED) {
      return Status::error(ExitCode::kInput,
                           errnoText("cannot map input", path));
    }
    in.data = static_cast<const char*>(p);
    size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    in.readable = (in.size + page - 1) / page * page;
  }
  in.compression = detectCompression(
      std::string_view(in.data, std::min<size_t>(in.size, 4)));
  if (in.compression != Compression::kNone) {
    // Compressed: decoded by the master into the ring like a stream, or,
    // made of independent frames, by the workers (they pread the frames).
    // The master preads the compressed bytes too: cheaper than faulting in
    // the mapping (docs/performance.md, "The read path").
    in.mapped = false;
    if (kept_fds < keptFdLimit()) {
      in.frames = findFrames(in.compression, in.data, in.size);
      // The headers read are not needed again in this process.
      ::madvise(const_cast<char*>(in.data), in.readable, MADV_DONTNEED);
      if (in.frames.size() < 2) in.frames.clear();
      in.fd = fd.release();
      ++kept_fds;
      in.source =
          makeDecoder(in.compression, makeRangeSource(in, 0, in.size), in.name);
    } else {
      fd.reset();  // the mapping keeps the file
      in.source = makeDecoder(in.compression,
                              makeMemorySource(in.data, in.size), in.name);
    }
    return Status();
  }
  if (in.mapped && kept_fds < keptFdLimit()) {
    in.fd = fd.release();  // workers pread their chunks (docs/architecture.md)
    ++kept_fds;
  }  // else the mapping keeps the file: fd closes here
  return Status();
}

}  // namespace

Result<std::vector<Input>> openInputs(const std::vector<std::string>& paths) {
  std::vector<Input> inputs;
  size_t kept_fds = 0;
  for (const std::string& path : paths) {
    Input in;
    Status s = openOne(path, in, kept_fds);
    if (!s.ok()) {
      closeInputs(inputs);
      return s;
    }
    inputs.push_back(in);
  }
  return inputs;
}

bool hasLiveInput(const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    struct stat st;
    int rc =
        path == "-" ? ::fstat(STDIN_FILENO, &st) : ::stat(path.c_str(), &st);
    if (rc == 0 &&
        (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISSOCK(st.st_mode))) {
      return true;
    }
  }
  return false;
}

void dropMapped(const Input& in, uint64_t from, uint64_t to, uint64_t margin) {
  if (!in.mapped || in.data == nullptr) return;
  static const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  uint64_t lo = from > margin ? (from - margin) / page * page : 0;
  uint64_t hi =
      std::min<uint64_t>(in.readable, (to + margin + page - 1) / page * page);
  if (hi > lo)
    ::madvise(const_cast<char*>(in.data) + lo, hi - lo, MADV_DONTNEED);
}

Result<size_t> readAt(const Input& in, uint64_t offset, char* buf, size_t n) {
  if (offset >= in.size) return size_t{0};
  if (in.fd < 0) {
    size_t k = std::min<uint64_t>(n, in.size - offset);
    std::memcpy(buf, in.data + offset, k);
    return k;
  }
  size_t done = 0;
  while (done < n) {
    ssize_t r =
        ::pread(in.fd, buf + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0)
      return Status::error(ExitCode::kInput,
                           errnoText("cannot read input", in.name));
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  return done;
}

uint64_t lineEndAfter(const Input& in, uint64_t from, uint64_t limit) {
  if (in.fd < 0) {
    if (from >= limit) return limit;
    const void* nl = std::memchr(in.data + from, '\n', limit - from);
    return nl ? static_cast<uint64_t>(static_cast<const char*>(nl) - in.data) +
                    1
              : limit;
  }
  // Lines are usually short: a small first read, then larger ones.
  static std::vector<char> buf;
  size_t piece = 4096;
  while (from < limit) {
    buf.resize(piece);
    Result<size_t> n =
        readAt(in, from, buf.data(), std::min<uint64_t>(piece, limit - from));
    // An error or a file that shrank: the worker that reads the chunk
    // meets it too and reports it.
    if (!n.ok() || n.value() == 0) return limit;
    if (const void* nl = std::memchr(buf.data(), '\n', n.value())) {
      return from +
             static_cast<uint64_t>(static_cast<const char*>(nl) - buf.data()) +
             1;
    }
    from += n.value();
    piece = 1u << 20;
  }
  return limit;
}

Status shrankError(const Input& in, uint64_t now_size) {
  return Status::error(ExitCode::kInput, in.name + ": the file shrank from " +
                                             std::to_string(in.size) + " to " +
                                             std::to_string(now_size) +
                                             " bytes while being read");
}

Status checkNotShrunk(const Input& in) {
  if (!in.mapped) return Status();
  // By name: a file removed or replaced meanwhile keeps the mapped inode
  // intact, and stat() fails or shows another file; only a shrink is fatal.
  struct stat st;
  if (::stat(in.name.c_str(), &st) != 0 ||
      static_cast<size_t>(st.st_size) >= in.size) {
    return Status();
  }
  return shrankError(in, static_cast<uint64_t>(st.st_size));
}

namespace {

class RangeSource final : public ByteSource {
 public:
  RangeSource(const Input& in, uint64_t begin, uint64_t end)
      : pos_(begin), end_(end) {
    // What readAt() uses, copied: the Input may move (into the run's list).
    in_.name = in.name;
    in_.fd = in.fd;
    in_.data = in.data;
    in_.size = in.size;
  }
  int pollFd() const override { return -1; }
  Result<size_t> read(char* buf, size_t n) override {
    Result<size_t> got =
        readAt(in_, pos_, buf,
               static_cast<size_t>(std::min<uint64_t>(n, end_ - pos_)));
    if (!got.ok()) return got;
    // A file that shrank: the decoder reports truncated data there.
    if (got.value() == 0) end_ = pos_;
    pos_ += got.value();
    return got;
  }
  bool atEnd() const override { return pos_ >= end_; }

 private:
  Input in_;
  uint64_t pos_;
  uint64_t end_;
};

}  // namespace

std::unique_ptr<ByteSource> makeRangeSource(const Input& in, uint64_t begin,
                                            uint64_t end) {
  return std::make_unique<RangeSource>(in, begin, end);
}

void closeInputs(std::vector<Input>& inputs) {
  for (Input& in : inputs) {
    in.source.reset();
    if (in.data != nullptr) ::munmap(const_cast<char*>(in.data), in.size);
    in.data = nullptr;
    if (in.fd > STDIN_FILENO) closeFd(in.fd);
  }
}

}  // namespace clusterproc
