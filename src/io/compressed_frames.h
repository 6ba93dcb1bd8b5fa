#pragma once
// Where the independently decodable pieces of a compressed file start,
// found from headers alone, without decoding: zstd frames (pzstd, zstd's
// seekable format, concatenated .zst) and BGZF gzip members (bgzip: each
// member's size is in its 'BC' extra field). Workers then decode whole
// frames themselves (docs/architecture.md, "Decoding by the workers").

#include <cstddef>
#include <cstdint>
#include <vector>

#include "byte_source.h"

namespace clusterproc {

/// Bytes [begin, end) of a compressed file: one frame or member, or, for
/// the last entry only, the rest of the file when it could not be sized
/// (damage, or gzip members without a BGZF size): that rest is decoded in
/// one go, exactly as the master would decode it.
struct CompressedFrame {
  uint64_t begin = 0;
  uint64_t end = 0;
  uint64_t decoded = 0;  ///< decoded size: from the header, else an estimate
};

/// The frames of zstd data, by ZSTD_findFrameCompressedSize (frame and
/// block headers only); skippable frames are frames too.
std::vector<CompressedFrame> findZstdFrames(const char* data, size_t size);

/// The members of BGZF gzip data: each starts with a gzip header whose
/// extra field holds 'B','C' and the member's size less one.
std::vector<CompressedFrame> findBgzfMembers(const char* data, size_t size);

/// findZstdFrames or findBgzfMembers by compression; empty for kNone.
std::vector<CompressedFrame> findFrames(Compression compression,
                                        const char* data, size_t size);

}  // namespace clusterproc
