// gzip (ISA-L igzip) and zstd decoders: the master decompresses into the
// ring; the workers parse the decompressed slots. Errors give the compressed
// offset. Over a stream, a decoder makes at most one read(2) per call, so
// the master, which polled for it, never waits in a decoder while workers'
// reports and a live stream's records wait for it.

#include <isa-l/igzip_lib.h>
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_nextInputType: one block per call
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

#include "byte_source.h"

namespace clusterproc {

namespace {

constexpr size_t kInBlock = 1 << 20;

/// Shared by both decoders: the compressed input buffer and its offset.
class CompressedInput {
 public:
  /// What refill() found.
  enum class Fill { kData, kEnd, kLater };

  /// base: the compressed offset of raw's first byte (error messages).
  CompressedInput(std::unique_ptr<ByteSource> raw, std::string name,
                  uint64_t base)
      : raw_(std::move(raw)),
        name_(std::move(name)),
        buf_(kInBlock, '\0'),
        consumed_before_(base) {}
  /// Call at the start of each read() of the decoder.
  void startCall() { waited_ = false; }
  /// Makes input available: kData when some is buffered (with more_needed,
  /// more than now: the decoder could not use what it has). kLater: a read
  /// would wait, and this call of the decoder has read once already.
  Result<Fill> refill(bool more_needed = false) {
    if (pos_ < len_ && !more_needed) return Fill::kData;
    if (raw_->atEnd()) return Fill::kEnd;
    const bool may_wait = raw_->pollFd() >= 0;
    if (may_wait && waited_) return Fill::kLater;
    waited_ |= may_wait;
    // Keep the bytes not yet used at the start of the buffer.
    size_t keep = len_ - pos_;
    if (keep == buf_.size()) buf_.resize(buf_.size() * 2, '\0');
    std::memmove(buf_.data(), buf_.data() + pos_, keep);
    consumed_before_ += pos_;
    pos_ = 0;
    len_ = keep;
    Result<size_t> n = raw_->read(buf_.data() + keep, buf_.size() - keep);
    if (!n.ok()) return n.status();
    len_ += n.value();
    if (n.value() > 0) return Fill::kData;
    return raw_->atEnd() ? Fill::kEnd : Fill::kLater;
  }
  int pollFd() const { return pos_ < len_ ? -1 : raw_->pollFd(); }
  uint8_t* data() { return reinterpret_cast<uint8_t*>(buf_.data()) + pos_; }
  size_t available() const { return len_ - pos_; }
  void consume(size_t n) { pos_ += n; }
  /// The offset in the compressed input of the next byte not yet used,
  /// less `held` bytes the decoder has taken but not decoded yet.
  uint64_t offset(size_t held = 0) const {
    return consumed_before_ + pos_ - held;
  }
  Status error(const std::string& kind, const std::string& what,
               size_t held = 0) const {
    return Status::error(ExitCode::kInput,
                         name_ + ": " + kind + " at compressed byte " +
                             std::to_string(offset(held)) + ": " + what);
  }

 private:
  std::unique_ptr<ByteSource> raw_;
  std::string name_;
  std::string buf_;
  size_t pos_ = 0;
  size_t len_ = 0;
  uint64_t consumed_before_ = 0;
  bool waited_ = false;  ///< this call made a read that could have waited
};

/// After refill(): whether the decoder stops for this call. At the end of
/// the input, a member or frame still open is truncated data (pending),
/// else the stream is done.
bool stopsHere(CompressedInput::Fill f, bool open, const CompressedInput& in,
               const char* kind, const char* what, Status& pending, bool& done,
               bool& truncated) {
  if (f == CompressedInput::Fill::kData) return false;
  if (f == CompressedInput::Fill::kEnd) {
    if (open) {
      pending = in.error(kind, what);
      truncated = true;
    } else {
      done = true;
    }
  }
  return true;
}

const char* isalError(int rc) {
  switch (rc) {
    case ISAL_INVALID_BLOCK:
      return "invalid deflate block";
    case ISAL_INVALID_SYMBOL:
      return "invalid deflate code";
    case ISAL_INVALID_LOOKBACK:
      return "invalid distance too far back";
    case ISAL_INVALID_WRAPPER:
      return "not a gzip header";
    case ISAL_UNSUPPORTED_METHOD:
      return "unknown compression method";
    case ISAL_INCORRECT_CHECKSUM:
      return "incorrect data check (CRC-32 or length)";
    default:
      return "inflate failed";
  }
}

/// gzip, any number of concatenated members, with ISA-L's inflate.
class GzipDecoder final : public ByteSource {
 public:
  GzipDecoder(std::unique_ptr<ByteSource> raw, std::string name, uint64_t base)
      : in_(std::move(raw), std::move(name), base),
        st_(std::make_unique<inflate_state>()) {}
  int pollFd() const override { return in_.pollFd(); }
  bool atEnd() const override { return done_; }
  bool truncated() const override { return truncated_; }

  Result<size_t> read(char* buf, size_t n) override {
    if (!pending_.ok()) return pending_;
    if (done_) return size_t{0};
    in_.startCall();
    const uint32_t want = static_cast<uint32_t>(std::min<size_t>(n, 1u << 30));
    st_->next_out = reinterpret_cast<uint8_t*>(buf);
    st_->avail_out = want;
    bool stuck = false;  // the decoder could not use the input it has
    while (st_->avail_out > 0) {
      if (in_member_) {
        st_->next_in = in_.data();
        st_->avail_in =
            static_cast<uint32_t>(std::min<size_t>(in_.available(), 1u << 30));
        const uint32_t in_before = st_->avail_in;
        const uint32_t out_before = st_->avail_out;
        int rc = isal_inflate(st_.get());
        in_.consume(in_before - st_->avail_in);
        if (rc < 0) {
          // The bits isal holds were not decoded: name the byte it stopped in.
          pending_ = in_.error("corrupt gzip data", isalError(rc),
                               static_cast<size_t>(st_->read_in_length / 8));
          break;
        }
        if (st_->block_state == ISAL_BLOCK_FINISH) {
          in_member_ = false;  // concatenated members are one stream
          continue;
        }
        stuck = st_->avail_in == in_before && st_->avail_out == out_before;
        if (!stuck) continue;
      }
      Result<CompressedInput::Fill> f =
          in_.refill(stuck && in_.available() > 0);
      if (!f.ok()) return f.status();
      if (stopsHere(f.value(), in_member_, in_, "truncated gzip data",
                    "the input ends inside a member", pending_, done_,
                    truncated_)) {
        break;
      }
      if (!in_member_) {
        // init clears the whole state, the output pointer too.
        uint8_t* next_out = st_->next_out;
        uint32_t avail_out = st_->avail_out;
        isal_inflate_init(st_.get());
        st_->next_out = next_out;
        st_->avail_out = avail_out;
        st_->crc_flag = ISAL_GZIP;  // header, trailer and CRC checked
        in_member_ = true;
      }
      stuck = false;
    }
    size_t produced = want - st_->avail_out;
    if (produced == 0 && !pending_.ok()) return pending_;
    return produced;
  }

 private:
  CompressedInput in_;
  std::unique_ptr<inflate_state> st_;  ///< 200 KB: on the heap
  Status pending_;  ///< an error to report once the bytes before it are out
  bool in_member_ = false;
  bool done_ = false;
  bool truncated_ = false;
};

class ZstdDecoder final : public ByteSource {
 public:
  ZstdDecoder(std::unique_ptr<ByteSource> raw, std::string name, uint64_t base)
      : in_(std::move(raw), std::move(name), base), z_(ZSTD_createDStream()) {
    ZSTD_initDStream(z_);
  }
  ~ZstdDecoder() override { ZSTD_freeDStream(z_); }
  int pollFd() const override { return in_.pollFd(); }
  bool atEnd() const override { return done_; }
  bool truncated() const override { return truncated_; }

  // ZSTD_decompressStream drops what it wrote in a call that fails, and
  // decodes a small frame in one go when the output room holds it all: on
  // bad data, how much came out would depend on the room (the chunk size).
  // So each call gets the input of one step only (a header, one block, the
  // checksum) and, while decoded bytes wait to be flushed, no input at all:
  // a failing call never carries earlier bytes, and what comes out before
  // the damage is every block before it, whatever the room.
  Result<size_t> read(char* buf, size_t n) override {
    if (!pending_.ok()) return pending_;
    if (done_) return size_t{0};
    in_.startCall();
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos < out.size) {
      size_t step = 0;
      if (!flushing_) {
        Result<CompressedInput::Fill> f = in_.refill();
        if (!f.ok()) return f.status();
        if (stopsHere(f.value(), frame_open_, in_, "truncated zstd data",
                      "the input ends inside a frame", pending_, done_,
                      truncated_)) {
          break;
        }
        step = hint_ == 0 ? 5
                          : hint_;  // 5: ZSTD_FRAMEHEADERSIZE_PREFIX of a frame
        if (ZSTD_nextInputType(z_) == ZSTDnit_block)
          step = ZSTD_nextSrcSizeToDecompress(z_);
        step = std::min(step, in_.available());
      }
      ZSTD_inBuffer zin{in_.data(), step, 0};
      size_t rc = ZSTD_decompressStream(z_, &out, &zin);
      in_.consume(zin.pos);
      if (ZSTD_isError(rc)) {
        pending_ = in_.error("corrupt zstd data", ZSTD_getErrorName(rc));
        break;
      }
      flushing_ = out.pos == out.size;  // decoded bytes may be waiting
      hint_ = rc;
      frame_open_ = rc != 0;
      // Go on to the next block while there is room: one call fills the
      // slot (a block per call cost the master a poll() and a trip through
      // its loop for every 128 KiB). A stream stops at its second read that
      // would wait (refill: kLater), so decoded records never wait for more.
    }
    if (out.pos == 0 && !pending_.ok()) return pending_;
    return out.pos;
  }

 private:
  CompressedInput in_;
  ZSTD_DStream* z_;
  Status pending_;  ///< an error to report once the bytes before it are out
  bool frame_open_ = false;
  bool flushing_ = false;  ///< the last call filled the output: flush first
  size_t hint_ = 0;  ///< input the decoder asked for last (0: a frame starts)
  bool done_ = false;
  bool truncated_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> makeGzipDecoder(std::unique_ptr<ByteSource> raw,
                                            std::string name, uint64_t base) {
  return std::make_unique<GzipDecoder>(std::move(raw), std::move(name), base);
}

std::unique_ptr<ByteSource> makeZstdDecoder(std::unique_ptr<ByteSource> raw,
                                            std::string name, uint64_t base) {
  return std::make_unique<ZstdDecoder>(std::move(raw), std::move(name), base);
}

}  // namespace clusterproc
