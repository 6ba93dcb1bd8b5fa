#include "channel.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace clusterproc {
namespace {

/// A pipe whose ends are closed on destruction.
struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() { REQUIRE(::pipe(fds) == 0); }
  ~Pipe() {
    closeRead();
    closeWrite();
  }
  int r() const { return fds[0]; }
  int w() const { return fds[1]; }
  void closeRead() {
    if (fds[0] >= 0) ::close(fds[0]);
    fds[0] = -1;
  }
  void closeWrite() {
    if (fds[1] >= 0) ::close(fds[1]);
    fds[1] = -1;
  }
};

/// Fills fb from fd until end of file; the payloads of every whole frame.
std::vector<std::string> readAllFrames(FrameBuffer& fb, int fd) {
  std::vector<std::string> got;
  for (;;) {
    Result<size_t> n = fb.fill(fd, "test");
    REQUIRE(n.ok());
    Frame f{};
    while (fb.next(f)) got.emplace_back(f.payload);
    if (n.value() == 0) return got;
  }
}

std::string frameBytes(MsgType type, std::string_view payload) {
  ByteWriter w;
  w.u32(static_cast<uint32_t>(type));
  w.u32(static_cast<uint32_t>(payload.size()));
  w.raw(payload.data(), payload.size());
  return w.str();
}

TEST_CASE("channel: ByteWriter and ByteReader round trip") {
  ByteWriter w;
  w.u8(0xab);
  w.u32(0xdeadbeefu);
  w.u64(0x0123456789abcdefull);
  w.bytes("hello");
  w.bytes("");
  w.bytes(std::string_view("\0\xff\n", 3));
  w.u64(0);
  ByteReader r(w.str());
  CHECK(r.u8() == 0xab);
  CHECK(r.u32() == 0xdeadbeefu);
  CHECK(r.u64() == 0x0123456789abcdefull);
  CHECK(r.bytes() == "hello");
  CHECK(r.bytes().empty());
  CHECK(r.bytes() == std::string_view("\0\xff\n", 3));
  CHECK_FALSE(r.atEnd());
  CHECK(r.u64() == 0);
  CHECK(r.atEnd());
  CHECK_FALSE(r.failed());
}

TEST_CASE("channel: integers are written little-endian") {
  ByteWriter w;
  w.u32(0x04030201u);
  CHECK(w.str() == std::string("\x01\x02\x03\x04", 4));
}

TEST_CASE("channel: ByteReader overrun sets failed and yields zeros") {
  ByteWriter w;
  w.u32(7);
  std::string buf = w.str();
  ByteReader r(std::string_view(buf.data(), 3));  // one byte short
  CHECK(r.u32() == 0);
  CHECK(r.failed());
  // Once failed, even a read that would fit fails.
  CHECK(r.u8() == 0);
  CHECK(r.failed());
}

TEST_CASE("channel: ByteReader bytes() with a length beyond the input fails") {
  ByteWriter w;
  w.u64(1000);  // claims 1000 bytes
  w.raw("abc", 3);
  // Slice a larger buffer so that reading past the view would find data.
  std::string backing = w.str() + std::string(2000, 'z');
  ByteReader r(std::string_view(backing.data(), w.str().size()));
  CHECK(r.bytes().empty());
  CHECK(r.failed());

  ByteWriter huge;
  huge.u64(UINT64_MAX);
  ByteReader r2(huge.str());
  CHECK(r2.bytes().empty());
  CHECK(r2.failed());
}

TEST_CASE("channel: ByteReader on empty input fails every read") {
  ByteReader r(std::string_view{});
  CHECK(r.atEnd());
  CHECK(r.u64() == 0);
  CHECK(r.failed());
}

TEST_CASE("channel: writeFrame and readFrame over a pipe") {
  Pipe p;
  std::string big(3000, 'q');
  REQUIRE(writeFrame(p.w(), MsgType::kAssign, "abc", "test").ok());
  REQUIRE(writeFrame(p.w(), MsgType::kFinish, "", "test").ok());
  REQUIRE(writeFrame(p.w(), MsgType::kDone, big, "test").ok());
  p.closeWrite();

  std::string storage;
  Frame f{};
  Result<bool> got = readFrame(p.r(), storage, f, "test");
  REQUIRE(got.ok());
  CHECK(got.value());
  CHECK(f.type == MsgType::kAssign);
  CHECK(f.payload == "abc");

  got = readFrame(p.r(), storage, f, "test");
  REQUIRE(got.ok());
  CHECK(got.value());
  CHECK(f.type == MsgType::kFinish);
  CHECK(f.payload.empty());

  got = readFrame(p.r(), storage, f, "test");
  REQUIRE(got.ok());
  CHECK(got.value());
  CHECK(f.type == MsgType::kDone);
  CHECK(f.payload == big);

  // Clean end of file: false, not an error.
  got = readFrame(p.r(), storage, f, "test");
  REQUIRE(got.ok());
  CHECK_FALSE(got.value());
}

TEST_CASE("channel: readFrame on a frame cut in the middle is an error") {
  SECTION("cut in the header") {
    Pipe p;
    std::string bytes = frameBytes(MsgType::kDone, "payload");
    REQUIRE(::write(p.w(), bytes.data(), 5) == 5);
    p.closeWrite();
    std::string storage;
    Frame f{};
    Result<bool> got = readFrame(p.r(), storage, f, "worker 3");
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().code() == ExitCode::kWorkerFailed);
    CHECK(got.status().message().find("worker 3") != std::string::npos);
  }
  SECTION("cut in the payload") {
    Pipe p;
    std::string bytes = frameBytes(MsgType::kDone, "payload");
    REQUIRE(::write(p.w(), bytes.data(), bytes.size() - 2) ==
            static_cast<ssize_t>(bytes.size() - 2));
    p.closeWrite();
    std::string storage;
    Frame f{};
    Result<bool> got = readFrame(p.r(), storage, f, "worker 3");
    REQUIRE_FALSE(got.ok());
    CHECK(got.status().code() == ExitCode::kWorkerFailed);
  }
}

TEST_CASE("channel: FrameBuffer fed one byte at a time yields whole frames") {
  const std::vector<std::pair<MsgType, std::string>> sent = {
      {MsgType::kAssign, "first"},
      {MsgType::kFinish, ""},
      {MsgType::kDone, std::string("bin\0ary\xff", 8)},
      {MsgType::kDone, std::string(700, 'p')},
      {MsgType::kFailure, "last"}};
  std::string stream;
  for (const auto& [type, payload] : sent) stream += frameBytes(type, payload);

  Pipe p;
  REQUIRE(::fcntl(p.r(), F_SETFL, O_NONBLOCK) == 0);
  // The writer sends single bytes; the reader waits for each one, so every
  // fill() sees exactly one new byte.
  FrameBuffer fb;
  std::vector<std::pair<MsgType, std::string>> got;
  for (char c : stream) {
    REQUIRE(::write(p.w(), &c, 1) == 1);
    struct pollfd pfd = {p.r(), POLLIN, 0};
    REQUIRE(::poll(&pfd, 1, 5000) == 1);
    Result<size_t> n = fb.fill(p.r(), "test");
    REQUIRE(n.ok());
    REQUIRE(n.value() == 1);
    Frame f{};
    while (fb.next(f)) got.emplace_back(f.type, std::string(f.payload));
  }
  REQUIRE(got.size() == sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    CHECK(got[i].first == sent[i].first);
    CHECK(got[i].second == sent[i].second);
  }
  CHECK(fb.empty());
  p.closeWrite();
  Result<size_t> eof = fb.fill(p.r(), "test");
  REQUIRE(eof.ok());
  CHECK(eof.value() == 0);
}

TEST_CASE("channel: FrameBuffer holds back a partial frame") {
  Pipe p;
  std::string bytes = frameBytes(MsgType::kDone, "abcdef");
  REQUIRE(::write(p.w(), bytes.data(), bytes.size() - 1) ==
          static_cast<ssize_t>(bytes.size() - 1));
  FrameBuffer fb;
  REQUIRE(fb.fill(p.r(), "test").ok());
  Frame f{};
  CHECK_FALSE(fb.next(f));
  CHECK_FALSE(fb.empty());
  REQUIRE(::write(p.w(), bytes.data() + bytes.size() - 1, 1) == 1);
  REQUIRE(fb.fill(p.r(), "test").ok());
  REQUIRE(fb.next(f));
  CHECK(f.type == MsgType::kDone);
  CHECK(f.payload == "abcdef");
  CHECK(fb.empty());
}

TEST_CASE("channel: FrameBuffer keeps frames intact across many large fills") {
  // Enough data that the buffer compacts (more than its 64 KiB read block).
  Pipe p;
  std::vector<std::string> payloads;
  for (int i = 0; i < 200; ++i)
    payloads.push_back(std::string(1000 + i * 7, 'a' + i % 26));
  std::thread writer([&] {
    for (const std::string& s : payloads) {
      if (!writeFrame(p.w(), MsgType::kDone, s, "test").ok()) break;
    }
    p.closeWrite();
  });
  FrameBuffer fb;
  std::vector<std::string> got = readAllFrames(fb, p.r());
  writer.join();
  CHECK(got == payloads);
}

TEST_CASE("channel: writeFrameParts sends the parts as one frame") {
  Pipe p;
  REQUIRE(writeFrameParts(p.w(), MsgType::kDone, {"ab", "", "cde", "f"}, "test")
              .ok());
  p.closeWrite();
  std::string storage;
  Frame f{};
  Result<bool> got = readFrame(p.r(), storage, f, "test");
  REQUIRE(got.ok());
  REQUIRE(got.value());
  CHECK(f.type == MsgType::kDone);
  CHECK(f.payload == "abcdef");
}

TEST_CASE("channel: frames of several MiB in parts through a small pipe") {
  // The pipe takes 64 KiB at a time: writev returns short and the rest of a
  // part, then the following parts, must go out in order.
  Pipe p;
  std::vector<std::string> big;
  for (int i = 0; i < 4; ++i) {
    std::string s(3u << 20, '\0');
    for (size_t k = 0; k < s.size(); ++k)
      s[k] = static_cast<char>('a' + (k * 7 + i) % 26);
    big.push_back(std::move(s));
  }
  std::thread writer([&] {
    for (int i = 0; i < 4; ++i) {
      std::string head = "head" + std::to_string(i);
      if (!writeFrameParts(p.w(), MsgType::kDone, {head, big[i], "tail"},
                           "test")
               .ok())
        break;
    }
    p.closeWrite();
  });
  FrameBuffer fb;
  std::vector<std::string> got = readAllFrames(fb, p.r());
  writer.join();
  REQUIRE(got.size() == 4);
  for (int i = 0; i < 4; ++i)
    CHECK(got[i] == "head" + std::to_string(i) + big[i] + "tail");
  CHECK(fb.empty());
}

}  // namespace
}  // namespace clusterproc
