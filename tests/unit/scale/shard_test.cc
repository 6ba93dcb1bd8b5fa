#include "shard.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "chunk_source.h"

namespace clusterproc {
namespace {

/// Inputs over in-memory texts (readable 0: nothing is ever unmapped).
std::vector<Input> memoryInputs(const std::vector<std::string>& texts) {
  std::vector<Input> inputs;
  for (size_t i = 0; i < texts.size(); ++i) {
    Input in;
    in.name = "in" + std::to_string(i);
    in.mapped = true;
    in.data = texts[i].data();
    in.size = texts[i].size();
    inputs.push_back(in);
  }
  return inputs;
}

struct LineAt {
  size_t input;
  uint64_t offset;  ///< in its file
  uint64_t global;  ///< in the concatenation
  uint64_t number;  ///< 1-based line number in its file
};

/// Every line of the concatenation, found the slow way.
std::vector<LineAt> allLines(const std::vector<std::string>& texts) {
  std::vector<LineAt> lines;
  uint64_t first = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    uint64_t number = 0;
    for (size_t p = 0; p < texts[i].size(); ++p) {
      if (p == 0 || texts[i][p - 1] == '\n')
        lines.push_back({i, p, first + p, ++number});
    }
    first += texts[i].size();
  }
  return lines;
}

/// Checks shards 0..n-1 of texts against the definition: shard k owns the
/// lines whose first byte is in [k*T/n, (k+1)*T/n), its ranges start at line
/// starts, and line_base is the number of lines of the file before them.
void checkShards(const std::vector<std::string>& texts, uint64_t n) {
  std::vector<Input> inputs = memoryInputs(texts);
  std::vector<LineAt> lines = allLines(texts);
  uint64_t total = 0;
  for (const std::string& t : texts) total += t.size();
  std::vector<std::vector<uint64_t>> covered(texts.size());
  for (size_t i = 0; i < texts.size(); ++i)
    covered[i].assign(texts[i].size(), 0);
  for (uint64_t k = 0; k < n; ++k) {
    std::vector<InputRange> ranges = planShard(inputs, k, n);
    REQUIRE(ranges.size() == texts.size());
    uint64_t lo = total * k / n, hi = total * (k + 1) / n;
    for (size_t i = 0; i < texts.size(); ++i) {
      const InputRange& r = ranges[i];
      REQUIRE(r.begin <= r.end);
      REQUIRE(r.end <= texts[i].size());
      for (uint64_t p = r.begin; p < r.end; ++p) ++covered[i][p];
      if (r.begin == r.end) continue;
      INFO("shard " << k << "/" << n << " input " << i << " [" << r.begin << ","
                    << r.end << ")");
      REQUIRE((r.begin == 0 || texts[i][r.begin - 1] == '\n'));
      REQUIRE((r.end == texts[i].size() || texts[i][r.end - 1] == '\n'));
      uint64_t before = 0;
      for (uint64_t p = 0; p < r.begin; ++p) before += texts[i][p] == '\n';
      REQUIRE(r.line_base == before);
    }
    for (const LineAt& l : lines) {
      const InputRange& r = ranges[l.input];
      bool in_range = l.offset >= r.begin && l.offset < r.end;
      bool owned = l.global >= lo && l.global < hi;
      INFO("shard " << k << "/" << n << " line at " << l.global);
      REQUIRE(in_range == owned);
    }
  }
  // Disjoint and complete: every byte in exactly one shard.
  for (size_t i = 0; i < texts.size(); ++i) {
    for (uint64_t c : covered[i]) REQUIRE(c == 1);
  }
}

std::vector<std::vector<std::string>> sampleInputs() {
  std::string big(100, 'x');
  return {
      {},
      {""},
      {"{\"a\":1}\n"},
      {"{\"a\":1}\n{\"a\":2}\n{\"a\":3}"},  // no final newline
      {"{\"a\":1}\r\n\r\n{\"a\":2}\r\n", "",
       "{\"b\":1}\n"},                     // CRLF, blank, empty file
      {"", "\n\n\n", "", "{}\n{}\n", ""},  // blank lines only
      {"{\"a\":\"" + big + "\"}\n{}\n",
       "{}\n{\"z\":\"" + big + "\"}"},  // a line longer than a shard
      {"1234567\n1234567\n",
       "1234567\n1234567\n"},  // lines of exactly T/4 bytes
      {"x", "y", "z"},         // files without newlines
  };
}

TEST_CASE(
    "shards are disjoint, complete and own the lines starting in their range") {
  for (const auto& texts : sampleInputs()) {
    for (uint64_t n = 1; n <= 12; ++n) checkShards(texts, n);
    checkShards(texts, 1000);  // far more shards than lines
  }
}

TEST_CASE("shards of random inputs") {
  std::mt19937 rng(7);
  for (int round = 0; round < 60; ++round) {
    std::vector<std::string> texts(1 + rng() % 4);
    for (std::string& t : texts) {
      size_t len = rng() % 200;
      for (size_t j = 0; j < len; ++j) t += "ab\n\r{"[rng() % 5];
    }
    for (uint64_t n = 1; n <= 9; ++n) checkShards(texts, n);
  }
}

TEST_CASE(
    "ChunkSource cuts only the ranges, numbering chunks from the first id") {
  std::vector<std::string> texts = {"{}\n{\"a\":1}\n{}\n", "",
                                    "{\"b\":22}\n{}\n{}"};
  std::vector<Input> inputs = memoryInputs(texts);
  for (uint64_t n = 1; n <= 5; ++n) {
    std::string all;
    for (uint64_t k = 0; k < n; ++k) {
      std::vector<InputRange> ranges = planShard(inputs, k, n);
      ChunkSource source(inputs, nullptr, 4, 4, 1);
      source.setRanges(ranges, 1000);
      Assign a;
      ChunkMeta m;
      uint64_t id = 1000;
      while (source.next(a, m) == ChunkSource::State::kReady) {
        CHECK(a.chunk_id == id++);
        CHECK(a.offset >= ranges[a.input].begin);
        CHECK(a.offset + a.size <= ranges[a.input].end);
        CHECK(m.size == a.size);
        CHECK(source.lineBase(a.input) == ranges[a.input].line_base);
        all += texts[a.input].substr(a.offset, a.size);
      }
    }
    CHECK(all == texts[0] + texts[1] + texts[2]);
  }
}

TEST_CASE("no shard is the whole input") {
  std::vector<std::string> texts = {"{}\n{}\n", "{}"};
  std::vector<Input> inputs = memoryInputs(texts);
  std::vector<InputRange> r = planShard(inputs, 0, 0);
  REQUIRE(r.size() == 2);
  CHECK(r[0].begin == 0);
  CHECK(r[0].end == 6);
  CHECK(r[1].end == 2);
}

TEST_CASE("countNewlines counts every newline, in blocks and in the tail") {
  std::string s;
  uint64_t want = 0;
  std::mt19937 rng(3);
  for (int i = 0; i < 10000; ++i) {
    bool nl = rng() % 7 == 0;
    s += nl ? '\n' : 'a';
    want += nl;
  }
  CHECK(countNewlines(s.data(), s.size()) == want);
  CHECK(countNewlines(s.data(), 0) == 0);
  CHECK(countNewlines("\n\n\n", 2) == 2);
}

TEST_CASE("--shard syntax") {
  uint64_t k = 9, n = 9;
  REQUIRE(parseShard("0/1", "--shard", k, n).ok());
  CHECK(k == 0);
  CHECK(n == 1);
  REQUIRE(parseShard("7/8", "--shard", k, n).ok());
  CHECK(k == 7);
  CHECK(n == 8);
  for (const char* bad : {"", "1", "/", "1/", "/2", "2/2", "3/2", "0/0", "a/2",
                          "-1/2", "1/2/3", " 1/2", "1/99999999999999999999"}) {
    Status s = parseShard(bad, "--shard", k, n);
    INFO(bad);
    CHECK_FALSE(s.ok());
    CHECK(s.code() == ExitCode::kUsage);
    CHECK(s.message().rfind("--shard: ", 0) == 0);
  }
}

}  // namespace
}  // namespace clusterproc
