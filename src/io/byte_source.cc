#include "byte_source.h"

#include <algorithm>
#include <cstring>

#include "sys.h"

namespace clusterproc {

namespace {

class FdSource final : public ByteSource {
 public:
  FdSource(int fd, std::string name, std::string prefix)
      : fd_(fd), name_(std::move(name)), prefix_(std::move(prefix)) {}
  int pollFd() const override { return pos_ < prefix_.size() ? -1 : fd_; }
  Result<size_t> read(char* buf, size_t n) override {
    if (pos_ < prefix_.size()) {
      size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    Result<size_t> got = readSome(fd_, buf, n, name_);
    if (got.ok() && got.value() == 0 && n > 0) end_ = true;
    return got;
  }
  bool atEnd() const override { return end_; }

 private:
  int fd_;
  std::string name_;
  std::string prefix_;
  size_t pos_ = 0;
  bool end_ = false;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(const char* data, size_t size) : data_(data), size_(size) {}
  int pollFd() const override { return -1; }
  Result<size_t> read(char* buf, size_t n) override {
    size_t k = std::min(n, size_ - pos_);
    std::memcpy(buf, data_ + pos_, k);
    pos_ += k;
    return k;
  }
  bool atEnd() const override { return pos_ == size_; }

 private:
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace

std::unique_ptr<ByteSource> makeGzipDecoder(std::unique_ptr<ByteSource> raw,
                                            std::string name, uint64_t base);
std::unique_ptr<ByteSource> makeZstdDecoder(std::unique_ptr<ByteSource> raw,
                                            std::string name, uint64_t base);

std::unique_ptr<ByteSource> makeFdSource(int fd, std::string name,
                                         std::string prefix) {
  return std::make_unique<FdSource>(fd, std::move(name), std::move(prefix));
}

std::unique_ptr<ByteSource> makeMemorySource(const char* data, size_t size) {
  return std::make_unique<MemorySource>(data, size);
}

Compression detectCompression(std::string_view head) {
  if (head.size() >= 2 && head[0] == '\x1f' && head[1] == '\x8b')
    return Compression::kGzip;
  if (head.size() >= 4 &&
      head.substr(0, 4) == std::string_view("\x28\xb5\x2f\xfd", 4)) {
    return Compression::kZstd;
  }
  // A skippable frame (0x184D2A50-5F, little-endian) first: pzstd, seekable.
  if (head.size() >= 4 &&
      (static_cast<unsigned char>(head[0]) & 0xf0) == 0x50 &&
      head.substr(1, 3) == std::string_view("\x2a\x4d\x18", 3)) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

std::unique_ptr<ByteSource> makeDecoder(Compression compression,
                                        std::unique_ptr<ByteSource> raw,
                                        std::string name, uint64_t base) {
  switch (compression) {
    case Compression::kGzip:
      return makeGzipDecoder(std::move(raw), std::move(name), base);
    case Compression::kZstd:
      return makeZstdDecoder(std::move(raw), std::move(name), base);
    case Compression::kNone:
      break;
  }
  return raw;
}

}  // namespace clusterproc
