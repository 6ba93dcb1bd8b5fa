#include "channel.h"

#include <algorithm>
#include <cstring>

#include "sys.h"

namespace clusterproc {

namespace {
constexpr size_t kHeader = 8;
constexpr size_t kReadBlock = 1 << 16;
}  // namespace

Status writeFrame(int fd, MsgType type, std::string_view payload,
                  const std::string& peer) {
  return writeFrameParts(fd, type, {payload}, peer);
}

Status writeFrameParts(int fd, MsgType type,
                       std::initializer_list<std::string_view> parts,
                       const std::string& peer) {
  // One writev: frames below PIPE_BUF arrive atomically, and large payloads
  // (--exec output) are not copied into a frame buffer first.
  std::string_view all[16];
  size_t n = 1;
  uint64_t size = 0;
  for (std::string_view p : parts) {
    if (n == 16)
      return Status::error(ExitCode::kWorkerFailed, "frame of too many parts");
    all[n++] = p;
    size += p.size();
  }
  if (size > UINT32_MAX) {
    return Status::error(ExitCode::kWorkerFailed,
                         "message of " + std::to_string(size) +
                             " bytes is too large for " + peer);
  }
  uint32_t header[2] = {static_cast<uint32_t>(type),
                        static_cast<uint32_t>(size)};
  all[0] = std::string_view(reinterpret_cast<const char*>(header), kHeader);
  return writeAllParts(fd, all, n, peer);
}

Result<bool> readFrame(int fd, std::string& storage, Frame& frame,
                       const std::string& peer) {
  uint32_t header[2];
  Result<size_t> n = readFull(fd, header, kHeader, peer);
  if (!n.ok()) return n.status();
  if (n.value() == 0) return false;
  if (n.value() != kHeader) {
    return Status::error(ExitCode::kWorkerFailed,
                         "truncated frame from " + peer);
  }
  storage.resize(header[1]);
  n = readFull(fd, storage.data(), header[1], peer);
  if (!n.ok()) return n.status();
  if (n.value() != header[1]) {
    return Status::error(ExitCode::kWorkerFailed,
                         "truncated frame from " + peer);
  }
  frame.type = static_cast<MsgType>(header[0]);
  frame.payload = storage;
  return true;
}

size_t FrameBuffer::missing() const {
  const size_t avail = len_ - start_;
  if (avail < kHeader) return 0;
  uint32_t header[2];
  std::memcpy(header, buf_.get() + start_, kHeader);
  const size_t whole = kHeader + header[1];
  return whole > avail ? whole - avail : 0;
}

Result<size_t> FrameBuffer::fill(int fd, const std::string& peer) {
  // Read the rest of a large frame at once when the pipe has it (at most
  // kMaxRead per call), else a block.
  constexpr size_t kMaxRead = 16u << 20;
  const size_t want = std::min(std::max(missing(), kReadBlock), kMaxRead);
  if (start_ == len_) {
    start_ = len_ = 0;
  } else if (start_ > 0 && cap_ - len_ < want) {
    std::memmove(buf_.get(), buf_.get() + start_, len_ - start_);
    len_ -= start_;
    start_ = 0;
  }
  if (cap_ - len_ < want) {
    size_t cap = std::max(cap_ * 2, len_ + want);
    std::unique_ptr<char[]> grown(new char[cap]);
    if (len_ > 0) std::memcpy(grown.get(), buf_.get(), len_);
    buf_ = std::move(grown);
    cap_ = cap;
  }
  Result<size_t> n = readSome(fd, buf_.get() + len_, want, peer);
  if (n.ok()) len_ += n.value();
  return n;
}

bool FrameBuffer::next(Frame& frame) {
  size_t avail = len_ - start_;
  if (avail < kHeader) return false;
  uint32_t header[2];
  std::memcpy(header, buf_.get() + start_, kHeader);
  if (avail < kHeader + header[1]) return false;
  frame.type = static_cast<MsgType>(header[0]);
  frame.payload = std::string_view(buf_.get() + start_ + kHeader, header[1]);
  start_ += kHeader + header[1];
  return true;
}

}  // namespace clusterproc
