#include "chunk_source.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gzip_test_util.h"
#include "test_util.h"

namespace clusterproc {
namespace {

using testing::TempDir;

/// Writes data into a pipe from a thread in pieces of random size; the
/// master side reads the other end as a stream input.
class PipeFeeder {
 public:
  PipeFeeder(std::string data, uint32_t seed) : data_(std::move(data)) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    read_fd_ = fds[0];
    int write_fd = fds[1];
    writer_ = std::thread([this, write_fd, seed] {
      // A test that fails stops reading and closes the read end: get EPIPE
      // instead of a process-wide SIGPIPE.
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGPIPE);
      pthread_sigmask(SIG_BLOCK, &set, nullptr);
      std::mt19937 rng(seed);
      std::uniform_int_distribution<size_t> piece(1, 300);
      size_t pos = 0;
      while (pos < data_.size()) {
        size_t n = std::min(piece(rng), data_.size() - pos);
        ssize_t w = ::write(write_fd, data_.data() + pos, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        pos += static_cast<size_t>(w);
      }
      ::close(write_fd);
    });
  }
  ~PipeFeeder() {
    ::close(read_fd_);
    writer_.join();
  }
  int fd() const { return read_fd_; }

 private:
  std::string data_;
  int read_fd_ = -1;
  std::thread writer_;
};

Input streamInput(int fd, const std::string& name = "stream") {
  Input in;
  in.name = name;
  in.mapped = false;
  in.fd = fd;
  in.source = makeFdSource(fd, name, "");
  return in;
}

/// One chunk as the test saw it.
struct Piece {
  Assign assign;
  ChunkMeta meta;
  std::string bytes;  ///< empty for an oversized chunk
};

/// What the caller does with ring slots.
enum class Hold {
  kReleaseAtOnce,  ///< copy the bytes and release the slot before next()
  kUntilNeedSlot,  ///< keep every slot until next() says kNeedSlot
};

struct Drained {
  std::vector<Piece> pieces;
  size_t need_slot = 0;
  uint64_t bytes = 0;  ///< ChunkSource::bytes() at the end
  Status error;        ///< ChunkSource::inputError() at the end
};

struct SourceOptions {
  uint64_t chunk_size = 0;    ///< for mapped inputs
  uint64_t stream_chunk = 0;  ///< for streams; also the ring's chunk
  size_t slots = 4;
  unsigned workers = 1;
  Hold hold = Hold::kReleaseAtOnce;
  bool allow_input_error = false;
};

/// Runs a ChunkSource over inputs to the end, the way the master does but
/// without workers.
Drained drain(const std::vector<Input>& inputs, ShmRing* ring,
              const SourceOptions& o) {
  ChunkSource source(inputs, ring, o.chunk_size, o.stream_chunk, o.workers);
  Drained out;
  std::deque<uint32_t> held;
  for (size_t guard = 0;; ++guard) {
    REQUIRE(guard < 2'000'000);  // no endless loop
    Assign a;
    ChunkMeta m;
    ChunkSource::State s = source.next(a, m);
    if (s == ChunkSource::State::kDone) break;
    if (s == ChunkSource::State::kNeedRead) {
      // What to wait on: a stream's fd, or -1 when a read can go ahead
      // (a decoder over memory).
      int fd = source.readFd();
      if (fd >= 0) {
        CHECK(std::any_of(inputs.begin(), inputs.end(),
                          [fd](const Input& in) { return in.fd == fd; }));
      }
      Status st = source.readMore();
      REQUIRE(st.ok());
      continue;
    }
    if (s == ChunkSource::State::kNeedSlot) {
      ++out.need_slot;
      REQUIRE(ring != nullptr);
      // Every slot is with us: none is lost inside the source.
      REQUIRE(held.size() == ring->slots());
      // Release in reverse order so that slots come back out of order.
      while (!held.empty()) {
        source.release(held.back());
        held.pop_back();
      }
      continue;
    }
    REQUIRE(s == ChunkSource::State::kReady);
    Piece p{a, m, {}};
    CHECK(a.input == m.input);
    CHECK(a.slot == m.slot);
    const Input& in = inputs.at(a.input);
    if (m.oversized) {
      CHECK(a.slot == kNoSlot);
      CHECK(a.size == 0);
    } else if (in.mapped) {
      CHECK(a.slot == kNoSlot);
      CHECK(a.offset == m.offset);
      REQUIRE(a.offset + a.size <= in.size);
      p.bytes.assign(in.data + a.offset, a.size);
    } else {
      REQUIRE(ring != nullptr);
      REQUIRE(a.slot < ring->slots());
      CHECK(a.offset == 0);
      REQUIRE(a.size <= ring->capacity());
      // The slot must not be handed out twice.
      REQUIRE(std::find(held.begin(), held.end(), a.slot) == held.end());
      p.bytes.assign(ring->slot(a.slot), a.size);
      if (o.hold == Hold::kReleaseAtOnce) {
        source.release(a.slot);
      } else {
        held.push_back(a.slot);
      }
    }
    out.pieces.push_back(std::move(p));
  }
  for (uint32_t slot : held) source.release(slot);
  out.error = source.inputError();
  if (!o.allow_input_error) CHECK(out.error.ok());
  out.bytes = source.bytes();
  return out;
}

/// Offsets and lengths (newline included) of the lines longer than limit.
std::vector<std::pair<uint64_t, uint64_t>> longLines(const std::string& text,
                                                     uint64_t limit) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    if (end - pos > limit) out.emplace_back(pos, end - pos);
    pos = end;
  }
  return out;
}

/// Checks that the pieces of input `index` tile `content` exactly: in order,
/// contiguous, newline-aligned; returns the oversized pieces as (offset,
/// length).
std::vector<std::pair<uint64_t, uint64_t>> checkTiling(
    const std::vector<Piece>& pieces, uint32_t index,
    const std::string& content) {
  std::vector<std::pair<uint64_t, uint64_t>> oversized;
  uint64_t pos = 0;
  std::vector<const Piece*> mine;
  for (const Piece& p : pieces) {
    if (p.meta.input == index) mine.push_back(&p);
  }
  for (size_t i = 0; i < mine.size(); ++i) {
    const Piece& p = *mine[i];
    INFO("input " << index << " piece " << i << " of " << mine.size()
                  << " at offset " << p.meta.offset);
    REQUIRE(p.meta.offset == pos);
    uint64_t len = p.meta.oversized ? p.meta.oversized_bytes : p.bytes.size();
    REQUIRE(len > 0);
    REQUIRE(pos + len <= content.size());
    if (p.meta.oversized) {
      oversized.emplace_back(pos, len);
      // Exactly one line: no newline before its last byte.
      std::string line = content.substr(pos, len);
      CHECK(line.find('\n') >= len - 1);
    } else {
      REQUIRE(p.bytes == content.substr(pos, len));
    }
    bool last = i + 1 == mine.size();
    if (!last) CHECK(content[pos + len - 1] == '\n');
    pos += len;
  }
  CHECK(pos == content.size());
  return oversized;
}

void checkIds(const std::vector<Piece>& pieces) {
  for (size_t i = 0; i < pieces.size(); ++i) {
    REQUIRE(pieces[i].assign.chunk_id == i);
  }
}

std::unique_ptr<ShmRing> makeRing(size_t slots, size_t chunk,
                                  size_t max_record) {
  Result<std::unique_ptr<ShmRing>> ring =
      ShmRing::create(slots, chunk, max_record);
  REQUIRE(ring.ok());
  return std::move(ring.value());
}

/// The sample inputs of the stream tests, by name.
std::vector<std::pair<std::string, std::string>> sampleInputs() {
  std::string no_final = testing::sampleLines(21, 80, 60);
  no_final += "{\"last\":true}";
  return {
      {"random lines", testing::sampleLines(20, 150, 90)},
      {"crlf", testing::sampleLines(22, 60, 40, true)},
      {"no final newline", no_final},
      {"empty", ""},
      {"only newlines", std::string(300, '\n')},
      {"one line", "{\"a\":1}\n"},
      {"one byte", "x"},
  };
}

TEST_CASE(
    "chunk_source: a pipe stream is cut into chunks that rebuild it exactly") {
  const uint64_t sizes[] = {1, 2, 7, 64, 4096, 1 << 16};
  for (const auto& [name, content] : sampleInputs()) {
    for (uint64_t chunk : sizes) {
      INFO(name << ", chunk " << chunk);
      // max_record large enough that no line is oversized.
      auto ring = makeRing(3, chunk, content.size() + 1);
      PipeFeeder feeder(content, static_cast<uint32_t>(chunk));
      std::vector<Input> inputs = {streamInput(feeder.fd())};
      SourceOptions o;
      o.stream_chunk = chunk;
      Drained d = drain(inputs, ring.get(), o);
      checkIds(d.pieces);
      CHECK(checkTiling(d.pieces, 0, content).empty());
      CHECK(d.bytes == content.size());
      if (content.empty()) CHECK(d.pieces.empty());
    }
  }
}

TEST_CASE(
    "chunk_source: a stream read from a file descriptor of a regular file") {
  TempDir dir;
  const std::string content = testing::sampleLines(40, 500, 50, true);
  testing::writeFile(dir.file("in.jsonl"), content);
  for (uint64_t chunk : {1u, 7u, 64u, 4096u}) {
    INFO("chunk " << chunk);
    int fd = ::open(dir.file("in.jsonl").c_str(), O_RDONLY);
    REQUIRE(fd >= 0);
    auto ring = makeRing(4, chunk, content.size());
    std::vector<Input> inputs = {streamInput(fd)};
    SourceOptions o;
    o.stream_chunk = chunk;
    Drained d = drain(inputs, ring.get(), o);
    ::close(fd);
    checkIds(d.pieces);
    CHECK(checkTiling(d.pieces, 0, content).empty());
  }
}

TEST_CASE(
    "chunk_source: a line longer than a chunk but within the slot arrives "
    "whole") {
  // chunk 16 + max_record 64 + 2 (a record's "\r\n"): a slot holds 82 bytes.
  const std::string medium(69, 'm');  // 70 bytes with its newline
  const std::string fits(81, 'f');  // 82 bytes with its newline: exactly a slot
  const std::string content =
      "{\"a\":1}\n" + medium + "\nab\n" + fits + "\n{\"b\":2}\n";
  auto ring = makeRing(2, 16, 64);
  REQUIRE(ring->capacity() == 82);
  PipeFeeder feeder(content, 1);
  std::vector<Input> inputs = {streamInput(feeder.fd())};
  SourceOptions o;
  o.stream_chunk = 16;
  Drained d = drain(inputs, ring.get(), o);
  checkIds(d.pieces);
  CHECK(checkTiling(d.pieces, 0, content).empty());
  bool saw_medium = false, saw_fits = false;
  for (const Piece& p : d.pieces) {
    saw_medium |= p.bytes.find(medium + "\n") != std::string::npos;
    saw_fits |= p.bytes.find(fits + "\n") != std::string::npos;
  }
  CHECK(saw_medium);
  CHECK(saw_fits);
}

TEST_CASE(
    "chunk_source: a line longer than the slot becomes an oversized chunk") {
  const std::string big(82,
                        'B');  // 83 bytes with its newline: one past the slot
  const std::string huge(1000, 'H');
  const std::string content = "{\"a\":1}\n" + big + "\n{\"b\":2}\n" + huge +
                              "\r\n" + "x\n" + huge + "\n" + huge +
                              "\n{\"c\":3}";
  auto ring = makeRing(2, 16, 64);
  for (Hold hold : {Hold::kReleaseAtOnce, Hold::kUntilNeedSlot}) {
    PipeFeeder feeder(content, 2);
    std::vector<Input> inputs = {streamInput(feeder.fd())};
    SourceOptions o;
    o.stream_chunk = 16;
    o.hold = hold;
    Drained d = drain(inputs, ring.get(), o);
    checkIds(d.pieces);
    auto oversized = checkTiling(d.pieces, 0, content);
    CHECK(oversized == longLines(content, 82));
    REQUIRE(oversized.size() == 4);
    CHECK(oversized[0].second == 83);
    CHECK(oversized[1].second == 1002);  // "\r\n" counts
    CHECK(oversized[2].second == 1001);
    CHECK(oversized[3].second == 1001);  // two oversized lines in a row
    CHECK(d.bytes == content.size());
  }
}

TEST_CASE("chunk_source: an oversized last line without a newline") {
  const std::string content = "{\"a\":1}\n" + std::string(500, 'z');
  auto ring = makeRing(2, 16, 64);
  PipeFeeder feeder(content, 3);
  std::vector<Input> inputs = {streamInput(feeder.fd())};
  SourceOptions o;
  o.stream_chunk = 16;
  Drained d = drain(inputs, ring.get(), o);
  checkIds(d.pieces);
  auto oversized = checkTiling(d.pieces, 0, content);
  REQUIRE(oversized.size() == 1);
  CHECK(oversized[0] == std::make_pair<uint64_t, uint64_t>(8, 500));
}

TEST_CASE("chunk_source: random long and short lines with a small max record") {
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> kind(0, 9);
    std::uniform_int_distribution<size_t> short_len(0, 20), long_len(60, 300);
    std::string content;
    for (int i = 0; i < 300; ++i) {
      size_t n = kind(rng) == 0 ? long_len(rng) : short_len(rng);
      content += std::string(n, static_cast<char>('a' + i % 26));
      content += '\n';
    }
    for (Hold hold : {Hold::kReleaseAtOnce, Hold::kUntilNeedSlot}) {
      INFO("seed " << seed << " hold " << static_cast<int>(hold));
      auto ring = makeRing(3, 16, 64);
      PipeFeeder feeder(content, seed);
      std::vector<Input> inputs = {streamInput(feeder.fd())};
      SourceOptions o;
      o.stream_chunk = 16;
      o.hold = hold;
      Drained d = drain(inputs, ring.get(), o);
      checkIds(d.pieces);
      CHECK(checkTiling(d.pieces, 0, content) == longLines(content, 82));
    }
  }
}

TEST_CASE(
    "chunk_source: long lines spanning many pages survive slot trimming") {
  // A slot of 4K + 32K: lines of several pages grow slots beyond the chunk,
  // and the source gives those pages back when the slot is reused.
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> kind(0, 5);
    std::uniform_int_distribution<size_t> short_len(0, 300),
        long_len(5000, 45000);
    std::string content;
    for (int i = 0; i < 60; ++i) {
      size_t n = kind(rng) == 0 ? long_len(rng) : short_len(rng);
      for (size_t j = 0; j < n; ++j)
        content += static_cast<char>('a' + (i + j) % 26);
      content += '\n';
    }
    TempDir dir;
    testing::writeFile(dir.file("in.jsonl"), content);
    for (Hold hold : {Hold::kReleaseAtOnce, Hold::kUntilNeedSlot}) {
      for (bool from_pipe : {true, false}) {
        INFO("seed " << seed << " hold " << static_cast<int>(hold) << " pipe "
                     << from_pipe);
        auto ring = makeRing(2, 4096, 32768);
        // A file read as a stream fills every read completely, which makes
        // long partial lines carry over into grown slots.
        int fd =
            from_pipe ? -1 : ::open(dir.file("in.jsonl").c_str(), O_RDONLY);
        std::optional<PipeFeeder> feeder;
        if (from_pipe) fd = feeder.emplace(content, seed).fd();
        REQUIRE(fd >= 0);
        std::vector<Input> inputs = {streamInput(fd)};
        SourceOptions o;
        o.stream_chunk = 4096;
        o.hold = hold;
        Drained d = drain(inputs, ring.get(), o);
        if (!from_pipe) ::close(fd);
        checkIds(d.pieces);
        CHECK(checkTiling(d.pieces, 0, content) ==
              longLines(content, 4096 + 32768));
      }
    }
  }
}

TEST_CASE(
    "chunk_source: holding every slot gives kNeedSlot and loses nothing") {
  const std::string content = testing::sampleLines(50, 400, 40);
  for (size_t slots : {1u, 2u, 3u}) {
    INFO("slots " << slots);
    auto ring = makeRing(slots, 64, 128);
    PipeFeeder feeder(content, 9);
    std::vector<Input> inputs = {streamInput(feeder.fd())};
    SourceOptions o;
    o.stream_chunk = 64;
    o.slots = slots;
    o.hold = Hold::kUntilNeedSlot;
    Drained d = drain(inputs, ring.get(), o);
    CHECK(d.need_slot > 0);  // drain() checks all slots were held then
    checkIds(d.pieces);
    CHECK(checkTiling(d.pieces, 0, content).empty());
  }
}

TEST_CASE(
    "chunk_source: a mapped input cut at every chunk size rebuilds the file") {
  TempDir dir;
  const std::string content = "{\"a\":1}\n\n  \r\n" +
                              testing::sampleLines(60, 30, 12, true) +
                              "{\"tail\":\"no newline\"}";
  testing::writeFile(dir.file("in.jsonl"), content);
  Result<std::vector<Input>> opened = openInputs({dir.file("in.jsonl")});
  REQUIRE(opened.ok());
  std::vector<Input>& inputs = opened.value();
  REQUIRE(inputs.size() == 1);
  REQUIRE(inputs[0].mapped);
  REQUIRE(inputs[0].size == content.size());
  for (uint64_t chunk = 1; chunk <= content.size() + 1; ++chunk) {
    INFO("chunk " << chunk);
    SourceOptions o;
    o.chunk_size = chunk;
    Drained d = drain(inputs, nullptr, o);
    checkIds(d.pieces);
    CHECK(checkTiling(d.pieces, 0, content).empty());
    CHECK(d.bytes == content.size());
    for (size_t i = 0; i + 1 < d.pieces.size(); ++i) {
      CHECK(d.pieces[i].bytes.size() >= chunk);
    }
  }
  closeInputs(inputs);
}

TEST_CASE("chunk_source: an automatic chunk size is between 64K and 4M") {
  TempDir dir;
  // About 1 MB: with 2 workers the automatic target is size / 8 = ~128K.
  const std::string content = testing::sampleLines(70, 20000, 100);
  testing::writeFile(dir.file("big.jsonl"), content);
  Result<std::vector<Input>> opened = openInputs({dir.file("big.jsonl")});
  REQUIRE(opened.ok());
  SourceOptions o;
  o.chunk_size = 0;
  o.workers = 2;
  Drained d = drain(opened.value(), nullptr, o);
  checkTiling(d.pieces, 0, content);
  uint64_t target = content.size() / 8;
  REQUIRE(d.pieces.size() >= 2);
  for (size_t i = 0; i + 1 < d.pieces.size(); ++i) {
    CHECK(d.pieces[i].bytes.size() >= target);
    CHECK(d.pieces[i].bytes.size() < target + 200);
  }
  CHECK(d.pieces.size() <= 9);
  closeInputs(opened.value());
}

TEST_CASE(
    "chunk_source: several inputs, mapped and streamed, are one sequence") {
  TempDir dir;
  const std::string a = testing::sampleLines(80, 50, 30);
  const std::string b = testing::sampleLines(81, 70, 30, true) + "no newline";
  const std::string c = testing::sampleLines(82, 40, 30);
  testing::writeFile(dir.file("a.jsonl"), a);
  testing::writeFile(dir.file("empty.jsonl"), "");
  testing::writeFile(dir.file("c.jsonl"), c);
  Result<std::vector<Input>> opened = openInputs(
      {dir.file("a.jsonl"), dir.file("empty.jsonl"), dir.file("c.jsonl")});
  REQUIRE(opened.ok());
  PipeFeeder feeder(b, 4);
  std::vector<Input> inputs = opened.value();
  // Order: a (mapped), b (stream), empty (mapped), c (mapped), b again is not
  // possible (a pipe is read once), so: a, b, empty, c.
  inputs.insert(inputs.begin() + 1, streamInput(feeder.fd(), "b"));
  auto ring = makeRing(2, 32, 256);
  SourceOptions o;
  o.chunk_size = 100;
  o.stream_chunk = 32;
  Drained d = drain(inputs, ring.get(), o);
  checkIds(d.pieces);
  CHECK(checkTiling(d.pieces, 0, a).empty());
  CHECK(checkTiling(d.pieces, 1, b).empty());
  CHECK(checkTiling(d.pieces, 2, "").empty());
  CHECK(checkTiling(d.pieces, 3, c).empty());
  // Inputs come strictly one after the other.
  for (size_t i = 1; i < d.pieces.size(); ++i) {
    CHECK(d.pieces[i].meta.input >= d.pieces[i - 1].meta.input);
  }
  CHECK(d.bytes == a.size() + b.size() + c.size());
  closeInputs(opened.value());
}

std::string gzipped(const std::string& text) {
  return testing::gzipMember(text);
}

std::string zstded(const std::string& text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3);
  REQUIRE_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

TEST_CASE("chunk_source: gzip and zstd files are decoded into exact chunks") {
  TempDir dir;
  const std::string text =
      testing::sampleLines(90, 3000, 80, true) + "last line";
  testing::writeFile(dir.file("in.gz"), gzipped(text));
  testing::writeFile(dir.file("in.zst"), zstded(text));
  for (const char* name : {"in.gz", "in.zst"}) {
    for (uint64_t chunk : {7u, 4096u, 1u << 20}) {
      INFO(name << ", chunk " << chunk);
      Result<std::vector<Input>> opened = openInputs({dir.file(name)});
      REQUIRE(opened.ok());
      REQUIRE_FALSE(opened.value()[0].mapped);  // decoded into the ring
      auto ring = makeRing(3, chunk, 1024);
      SourceOptions o;
      o.stream_chunk = chunk;
      Drained d = drain(opened.value(), ring.get(), o);
      checkIds(d.pieces);
      CHECK(checkTiling(d.pieces, 0, text).empty());
      closeInputs(opened.value());
    }
  }
}

TEST_CASE(
    "chunk_source: truncated gzip data gives the decoded part and an input "
    "error") {
  TempDir dir;
  const std::string text = testing::sampleLines(91, 5000, 60);
  std::string gz = gzipped(text);
  gz.resize(gz.size() / 2);
  testing::writeFile(dir.file("cut.gz"), gz);
  Result<std::vector<Input>> opened = openInputs({dir.file("cut.gz")});
  REQUIRE(opened.ok());
  auto ring = makeRing(2, 4096, 4096);
  SourceOptions o;
  o.stream_chunk = 4096;
  o.allow_input_error = true;
  Drained d = drain(opened.value(), ring.get(), o);
  REQUIRE_FALSE(d.error.ok());
  CHECK(d.error.code() == ExitCode::kInput);
  CHECK(d.error.message().find("cut.gz") != std::string::npos);
  // What was decoded before the damage arrives in order, from the start.
  std::string got;
  for (const Piece& p : d.pieces) got += p.bytes;
  CHECK(got.size() > 0);
  CHECK(got.size() < text.size());
  CHECK(got == text.substr(0, got.size()));
  closeInputs(opened.value());
}

TEST_CASE(
    "chunk_source: damaged gzip and zstd give the same whole lines for every "
    "chunk size, and drop the line the damage cuts") {
  TempDir dir;
  const std::string text = testing::sampleLines(92, 4000, 70);
  for (bool zstd : {false, true}) {
    for (int damage = 0; damage < 2; ++damage) {
      std::string packed = zstd ? zstded(text) : gzipped(text);
      if (damage == 0) {
        packed.resize(packed.size() * 3 / 5);  // truncated
      } else {
        packed[packed.size() * 3 / 5] ^= 0x55;  // corrupt
      }
      std::string name = zstd ? "bad.zst" : "bad.gz";
      testing::writeFile(dir.file(name), packed);
      std::optional<std::string> first;
      for (uint64_t chunk : {7u, 4096u, 1u << 20}) {
        INFO(name << ", damage " << damage << ", chunk " << chunk);
        Result<std::vector<Input>> opened = openInputs({dir.file(name)});
        REQUIRE(opened.ok());
        auto ring = makeRing(3, chunk, 1024);
        SourceOptions o;
        o.stream_chunk = chunk;
        o.allow_input_error = true;
        Drained d = drain(opened.value(), ring.get(), o);
        // A flipped byte in a zstd frame without a checksum may go unseen.
        if (!zstd || damage == 0) CHECK_FALSE(d.error.ok());
        std::string got;
        for (const Piece& p : d.pieces) got += p.bytes;
        CHECK((got.empty() || got.back() == '\n'));  // whole lines only
        if (!first) first = got;
        CHECK(got == *first);
        closeInputs(opened.value());
      }
      if (damage == 0) {
        // Truncated: every whole line before the cut, from the start (zstd
        // gives nothing of a block that is cut; 3/5 falls in the first).
        if (!zstd) CHECK(first->size() > text.size() / 3);
        CHECK(*first == text.substr(0, first->size()));
      }
    }
  }
}

/// A stream that gives its bytes in pieces of `piece`, then a read error.
class FailingSource final : public ByteSource {
 public:
  FailingSource(std::string data, size_t piece)
      : data_(std::move(data)), piece_(piece) {}
  int pollFd() const override { return -1; }
  Result<size_t> read(char* buf, size_t n) override {
    if (pos_ == data_.size())
      return Status::error(ExitCode::kInput, "pipe: Input/output error");
    size_t k = std::min({n, piece_, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  bool atEnd() const override { return false; }  // it ends with an error

 private:
  std::string data_;
  size_t piece_;
  size_t pos_ = 0;
};

TEST_CASE(
    "chunk_source: a read error on a plain stream gives the whole lines "
    "before it, for every chunk size and read size") {
  const std::string text = testing::sampleLines(93, 3000, 70) + "cut line";
  const std::string whole = text.substr(0, text.rfind('\n') + 1);
  for (uint64_t chunk : {7u, 4096u, 1u << 20}) {
    for (size_t piece : {1u, 100u, 1u << 20}) {
      INFO("chunk " << chunk << ", reads of " << piece);
      std::vector<Input> inputs(1);
      inputs[0].name = "pipe";
      inputs[0].mapped = false;
      inputs[0].source = std::make_unique<FailingSource>(text, piece);
      auto ring = makeRing(3, chunk, 1024);
      SourceOptions o;
      o.stream_chunk = chunk;
      o.allow_input_error = true;
      Drained d = drain(inputs, ring.get(), o);
      CHECK(d.error.message() == "pipe: Input/output error");
      std::string got;
      for (const Piece& p : d.pieces) got += p.bytes;
      CHECK(got == whole);
    }
  }
}

}  // namespace
}  // namespace clusterproc

namespace clusterproc {
namespace {

/// A pipe that stays open, its first bytes written, read by a ChunkSource
/// with --flush-after `after`.
struct LivePipe {
  LivePipe(const std::string& first, std::chrono::milliseconds after) {
    REQUIRE(::pipe(fds) == 0);
    write(first);
    inputs.push_back(streamInput(fds[0]));
    source.setFlushAfter(after);
  }
  ~LivePipe() {
    if (fds[1] >= 0) ::close(fds[1]);
    ::close(fds[0]);
  }
  void write(const std::string& text) {
    REQUIRE(::write(fds[1], text.data(), text.size()) ==
            static_cast<ssize_t>(text.size()));
  }
  /// What next() says after the first read (no end of input).
  ChunkSource::State afterFirstRead() {
    REQUIRE(source.next(a, m) == ChunkSource::State::kNeedRead);
    REQUIRE(source.readMore().ok());
    return source.next(a, m);
  }
  int fds[2] = {-1, -1};
  std::vector<Input> inputs;
  std::unique_ptr<ShmRing> ring = makeRing(3, 4096, 4096);
  ChunkSource source{inputs, ring.get(), 0, 4096, 1};
  Assign a;
  ChunkMeta m;
};

TEST_CASE(
    "chunk_source: --flush-after 0 hands on complete lines of a live pipe at "
    "once") {
  LivePipe p("{\"a\":1}\n{\"b\":", std::chrono::milliseconds(0));
  REQUIRE(p.afterFirstRead() == ChunkSource::State::kReady);
  // Only the complete line; the partial one waits for its newline.
  CHECK(std::string(p.ring->slot(p.a.slot) + p.a.offset, p.a.size) ==
        "{\"a\":1}\n");
  CHECK(p.m.offset == 0);
  CHECK(p.source.next(p.a, p.m) == ChunkSource::State::kNeedRead);
  p.write("2}\n");
  ::close(p.fds[1]);
  p.fds[1] = -1;
  std::string got;
  for (;;) {
    ChunkSource::State s = p.source.next(p.a, p.m);
    if (s == ChunkSource::State::kDone) break;
    if (s == ChunkSource::State::kNeedRead) {
      REQUIRE(p.source.readMore().ok());
      continue;
    }
    REQUIRE(s == ChunkSource::State::kReady);
    got += std::string(p.ring->slot(p.a.slot) + p.a.offset, p.a.size);
    p.source.release(p.a.slot);
  }
  CHECK(got == "{\"b\":2}\n");
}

TEST_CASE(
    "chunk_source: before --flush-after has passed a partly filled slot "
    "waits") {
  LivePipe p("{\"a\":1}\n", std::chrono::milliseconds(3600 * 1000));
  CHECK_FALSE(p.source.flushDeadline().has_value());
  CHECK(p.afterFirstRead() == ChunkSource::State::kNeedRead);
  // The master polls no longer than this deadline.
  REQUIRE(p.source.flushDeadline().has_value());
  CHECK(*p.source.flushDeadline() > std::chrono::steady_clock::now());
}

}  // namespace
}  // namespace clusterproc
