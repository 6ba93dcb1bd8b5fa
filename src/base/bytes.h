#pragma once
// ByteWriter and ByteReader: the byte encoding of every state that leaves a
// process (worker reports, partial files, checkpoints). No I/O here; the pipe
// protocol (engine/channel.h) and the file formats (scale/) use it.

#include <cstdint>
#include <string>
#include <string_view>

namespace clusterproc {

/// Appends little-endian integers and length-prefixed bytes.
class ByteWriter {
 public:
  void u8(uint8_t v) { buf_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) { raw(&v, sizeof v); }
  void u64(uint64_t v) { raw(&v, sizeof v); }
  void bytes(std::string_view s) {
    u64(s.size());
    buf_.append(s);
  }
  void raw(const void* p, size_t n) { buf_.append(static_cast<const char*>(p), n); }
  std::string& str() { return buf_; }

 private:
  std::string buf_;
};

/// Reads what ByteWriter wrote; any overrun sets failed() instead of reading
/// past the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  uint8_t u8();
  uint32_t u32();
  uint64_t u64();
  std::string_view bytes();
  bool failed() const { return failed_; }
  bool atEnd() const { return in_.empty(); }

 private:
  bool take(void* out, size_t n);
  std::string_view in_;
  bool failed_ = false;
};

}  // namespace clusterproc
