// The worker's pread path: the bytes of any range, padded, at any alignment;
// a file that shrank is an input error; the master's newline search agrees
// with the mapping.

#include "chunk_reader.h"

#include <simdjson.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "input.h"
#include "test_util.h"

using namespace clusterproc;
using clusterproc::testing::TempDir;
using clusterproc::testing::writeFile;

namespace {

std::string sample(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < n) {
    s += "{\"k\":" + std::to_string(rng() % 100000) + "}";
    s += (rng() % 7 == 0) ? "\r\n" : "\n";
    if (rng() % 50 == 0)
      s += std::string(rng() % 9000, 'x') + "\n";  // some long lines
  }
  return s;
}

}  // namespace

TEST_CASE("ChunkReader returns the bytes of any range, padded") {
  TempDir dir;
  std::string text = sample(300000, 1);
  writeFile(dir.file("a.jsonl"), text);
  Result<std::vector<Input>> opened = openInputs({dir.file("a.jsonl")});
  REQUIRE(opened.ok());
  Input& in = opened.value()[0];
  REQUIRE(in.fd >= 0);
  ChunkReader reader;
  std::mt19937 rng(2);
  for (int i = 0; i < 300; ++i) {
    size_t off = rng() % text.size();
    size_t len = rng() % (text.size() - off + 1);
    Result<ChunkBytes> got = reader.get(in, off, len);
    REQUIRE(got.ok());
    CHECK_FALSE(got.value().mapped);
    CHECK(got.value().readable >= len + simdjson::SIMDJSON_PADDING);
    CHECK(std::memcmp(got.value().data, text.data() + off, len) == 0);
  }
  closeInputs(opened.value());
}

TEST_CASE("ChunkReader reports a file that shrank as an input error") {
  TempDir dir;
  std::string text = sample(100000, 3);
  writeFile(dir.file("s.jsonl"), text);
  Result<std::vector<Input>> opened = openInputs({dir.file("s.jsonl")});
  REQUIRE(opened.ok());
  REQUIRE(::truncate(dir.file("s.jsonl").c_str(), 5000) == 0);
  ChunkReader reader;
  Result<ChunkBytes> got = reader.get(opened.value()[0], 4000, 20000);
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code() == ExitCode::kInput);
  CHECK(got.status().message() ==
        dir.file("s.jsonl") + ": the file shrank from " +
            std::to_string(text.size()) + " to 5000 bytes while being read");
  closeInputs(opened.value());
}

TEST_CASE("lineEndAfter finds the same newline with pread as in the mapping") {
  TempDir dir;
  std::string text = sample(200000, 4) + "{\"last\":1}";  // no final newline
  writeFile(dir.file("l.jsonl"), text);
  Result<std::vector<Input>> opened = openInputs({dir.file("l.jsonl")});
  REQUIRE(opened.ok());
  Input with_fd = opened.value()[0];
  Input mapped_only = with_fd;
  mapped_only.fd = -1;
  std::mt19937 rng(5);
  for (int i = 0; i < 500; ++i) {
    uint64_t from = rng() % text.size();
    uint64_t limit = from + rng() % (text.size() - from + 1);
    const void* nl = std::memchr(text.data() + from, '\n', limit - from);
    uint64_t want =
        nl ? static_cast<uint64_t>(static_cast<const char*>(nl) - text.data()) +
                 1
           : limit;
    CHECK(lineEndAfter(with_fd, from, limit) == want);
    CHECK(lineEndAfter(mapped_only, from, limit) == want);
  }
  closeInputs(opened.value());
}
