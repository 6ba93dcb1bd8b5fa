// gzip (zlib) and zstd decoders: the master decompresses into the ring; the
// workers parse the decompressed slots. Errors give the compressed offset.

#include <zlib.h>
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_nextInputType: one block per call
#include <zstd.h>

#include <algorithm>
#include <memory>
#include <string>

#include "byte_source.h"

namespace clusterproc {

namespace {

constexpr size_t kInBlock = 1 << 20;

/// Shared by both decoders: the compressed input buffer and its offset.
class CompressedInput {
 public:
  CompressedInput(std::unique_ptr<ByteSource> raw, std::string name)
      : raw_(std::move(raw)), name_(std::move(name)), buf_(kInBlock, '\0') {}
  /// Refills when empty; false at the end of the compressed input.
  Result<bool> refill() {
    if (pos_ < len_) return true;
    Result<size_t> n = raw_->read(buf_.data(), buf_.size());
    if (!n.ok()) return n.status();
    consumed_before_ += len_;
    pos_ = 0;
    len_ = n.value();
    return len_ > 0;
  }
  int pollFd() const { return pos_ < len_ ? -1 : raw_->pollFd(); }
  const std::string& name() const { return name_; }
  uint64_t offset() const { return consumed_before_ + pos_; }
  Status error(const std::string& kind, const std::string& what) const {
    return Status::error(ExitCode::kInput, name_ + ": " + kind + " at compressed byte " +
                                               std::to_string(offset()) + ": " + what);
  }
  std::unique_ptr<ByteSource> raw_;
  std::string name_;
  std::string buf_;
  size_t pos_ = 0;
  size_t len_ = 0;
  uint64_t consumed_before_ = 0;
};

class GzipDecoder final : public ByteSource {
 public:
  GzipDecoder(std::unique_ptr<ByteSource> raw, std::string name)
      : in_(std::move(raw), std::move(name)) {
    inflateInit2(&z_, 15 + 32);  // gzip or zlib header, detected
  }
  ~GzipDecoder() override { inflateEnd(&z_); }
  int pollFd() const override { return in_.pollFd(); }

  Result<size_t> read(char* buf, size_t n) override {
    if (!pending_.ok()) return pending_;
    if (done_) return size_t{0};
    z_.next_out = reinterpret_cast<Bytef*>(buf);
    z_.avail_out = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    while (z_.avail_out > 0) {
      Result<bool> more = in_.refill();
      if (!more.ok()) return more.status();
      if (!more.value()) {
        if (member_started_) return in_.error("truncated gzip data", "the input ends inside a member");
        done_ = true;
        break;
      }
      z_.next_in = reinterpret_cast<Bytef*>(in_.buf_.data() + in_.pos_);
      z_.avail_in = static_cast<uInt>(in_.len_ - in_.pos_);
      member_started_ = true;
      int rc = inflate(&z_, Z_NO_FLUSH);
      in_.pos_ = in_.len_ - z_.avail_in;
      if (rc == Z_STREAM_END) {
        member_started_ = false;
        inflateReset(&z_);  // concatenated members are one stream
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        // Hand out what was decoded before the error first.
        pending_ = in_.error("corrupt gzip data", z_.msg ? z_.msg : "inflate failed");
        if (z_.avail_out < n) break;
        return pending_;
      }
      if (z_.avail_out < n) break;  // return what we have, poll again
    }
    return n - z_.avail_out;
  }

 private:
  CompressedInput in_;
  z_stream z_{};
  Status pending_;  ///< an error to report once the bytes before it are out
  bool member_started_ = false;
  bool done_ = false;
};

class ZstdDecoder final : public ByteSource {
 public:
  ZstdDecoder(std::unique_ptr<ByteSource> raw, std::string name)
      : in_(std::move(raw), std::move(name)), z_(ZSTD_createDStream()) {
    ZSTD_initDStream(z_);
  }
  ~ZstdDecoder() override { ZSTD_freeDStream(z_); }
  int pollFd() const override { return in_.pollFd(); }

  // ZSTD_decompressStream drops what it wrote in a call that fails, and
  // decodes a small frame in one go when the output room holds it all: on
  // bad data, how much came out would depend on the room (the chunk size).
  // So each call gets the input of one step only (a header, one block, the
  // checksum) and, while decoded bytes wait to be flushed, no input at all:
  // a failing call never carries earlier bytes, and what comes out before
  // the damage is every block before it, whatever the room.
  Result<size_t> read(char* buf, size_t n) override {
    if (!pending_.ok()) return pending_;
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos < out.size) {
      size_t step = 0;
      if (!flushing_) {
        Result<bool> more = in_.refill();
        if (!more.ok()) return more.status();
        if (!more.value()) {
          if (frame_open_)
            return in_.error("truncated zstd data",
                             "the input ends inside a frame");
          break;
        }
        step = hint_ == 0 ? 5
                          : hint_;  // 5: ZSTD_FRAMEHEADERSIZE_PREFIX of a frame
        if (ZSTD_nextInputType(z_) == ZSTDnit_block)
          step = ZSTD_nextSrcSizeToDecompress(z_);
        step = std::min(step, in_.len_ - in_.pos_);
      }
      ZSTD_inBuffer zin{in_.buf_.data(), in_.pos_ + step, in_.pos_};
      size_t rc = ZSTD_decompressStream(z_, &out, &zin);
      in_.pos_ = zin.pos;
      if (ZSTD_isError(rc)) {
        pending_ = in_.error("corrupt zstd data", ZSTD_getErrorName(rc));
        if (out.pos > 0) break;
        return pending_;
      }
      flushing_ = out.pos == out.size;  // decoded bytes may be waiting
      hint_ = rc;
      frame_open_ = rc != 0;
      if (out.pos > 0) break;
    }
    return out.pos;
  }

 private:
  CompressedInput in_;
  ZSTD_DStream* z_;
  Status pending_;  ///< an error to report once the bytes before it are out
  bool frame_open_ = false;
  bool flushing_ = false;  ///< the last call filled the output: flush first
  size_t hint_ = 0;  ///< input the decoder asked for last (0: a frame starts)
};

}  // namespace

std::unique_ptr<ByteSource> makeGzipDecoder(std::unique_ptr<ByteSource> raw, std::string name) {
  return std::make_unique<GzipDecoder>(std::move(raw), std::move(name));
}

std::unique_ptr<ByteSource> makeZstdDecoder(std::unique_ptr<ByteSource> raw, std::string name) {
  return std::make_unique<ZstdDecoder>(std::move(raw), std::move(name));
}

}  // namespace clusterproc
