#pragma once
// ByteWriter and ByteReader: the byte encoding of every state that leaves a
// process (worker reports, partial files, checkpoints). No I/O here; the pipe
// protocol (engine/channel.h) and the file formats (scale/) use it.
//
// Byte order: integers are little-endian whatever the host (docs/partials.md);
// a double is written as its IEEE 754 bit pattern, a u64. So a partial or a
// checkpoint written on one machine reads the same on any other.

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>

namespace clusterproc {

/// Appends little-endian integers and length-prefixed bytes.
class ByteWriter {
 public:
  void u8(uint8_t v) { buf_.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) { little(v, 2); }
  void u32(uint32_t v) { little(v, 4); }
  void u64(uint64_t v) { little(v, 8); }
  /// A double as its bit pattern.
  void f64(double v) { u64(std::bit_cast<uint64_t>(v)); }
  /// n u64s, each little-endian.
  void u64s(const uint64_t* p, size_t n);
  void bytes(std::string_view s) {
    u64(s.size());
    buf_.append(s);
  }
  /// Bytes as they are (single bytes: magic numbers, HyperLogLog registers).
  void raw(const void* p, size_t n) {
    buf_.append(static_cast<const char*>(p), n);
  }
  /// Overwrites the u64 written at offset at (a count known only at the end).
  void patchU64(size_t at, uint64_t v);
  std::string& str() { return buf_; }

 private:
  void little(uint64_t v, size_t n) {
    char b[8];
    for (size_t i = 0; i < n; ++i) b[i] = static_cast<char>(v >> (8 * i));
    buf_.append(b, n);
  }
  std::string buf_;
};

/// The little-endian unsigned integer of n bytes (at most 8) at p.
uint64_t loadLittle(const char* p, size_t n);

/// Reads what ByteWriter wrote; any overrun sets failed() instead of reading
/// past the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  uint8_t u8();
  uint32_t u32();
  uint16_t u16();
  uint64_t u64();
  double f64() { return std::bit_cast<double>(u64()); }
  std::string_view bytes();
  bool failed() const { return failed_; }
  bool atEnd() const { return in_.empty(); }

 private:
  /// The next n bytes (at most 8) as a little-endian integer; 0 on overrun.
  uint64_t little(size_t n);
  std::string_view in_;
  bool failed_ = false;
};

}  // namespace clusterproc
