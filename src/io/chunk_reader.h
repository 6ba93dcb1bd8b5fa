#pragma once
// How a worker gets the bytes of a chunk of a regular file: pread into one
// padded buffer that it keeps from chunk to chunk (huge pages where the
// kernel gives them), or, for chunks too large for the buffer and files
// without an fd, the mapping inherited from the master. On the machines this
// was measured on, pread into a reused buffer costs a fifth of faulting in
// the same bytes through a mapping (docs/performance.md, "The read path").

#include <cstddef>
#include <cstdint>

#include "input.h"
#include "status.h"

namespace clusterproc {

/// Environment variable: "mmap" makes workers read every chunk of a regular
/// file through the mapping (the old path), "pread" every chunk with pread
/// (also for --exec alone, which otherwise takes the mapping), for
/// measurements.
inline constexpr const char* kReadPathEnv = "CLUSTERPROC_READ_PATH";

/// Chunks larger than this are read through the mapping: the buffer stays
/// bounded whatever --chunk-size or the longest line is.
inline constexpr uint64_t kMaxReadChunk = 64ull << 20;

/// Bytes of one chunk and how far past its start they may be read.
struct ChunkBytes {
  const char* data = nullptr;
  size_t readable =
      0;  ///< at least size + simdjson's padding, or the mapping's end
  bool mapped = false;  ///< points into the input's mapping (never changes)
};

/// A worker's chunk buffer.
class ChunkReader {
 public:
  ChunkReader();
  ~ChunkReader();
  ChunkReader(const ChunkReader&) = delete;
  ChunkReader& operator=(const ChunkReader&) = delete;

  /// The bytes [offset, offset + size) of in. An input error when the file
  /// is now shorter than that (it shrank while being read). mapped: the
  /// caller would rather have the mapping (--exec alone: the command's
  /// stdin pipe takes references to the page-cache pages with vmsplice, no
  /// copy at all), when the input has one.
  Result<ChunkBytes> get(const Input& in, uint64_t offset, size_t size,
                         bool mapped = false);

 private:
  bool grow(size_t size);
  bool use_mmap_;   ///< kReadPathEnv=mmap
  bool use_pread_;  ///< kReadPathEnv=pread
  char* buf_ = nullptr;
  size_t cap_ = 0;  ///< bytes mapped at buf_ (data + padding)
};

}  // namespace clusterproc
