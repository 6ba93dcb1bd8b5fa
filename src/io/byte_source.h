#pragma once
// Streams of input bytes read by the master into the ring: a file
// descriptor, or a gzip/zstd decoder over a file descriptor or a mapping.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "status.h"

namespace clusterproc {

/// A sequential source of bytes.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// The fd to wait on before read(), or -1 when read() can make progress
  /// without waiting (bytes already buffered, or decoding from memory).
  virtual int pollFd() const = 0;
  /// Reads up to n bytes into buf. 0 is the end when atEnd() says so;
  /// otherwise a decoder over a stream made no output from what one read(2)
  /// gave it (it never waits twice in one call): poll pollFd() again.
  /// Errors name the input and, for compressed data, the byte offset in the
  /// compressed input.
  virtual Result<size_t> read(char* buf, size_t n) = 0;
  /// Whether read() has returned everything.
  virtual bool atEnd() const = 0;
  /// Whether read() failed because the input ended inside a gzip member or
  /// a zstd frame (a decoder over a range: the member goes on past it).
  virtual bool truncated() const { return false; }
};

/// Reads fd, first returning the bytes in `prefix` (already read from it).
std::unique_ptr<ByteSource> makeFdSource(int fd, std::string name,
                                         std::string prefix);

/// Compression recognised by magic bytes.
enum class Compression { kNone, kGzip, kZstd };

/// The compression of data that starts with `head` (at least 4 bytes when
/// the data has them).
Compression detectCompression(std::string_view head);

/// A decoder of `compression` reading its compressed input from raw; base
/// is the compressed offset of raw's first byte, for error messages.
std::unique_ptr<ByteSource> makeDecoder(Compression compression,
                                        std::unique_ptr<ByteSource> raw,
                                        std::string name, uint64_t base = 0);

/// A source over memory that stays valid (a mapped file).
std::unique_ptr<ByteSource> makeMemorySource(const char* data, size_t size);

}  // namespace clusterproc
