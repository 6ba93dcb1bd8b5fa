// libFuzzer target: the readers of compressed headers, which see untrusted
// bytes before any decoder does (compressed_frames, gzip_members).
//
// Input: 2 control bytes, then the data.
//   byte 0, byte 1: where the gzip header scan starts and stops (as
//   fractions of the data).
// Checks:
//   * findZstdFrames, findBgzfMembers: the frames tile the data exactly
//     (the first at 0, each non-empty and starting where the last ended, the
//     last ending at its end), and a sized frame's end is within the data.
//   * gzipHeaderLength: 0, or at least a gzip header's 10 bytes and at most
//     the bytes it was given.
//   * scanGzipHeaders: exactly the offsets of [from, limit) where
//     gzipHeaderLength finds a header, in order, shifted by base.
//   * findGzipCandidates (over the data as a file read through memory):
//     nothing, or two pieces or more that tile the data from 0.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "compressed_frames.h"
#include "fuzz_check.h"
#include "gzip_members.h"
#include "input.h"

using namespace clusterproc;

namespace {

void checkTiles(const std::vector<CompressedFrame>& frames, size_t size) {
  uint64_t at = 0;
  for (const CompressedFrame& f : frames) {
    CHECK(f.begin == at);
    CHECK(f.end > f.begin);
    CHECK(f.end <= size);
    at = f.end;
  }
  CHECK(at == size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* input, size_t input_size) {
  if (input_size < 2) return 0;
  // A copy of exactly the data: reads past it are ASan's to find.
  const std::string data(reinterpret_cast<const char*>(input) + 2,
                         input_size - 2);
  const size_t size = data.size();

  checkTiles(findZstdFrames(data.data(), size), size);
  checkTiles(findBgzfMembers(data.data(), size), size);

  const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  std::vector<uint64_t> expected;
  const size_t from = size * input[0] / 255;
  const size_t limit = from + (size - from) * input[1] / 255;
  for (size_t i = 0; i < size; ++i) {
    const size_t n = gzipHeaderLength(bytes + i, size - i);
    CHECK(n == 0 || (n >= 10 && n <= size - i));
    if (n > 0 && i >= from && i < limit) expected.push_back(1000 + i);
  }
  std::vector<uint64_t> found;
  scanGzipHeaders(data.data(), size, from, limit, 1000, found);
  CHECK(found == expected);

  Input in;
  in.name = "fuzz.gz";
  in.mapped = true;
  in.data = data.data();
  in.size = size;
  in.readable = size;
  in.compression = Compression::kGzip;
  const std::vector<CompressedFrame> pieces = findGzipCandidates(in);
  if (!pieces.empty()) {
    CHECK(pieces.size() >= 2);
    checkTiles(pieces, size);
  }
  return 0;
}
