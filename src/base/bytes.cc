#include "bytes.h"

#include <cstring>

namespace clusterproc {

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

}  // namespace clusterproc
