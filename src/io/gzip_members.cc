#include "gzip_members.h"

#include <isa-l/crc.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace clusterproc {

namespace {

/// Decoded bytes guessed per compressed byte where no ISIZE tells (JSON
/// lines compress about 5 to 8 times): only sizes pieces of work.
constexpr uint64_t kGuessRatio = 5;
/// The largest member (decoded bytes) a worker decodes whole, in memory.
constexpr uint64_t kMaxMember = 256u << 20;
/// Bytes of the file scanned per pread, and the bytes after them that a
/// header may use (a longer one is no candidate: its member stays in the
/// piece before it).
constexpr size_t kScanBlock = 4u << 20;
constexpr size_t kHeaderRoom = 64u << 10;

/// FLG bits of a gzip header (RFC 1952).
enum : unsigned { kFHcrc = 2, kFExtra = 4, kFName = 8, kFComment = 16 };

uint32_t le32(const char* q) {
  const auto* p = reinterpret_cast<const unsigned char*>(q);
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

/// Past the NUL that ends the string at p[at, n), or 0 when there is none.
size_t pastNul(const unsigned char* p, size_t at, size_t n) {
  if (at >= n) return 0;
  const void* z = std::memchr(p + at, 0, n - at);
  return z ? static_cast<size_t>(static_cast<const unsigned char*>(z) - p) + 1
           : 0;
}

}  // namespace

size_t gzipHeaderLength(const unsigned char* p, size_t n) {
  if (n < 10 || p[0] != 0x1f || p[1] != 0x8b || p[2] != 8) return 0;
  const unsigned flags = p[3];
  if (flags & 0xe0) return 0;  // reserved bits
  // MTIME (p[4..7]) is not checked: writers put any 32-bit value there (0
  // with gzip -n, 1 in some reproducible builds).
  if (p[8] != 0 && p[8] != 2 && p[8] != 4) return 0;  // XFL
  if (p[9] > 13 && p[9] != 255) return 0;             // OS
  size_t at = 10;
  if (flags & kFExtra) {
    if (at + 2 > n) return 0;
    at += 2 + (p[at] | (size_t{p[at + 1]} << 8));
  }
  if ((flags & kFName) && (at = pastNul(p, at, n)) == 0) return 0;
  if ((flags & kFComment) && (at = pastNul(p, at, n)) == 0) return 0;
  if (flags & kFHcrc) {
    if (at + 2 > n) return 0;
    const uint32_t crc = crc32_gzip_refl(0, p, at);
    if ((crc & 0xffff) != (p[at] | (uint32_t{p[at + 1]} << 8))) return 0;
    at += 2;
  }
  // The first deflate block: BTYPE 3 is invalid; a stored block's length
  // comes with its complement.
  if (at >= n) return 0;
  const unsigned type = (p[at] >> 1) & 3;
  if (type == 3) return 0;
  if (type == 0) {
    if (at + 5 > n) return 0;
    if ((p[at + 1] ^ p[at + 3]) != 0xff || (p[at + 2] ^ p[at + 4]) != 0xff)
      return 0;
  }
  return at;
}

void scanGzipHeaders(const char* data, size_t size, size_t from, size_t limit,
                     uint64_t base, std::vector<uint64_t>& out) {
  const auto* p = reinterpret_cast<const unsigned char*>(data);
  size_t i = from;
  while (i < limit) {
    const void* hit = std::memchr(p + i, 0x1f, limit - i);
    if (hit == nullptr) break;
    i = static_cast<size_t>(static_cast<const unsigned char*>(hit) - p);
    if (gzipHeaderLength(p + i, size - i) > 0) out.push_back(base + i);
    ++i;
  }
}

std::vector<CompressedFrame> findGzipCandidates(const Input& in) {
  std::vector<uint64_t> starts{0};
  std::vector<uint32_t> sizes;  ///< ISIZE before each start after the first
  // Each read starts 4 bytes early: the ISIZE field before a member start.
  std::string buf(4 + kScanBlock + kHeaderRoom, '\0');
  for (uint64_t off = 0; off < in.size; off += kScanBlock) {
    const size_t lead = off == 0 ? 0 : 4;
    Result<size_t> n = readAt(in, off - lead, buf.data(), buf.size());
    // A read error: the pieces found so far (the decoders meet it too).
    if (!n.ok() || n.value() <= lead) break;
    const size_t limit = std::min<size_t>(n.value(), lead + kScanBlock);
    const size_t found = starts.size();
    // Position 0 is the first piece's start whatever it holds; a header
    // needs the 8-byte trailer of a member before it.
    scanGzipHeaders(buf.data(), n.value(), off == 0 ? 18 : lead, limit,
                    off - lead, starts);
    for (size_t i = found; i < starts.size(); ++i)
      sizes.push_back(le32(buf.data() + (starts[i] - (off - lead)) - 4));
  }
  if (starts.size() < 2 || in.size < 4) return {};
  char tail[4];
  Result<size_t> t = readAt(in, in.size - 4, tail, 4);
  if (!t.ok() || t.value() != 4) return {};
  sizes.push_back(le32(tail));
  std::vector<CompressedFrame> frames;
  for (size_t i = 1; i <= starts.size(); ++i) {
    const uint64_t begin = frames.empty() ? 0 : frames.back().end;
    const uint64_t end = i < starts.size() ? starts[i] : in.size;
    // The ISIZE before a true member start fits the member's compressed
    // size: deflate expands by 5 bytes per 64 KiB at worst and shrinks by
    // 1032 times at best (a header may be up to kHeaderRoom long). A start
    // whose ISIZE does not fit is dropped (a false candidate, or several
    // members in between): only splitting is lost, never exactness.
    const uint64_t gap = end - begin, size = sizes[i - 1];
    const bool fits =
        size <= gap * 1032 && size + size / 8192 + kHeaderRoom + 26 >= gap;
    if (!fits && i < starts.size()) continue;
    // The file's end: its last 4 bytes are no ISIZE when it is damaged.
    frames.push_back({begin, end, fits ? size : gap * kGuessRatio});
  }
  if (frames.size() < 2) return {};
  for (const CompressedFrame& f : frames) {
    // A worker holds a whole piece, at least one member, decoded: members
    // too large for that (ISIZE, or too many compressed bytes for ISIZE
    // to tell) are left to the master's streaming decoder.
    if (f.decoded > kMaxMember || f.end - f.begin > kMaxMember / 8) return {};
  }
  return frames;
}

}  // namespace clusterproc
