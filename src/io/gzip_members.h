#pragma once
// Where the members of a plain multi-member gzip file may start (`cat a.gz
// b.gz`, log rotators that append members): gzip headers found by their
// bytes, without decoding. A candidate can also be bytes inside compressed
// data that look like a header (a false one): the workers' decoding checks
// each boundary, and the master decodes on from the last checked one when
// a member does not end exactly there (docs/architecture.md, "Plain
// multi-member gzip").

#include <cstddef>
#include <cstdint>
#include <vector>

#include "compressed_frames.h"
#include "input.h"

namespace clusterproc {

/// The length of the gzip member header at p (n bytes readable), or 0 when
/// the bytes there are not a plausible one: magic 1f 8b, method 8, no
/// reserved flag, XFL 0, 2 or 4, a known OS, optional fields that end
/// within n (a header CRC that matches, when there is one), and a first
/// deflate block header that is valid.
size_t gzipHeaderLength(const unsigned char* p, size_t n);

/// Appends base + i for every i in [from, limit) where data holds a header
/// (gzipHeaderLength over data[i, size)).
void scanGzipHeaders(const char* data, size_t size, size_t from, size_t limit,
                     uint64_t base, std::vector<uint64_t>& out);

/// The pieces of a gzip file (read with pread, a few MiB at a time), one per
/// member start candidate whose preceding ISIZE field fits the compressed
/// bytes since the last one: the first at 0, each up to the next, its
/// decoded size that ISIZE (exact for a true candidate). Empty when there
/// are fewer than two, or when a member is larger than a worker should hold
/// in memory (256 MiB decoded): the master decodes such files.
std::vector<CompressedFrame> findGzipCandidates(const Input& in);

}  // namespace clusterproc
