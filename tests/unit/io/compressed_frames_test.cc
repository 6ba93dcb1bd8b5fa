// The boundary finders of decoding by the workers: zstd frames and BGZF
// members are found from their headers, exactly; whatever cannot be sized
// (damage, plain gzip members) is one last piece up to the end.

#include "compressed_frames.h"

#include <zlib.h>
#include <zstd.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "gzip_test_util.h"

using namespace clusterproc;

namespace {

std::string zstdFrame(const std::string& text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3);
  out.resize(n);
  return out;
}

void putLe(std::string& s, uint32_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

/// One BGZF member: a gzip header with the 'BC' extra field, raw deflate,
/// CRC-32 and ISIZE (what bgzip writes).
std::string bgzfMember(const std::string& text) {
  const std::string deflated = testing::deflateText(text, 6, -15);
  std::string m("\x1f\x8b\x08\x04\0\0\0\0\0\xff", 10);
  putLe(m, 6, 2);  // XLEN
  m += "BC";
  putLe(m, 2, 2);
  const uint32_t total = static_cast<uint32_t>(18 + deflated.size() + 8);
  putLe(m, total - 1, 2);
  m += deflated;
  putLe(m,
        static_cast<uint32_t>(crc32(0,
                                    reinterpret_cast<const Bytef*>(text.data()),
                                    static_cast<uInt>(text.size()))),
        4);
  putLe(m, static_cast<uint32_t>(text.size()), 4);
  return m;
}

std::vector<std::pair<uint64_t, uint64_t>> spans(
    const std::vector<CompressedFrame>& f) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  for (const CompressedFrame& x : f) out.emplace_back(x.begin, x.end);
  return out;
}

}  // namespace

TEST_CASE("zstd frames are found from their headers", "[frames]") {
  const std::string a = zstdFrame(std::string(5000, 'a') + "\n");
  const std::string b = zstdFrame("{\"x\":1}\n{\"x\":2}\n");
  // A skippable frame (as pzstd writes one before each frame).
  std::string skip("\x50\x2a\x4d\x18", 4);
  putLe(skip, 3, 4);
  skip += "abc";
  const std::string data = skip + a + b;
  std::vector<CompressedFrame> f = findZstdFrames(data.data(), data.size());
  const uint64_t s = skip.size(), e = s + a.size();
  CHECK(spans(f) == std::vector<std::pair<uint64_t, uint64_t>>{
                        {0, s}, {s, e}, {e, data.size()}});
  CHECK(f[0].decoded == 0);
  CHECK(f[1].decoded == 5001);  // the content size from the frame header
  CHECK(findFrames(Compression::kZstd, data.data(), data.size()).size() == 3);

  SECTION("a truncated last frame is the rest") {
    const std::string cut = data.substr(0, data.size() - 3);
    std::vector<CompressedFrame> g = findZstdFrames(cut.data(), cut.size());
    CHECK(spans(g) == std::vector<std::pair<uint64_t, uint64_t>>{
                          {0, s}, {s, e}, {e, cut.size()}});
  }
  SECTION("garbage after a frame: the rest from there") {
    const std::string bad = a + "garbage!" + b;
    std::vector<CompressedFrame> g = findZstdFrames(bad.data(), bad.size());
    CHECK(spans(g) == std::vector<std::pair<uint64_t, uint64_t>>{
                          {0, a.size()}, {a.size(), bad.size()}});
  }
}

TEST_CASE("BGZF members are found from their BC extra field", "[frames]") {
  const std::string a = bgzfMember(std::string(3000, 'q') + "\n");
  const std::string b = bgzfMember("{\"y\":true}\n");
  const std::string eof = bgzfMember("");  // bgzip's end-of-file marker
  const std::string data = a + b + eof;
  std::vector<CompressedFrame> f = findBgzfMembers(data.data(), data.size());
  const uint64_t e = a.size() + b.size();
  CHECK(spans(f) == std::vector<std::pair<uint64_t, uint64_t>>{
                        {0, a.size()}, {a.size(), e}, {e, data.size()}});
  CHECK(f[0].decoded == 3001);  // ISIZE
  CHECK(f[2].decoded == 0);

  SECTION("a truncated member is the rest") {
    const std::string cut = data.substr(0, a.size() + 10);
    std::vector<CompressedFrame> g = findBgzfMembers(cut.data(), cut.size());
    CHECK(spans(g) == std::vector<std::pair<uint64_t, uint64_t>>{
                          {0, a.size()}, {a.size(), cut.size()}});
  }
  SECTION("plain gzip (no BC field) is one piece: the master decodes it") {
    std::string plain = a;
    plain[3] = 0;  // no FEXTRA
    std::vector<CompressedFrame> g =
        findBgzfMembers(plain.data(), plain.size());
    CHECK(spans(g) ==
          std::vector<std::pair<uint64_t, uint64_t>>{{0, plain.size()}});
  }
  SECTION("a size beyond the file is not trusted") {
    std::string big = a;
    big[16] = '\xff';
    big[17] = '\xff';
    std::vector<CompressedFrame> g = findBgzfMembers(big.data(), big.size());
    CHECK(g.size() == 1);
  }
}

TEST_CASE("skippable zstd frames are recognised as zstd", "[frames]") {
  CHECK(detectCompression(std::string_view("\x50\x2a\x4d\x18", 4)) ==
        Compression::kZstd);
  CHECK(detectCompression(std::string_view("\x5f\x2a\x4d\x18", 4)) ==
        Compression::kZstd);
  CHECK(detectCompression(std::string_view("\x60\x2a\x4d\x18", 4)) ==
        Compression::kNone);
}
