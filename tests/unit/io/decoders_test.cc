// The decoders that the master and the workers share (decoders.cc).

#include <zstd.h>

#include <catch2/catch.hpp>
#include <string>

#include "byte_source.h"

using namespace clusterproc;

TEST_CASE("a zstd decoder over memory fills the room in one read",
          "[decoders]") {
  // 1 MiB of lines: several 128 KiB blocks. One call must not stop after
  // the first block (the master would go round its poll loop for each).
  std::string text;
  for (int i = 0; text.size() < (1u << 20); ++i)
    text += "{\"n\":" + std::to_string(i * 7919 % 100003) + "}\n";
  std::string z(ZSTD_compressBound(text.size()), '\0');
  z.resize(ZSTD_compress(z.data(), z.size(), text.data(), text.size(), 1));
  std::unique_ptr<ByteSource> d = makeDecoder(
      Compression::kZstd, makeMemorySource(z.data(), z.size()), "t.zst");
  std::string out(4u << 20, '\0');
  Result<size_t> n = d->read(out.data(), out.size());
  REQUIRE(n.ok());
  CHECK(n.value() == text.size());
  CHECK(out.substr(0, n.value()) == text);
}

TEST_CASE("a decoder's base offset names compressed bytes of the file",
          "[decoders]") {
  const std::string bad = "\x28\xb5\x2f\xfd garbage, not a frame";
  std::unique_ptr<ByteSource> d =
      makeDecoder(Compression::kZstd, makeMemorySource(bad.data(), bad.size()),
                  "f.zst", 1000);
  std::string out(1024, '\0');
  Result<size_t> n = d->read(out.data(), out.size());
  REQUIRE_FALSE(n.ok());
  CHECK(n.status().message().find(
            "f.zst: corrupt zstd data at compressed byte 100") == 0);
}

#include "messages.h"

TEST_CASE("messages: a piece's report keeps where its lines were",
          "[decoders]") {
  ChunkReport r;
  r.chunk_id = 7;
  r.piece_skip = 12;
  r.piece_end = 4000;
  r.piece_decoded = 3990;
  r.input_error = "x.zst: corrupt zstd data at compressed byte 5: oops";
  r.cut_bytes = 33;
  r.bad.push_back({2, 3, "why", "raw"});
  Result<ChunkReport> d = decodeReport(encodeReport(r));
  REQUIRE(d.ok());
  CHECK(d.value().piece_skip == 12);
  CHECK(d.value().piece_end == 4000);
  CHECK(d.value().piece_decoded == 3990);
  CHECK(d.value().input_error == r.input_error);
  CHECK(d.value().cut_bytes == 33);
  CHECK(d.value().bad.size() == 1);
}
