#include "compressed_frames.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_findFrameCompressedSize
#include <zstd.h>

namespace clusterproc {

namespace {

/// Decoded bytes guessed for compressed bytes of unknown content size
/// (JSON lines compress about 5 to 8 times): only sizes pieces of work.
constexpr uint64_t kGuessRatio = 5;

uint16_t le16(const unsigned char* p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

uint32_t le32(const unsigned char* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

/// Appends the rest [from, size) as the last entry, when there is a rest.
void addRest(std::vector<CompressedFrame>& frames, uint64_t from,
             uint64_t size) {
  if (from < size) frames.push_back({from, size, (size - from) * kGuessRatio});
}

/// The size of the BGZF member at p (n bytes available), or 0 when it is
/// not one: gzip magic, deflate, FEXTRA, and a 'BC' subfield of 2 bytes.
uint64_t bgzfMemberSize(const unsigned char* p, uint64_t n) {
  if (n < 18 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8 || !(p[3] & 4))
    return 0;
  const uint64_t xlen = le16(p + 10);
  if (12 + xlen > n) return 0;
  for (uint64_t at = 12; at + 4 <= 12 + xlen;) {
    const uint64_t len = le16(p + at + 2);
    if (p[at] == 'B' && p[at + 1] == 'C' && len == 2 && at + 6 <= 12 + xlen) {
      const uint64_t size = uint64_t{le16(p + at + 4)} + 1;
      // Header, an empty deflate stream at least, CRC-32 and ISIZE.
      return size >= 12 + xlen + 2 + 8 && size <= n ? size : 0;
    }
    at += 4 + len;
  }
  return 0;
}

}  // namespace

std::vector<CompressedFrame> findZstdFrames(const char* data, size_t size) {
  std::vector<CompressedFrame> frames;
  uint64_t pos = 0;
  while (pos < size) {
    const size_t n = ZSTD_findFrameCompressedSize(data + pos, size - pos);
    if (ZSTD_isError(n) || n == 0) break;
    unsigned long long content = ZSTD_getFrameContentSize(data + pos, n);
    if (content == ZSTD_CONTENTSIZE_ERROR) break;
    if (content == ZSTD_CONTENTSIZE_UNKNOWN) content = n * kGuessRatio;
    frames.push_back({pos, pos + n, content});
    pos += n;
  }
  addRest(frames, pos, size);
  return frames;
}

std::vector<CompressedFrame> findBgzfMembers(const char* data, size_t size) {
  std::vector<CompressedFrame> frames;
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  uint64_t pos = 0;
  while (pos < size) {
    const uint64_t n = bgzfMemberSize(p + pos, size - pos);
    if (n == 0) break;
    // ISIZE, the member's last 4 bytes: its decoded size (mod 2^32; a BGZF
    // member holds at most 64 KiB).
    frames.push_back({pos, pos + n, le32(p + pos + n - 4)});
    pos += n;
  }
  addRest(frames, pos, size);
  return frames;
}

std::vector<CompressedFrame> findFrames(Compression compression,
                                        const char* data, size_t size) {
  switch (compression) {
    case Compression::kZstd:
      return findZstdFrames(data, size);
    case Compression::kGzip:
      return findBgzfMembers(data, size);
    case Compression::kNone:
      break;
  }
  return {};
}

}  // namespace clusterproc
