#include "bytes.h"

#include <cassert>

namespace clusterproc {

uint64_t loadLittle(const char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i)
    v |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return v;
}

void ByteWriter::u64s(const uint64_t* p, size_t n) {
  if constexpr (std::endian::native == std::endian::little) {
    raw(p, n * sizeof(uint64_t));
  } else {
    for (size_t i = 0; i < n; ++i) u64(p[i]);
  }
}

void ByteWriter::patchU64(size_t at, uint64_t v) {
  assert(at + 8 <= buf_.size());
  for (size_t i = 0; i < 8; ++i) buf_[at + i] = static_cast<char>(v >> (8 * i));
}

uint64_t ByteReader::little(size_t n) {
  if (failed_ || in_.size() < n) {
    failed_ = true;
    return 0;
  }
  uint64_t v = loadLittle(in_.data(), n);
  in_.remove_prefix(n);
  return v;
}

uint8_t ByteReader::u8() { return static_cast<uint8_t>(little(1)); }

uint16_t ByteReader::u16() { return static_cast<uint16_t>(little(2)); }

uint32_t ByteReader::u32() { return static_cast<uint32_t>(little(4)); }

uint64_t ByteReader::u64() { return little(8); }

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

}  // namespace clusterproc
