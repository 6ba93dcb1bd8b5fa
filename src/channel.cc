#include "channel.h"

#include <cstring>

#include "sys.h"

namespace clusterproc {

namespace {
constexpr size_t kHeader = 8;
constexpr size_t kReadBlock = 1 << 16;
}  // namespace

bool ByteReader::take(void* out, size_t n) {
  if (failed_ || in_.size() < n) {
    failed_ = true;
    std::memset(out, 0, n);
    return false;
  }
  std::memcpy(out, in_.data(), n);
  in_.remove_prefix(n);
  return true;
}

uint8_t ByteReader::u8() {
  uint8_t v;
  take(&v, 1);
  return v;
}

uint32_t ByteReader::u32() {
  uint32_t v;
  take(&v, sizeof v);
  return v;
}

uint64_t ByteReader::u64() {
  uint64_t v;
  take(&v, sizeof v);
  return v;
}

std::string_view ByteReader::bytes() {
  uint64_t n = u64();
  if (failed_ || in_.size() < n) {
    failed_ = true;
    return {};
  }
  std::string_view s = in_.substr(0, n);
  in_.remove_prefix(n);
  return s;
}

Status writeFrame(int fd, MsgType type, std::string_view payload,
                  const std::string& peer) {
  // One buffer, one write: frames below PIPE_BUF arrive atomically.
  std::string buf(kHeader + payload.size(), '\0');
  uint32_t header[2] = {static_cast<uint32_t>(type),
                        static_cast<uint32_t>(payload.size())};
  std::memcpy(buf.data(), header, kHeader);
  // An empty payload's data() may be null, which memcpy must not get.
  if (!payload.empty()) std::memcpy(buf.data() + kHeader, payload.data(), payload.size());
  return writeAll(fd, buf.data(), buf.size(), peer);
}

Result<bool> readFrame(int fd, std::string& storage, Frame& frame,
                       const std::string& peer) {
  uint32_t header[2];
  Result<size_t> n = readFull(fd, header, kHeader, peer);
  if (!n.ok()) return n.status();
  if (n.value() == 0) return false;
  if (n.value() != kHeader) {
    return Status::error(ExitCode::kWorkerFailed, "truncated frame from " + peer);
  }
  storage.resize(header[1]);
  n = readFull(fd, storage.data(), header[1], peer);
  if (!n.ok()) return n.status();
  if (n.value() != header[1]) {
    return Status::error(ExitCode::kWorkerFailed, "truncated frame from " + peer);
  }
  frame.type = static_cast<MsgType>(header[0]);
  frame.payload = storage;
  return true;
}

Result<size_t> FrameBuffer::fill(int fd, const std::string& peer) {
  if (start_ > 0 && start_ == buf_.size()) {
    buf_.clear();
    start_ = 0;
  } else if (start_ > kReadBlock) {
    buf_.erase(0, start_);
    start_ = 0;
  }
  size_t old = buf_.size();
  buf_.resize(old + kReadBlock);
  Result<size_t> n = readSome(fd, buf_.data() + old, kReadBlock, peer);
  buf_.resize(old + (n.ok() ? n.value() : 0));
  return n;
}

bool FrameBuffer::next(Frame& frame) {
  size_t avail = buf_.size() - start_;
  if (avail < kHeader) return false;
  uint32_t header[2];
  std::memcpy(header, buf_.data() + start_, kHeader);
  if (avail < kHeader + header[1]) return false;
  frame.type = static_cast<MsgType>(header[0]);
  frame.payload = std::string_view(buf_.data() + start_ + kHeader, header[1]);
  start_ += kHeader + header[1];
  return true;
}

}  // namespace clusterproc
