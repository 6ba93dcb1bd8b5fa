#include "piece_decoder.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_findFrameCompressedSize
#include <zstd.h>

#include "chunker.h"

namespace clusterproc {

namespace {

constexpr size_t kPadding = 64;  // simdjson's, after the last byte
/// Decoded bytes asked for at a time while looking for the end of the line
/// that crosses into the next piece (decoders hand back a block at most).
constexpr size_t kLineStep = 64 << 10;

}  // namespace

PieceDecoder::~PieceDecoder() {
  std::free(buf_);
  ZSTD_freeDCtx(dctx_);
}

bool PieceDecoder::zstdWhole(const Input& in, uint64_t begin, uint64_t end) {
  // Whole frames of known size straight into the buffer: no block-by-block
  // calls, no copy out of the streaming decoder's window. Anything else
  // (damage, a frame without its size) is left to the streaming decoder,
  // which fails at the same place as the master's would.
  compressed_.resize(end - begin);
  Result<size_t> got =
      readAt(in, begin, compressed_.data(), compressed_.size());
  if (!got.ok() || got.value() != compressed_.size()) return false;
  if (dctx_ == nullptr) dctx_ = ZSTD_createDCtx();
  if (dctx_ == nullptr) return false;
  const char* p = compressed_.data();
  size_t left = compressed_.size();
  while (left > 0) {
    const size_t n = ZSTD_findFrameCompressedSize(p, left);
    if (ZSTD_isError(n)) return false;
    const unsigned long long size = ZSTD_getFrameContentSize(p, n);
    if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR ||
        !reserve(static_cast<size_t>(size)))
      return false;
    const size_t r = ZSTD_decompressDCtx(dctx_, buf_ + len_,
                                         static_cast<size_t>(size), p, n);
    if (ZSTD_isError(r) || r != size) return false;
    len_ += r;
    p += n;
    left -= n;
  }
  return true;
}

bool PieceDecoder::reserve(size_t more) {
  if (len_ + more + kPadding <= cap_) return true;
  size_t cap = std::max<size_t>(cap_ * 2, len_ + more + kPadding);
  // realloc keeps the bytes without zeroing the new room.
  char* p = static_cast<char*>(std::realloc(buf_, cap));
  if (p == nullptr) return false;
  buf_ = p;
  cap_ = cap;
  return true;
}

Status PieceDecoder::fill(ByteSource& source, bool line_only,
                          std::string& error) {
  for (;;) {
    const size_t room = cap_ > len_ + kPadding ? cap_ - len_ - kPadding : 0;
    const size_t step = line_only ? kLineStep : std::max<size_t>(room, 1 << 20);
    if (!reserve(step))
      return Status::error(ExitCode::kInput, "out of memory decoding a piece");
    Result<size_t> n = source.read(buf_ + len_, step);
    if (!n.ok()) {
      error = n.status().message();
      return Status();
    }
    const size_t before = len_;
    len_ += n.value();
    if (line_only && std::memchr(buf_ + before, '\n', n.value()) != nullptr)
      return Status();
    if (n.value() == 0 && source.atEnd()) return Status();
  }
}

Result<DecodedPiece> PieceDecoder::decode(const Input& in, uint64_t begin,
                                          uint64_t end) {
  DecodedPiece out;
  len_ = 0;
  if (in.compression != Compression::kZstd || !zstdWhole(in, begin, end)) {
    len_ = 0;
    std::unique_ptr<ByteSource> piece = makeDecoder(
        in.compression, makeRangeSource(in, begin, end), in.name, begin);
    if (Status s = fill(*piece, false, out.error); !s.ok()) return s;
    if (!out.error.empty() && piece->truncated() && end < in.size &&
        in.compression == Compression::kGzip) {
      // Not an error: the data goes on past end. Its lines are not this
      // piece's to give, since the next piece did not start there.
      out = DecodedPiece();
      out.open = true;
      out.data = buf_;
      out.readable = cap_;
      return out;
    }
  }
  out.decoded = len_;
  // Each worker takes the lines that start after the first newline of its
  // piece (the first piece: all of them), up to the first newline after
  // the piece: the line that crosses into the next piece is decoded to its
  // end here, and the next piece's worker skips it.
  bool owns = true;
  if (begin == 0) {
    // The input's first line starts here, after a UTF-8 byte-order mark.
    out.skip = len_ >= 3 && std::memcmp(buf_, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  } else {
    const void* nl = std::memchr(buf_, '\n', len_);
    owns = nl != nullptr;  // no newline: the pieces before take it all
    out.skip = nl ? static_cast<const char*>(nl) - buf_ + 1 : len_;
  }
  // The whole lines decoded so far (an input's damaged first line: none,
  // its byte-order mark included).
  const uint64_t last = lastLineEnd(buf_ + out.skip, len_ - out.skip);
  uint64_t whole = last > 0 ? out.skip + last : (begin == 0 ? 0 : out.skip);
  if (owns && out.error.empty() && end < in.size) {
    std::unique_ptr<ByteSource> next = makeDecoder(
        in.compression, makeRangeSource(in, end, in.size), in.name, end);
    if (Status s = fill(*next, true, out.error); !s.ok()) return s;
    if (out.error.empty()) {
      const void* nl =
          std::memchr(buf_ + out.decoded, '\n', len_ - out.decoded);
      // Bytes decoded past that newline belong to the next piece's worker.
      if (nl != nullptr) len_ = static_cast<const char*>(nl) - buf_ + 1;
    }
  }
  // Without damage, the input's last line counts even without a newline.
  if (owns && out.error.empty()) whole = len_;
  out.end = whole;  // below skip only for a damaged first line after a BOM
  out.cut = out.error.empty() ? 0 : len_ - whole;
  out.data = buf_;
  out.readable = cap_;
  return out;
}

}  // namespace clusterproc
