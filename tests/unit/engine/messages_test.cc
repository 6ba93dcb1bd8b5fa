#include "messages.h"

#include <catch2/catch.hpp>
#include <string>

#include "channel.h"
#include "report_check.h"

namespace clusterproc {
namespace {

ChunkReport sampleReport() {
  ChunkReport r;
  r.chunk_id = 42;
  r.lines = 1000;
  r.records = 990;
  r.matched = 500;
  static constexpr char kOutput[] = "{\"row\":1}\n{\"row\":2}\n\0\xff";
  r.output.assign(kOutput, sizeof kOutput - 1);
  r.row_lines = {1, 7, 0xffffffffffull};
  r.exec_error = "exit status 127";
  r.exec_fatal = true;
  r.exec_stderr = "warn\n";
  r.held_output = 8u << 20;
  r.bad.push_back({3, 120, "invalid JSON: unterminated string", "{\"a\":\"x"});
  r.bad.push_back({7, 400, "record longer than --max-record (10 bytes)", ""});
  static constexpr char kBinary[] = "{\"k\":\"\xff\xfe\0\x01\"}";
  r.bad.push_back({9, 512, "invalid JSON: invalid UTF-8",
                   std::string(kBinary, sizeof kBinary - 1)});
  return r;
}

TEST_CASE("messages: Assign round trip") {
  Assign a;
  a.chunk_id = 0x1122334455667788ull;
  a.input = 3;
  a.slot = 17;
  a.offset = 1ull << 40;
  a.size = 4 << 20;
  Result<Assign> d = decodeAssign(encodeAssign(a));
  REQUIRE(d.ok());
  CHECK(d.value().chunk_id == a.chunk_id);
  CHECK(d.value().input == 3);
  CHECK(d.value().slot == 17);
  CHECK(d.value().offset == a.offset);
  CHECK(d.value().size == a.size);
}

TEST_CASE("messages: Assign with kNoSlot round trips") {
  Assign a;
  a.chunk_id = 5;
  a.offset = 123;
  a.size = 456;
  Result<Assign> d = decodeAssign(encodeAssign(a));
  REQUIRE(d.ok());
  CHECK(d.value().slot == kNoSlot);
  CHECK(d.value().offset == 123);
}

TEST_CASE("messages: an Assign fits in PIPE_BUF") {
  CHECK(encodeAssign(Assign{}).size() + 8 <= 512);  // POSIX minimum PIPE_BUF
}

TEST_CASE(
    "messages: ChunkReport round trip with bad records, empty and binary raw") {
  ChunkReport r = sampleReport();
  Result<ChunkReport> d = decodeReport(encodeReport(r));
  REQUIRE(d.ok());
  testing::checkSameReport(d.value(), r);
  CHECK(d.value().bad[2].raw.size() == 12);
}

TEST_CASE("messages: ChunkReport without bad records round trips") {
  ChunkReport r;
  r.chunk_id = 1;
  r.lines = 2;
  r.records = 2;
  Result<ChunkReport> d = decodeReport(encodeReport(r));
  REQUIRE(d.ok());
  testing::checkSameReport(d.value(), r);
}

TEST_CASE("messages: every truncation of an Assign fails to decode") {
  std::string full = encodeAssign(Assign{9, 1, 2, 3, 4});
  for (size_t n = 0; n < full.size(); ++n) {
    Result<Assign> d = decodeAssign(std::string_view(full.data(), n));
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().code() == ExitCode::kWorkerFailed);
  }
  // Trailing garbage is rejected too.
  CHECK_FALSE(decodeAssign(full + "x").ok());
}

TEST_CASE("messages: every truncation of a ChunkReport fails to decode") {
  std::string full = encodeReport(sampleReport());
  for (size_t n = 0; n < full.size(); ++n) {
    INFO("length " << n);
    Result<ChunkReport> d = decodeReport(std::string_view(full.data(), n));
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().code() == ExitCode::kWorkerFailed);
    CHECK_FALSE(d.status().message().empty());
  }
  CHECK_FALSE(decodeReport(full + "x").ok());
}

/// Overwrites the u64 that ends `from_end` bytes before the end of payload.
std::string patchU64(std::string payload, size_t from_end, uint64_t v) {
  REQUIRE(payload.size() >= from_end);
  ByteWriter w;
  w.u64(v);
  payload.replace(payload.size() - from_end, 8, w.str());
  return payload;
}

TEST_CASE("messages: a huge bogus bad-record count is rejected") {
  // Without bad records the payload ends with their count.
  ChunkReport r;
  r.chunk_id = 1;
  r.lines = 10;
  r.records = 5;
  const std::string good = encodeReport(r);
  REQUIRE(decodeReport(good).ok());
  for (uint64_t bogus : {UINT64_MAX, uint64_t{1} << 40, uint64_t{1000}}) {
    INFO("count " << bogus);
    Result<ChunkReport> d = decodeReport(patchU64(good, 8, bogus));
    REQUIRE_FALSE(d.ok());
    CHECK(d.status().code() == ExitCode::kWorkerFailed);
  }
}

TEST_CASE("messages: a huge bogus row count is rejected") {
  // Without rows and bad records the payload ends with both counts.
  ChunkReport r;
  const std::string good = encodeReport(r);
  REQUIRE(decodeReport(good).ok());
  for (uint64_t bogus : {UINT64_MAX, uint64_t{1} << 40, uint64_t{1000}}) {
    INFO("rows " << bogus);
    CHECK_FALSE(decodeReport(patchU64(good, 16, bogus)).ok());
  }
}

TEST_CASE("messages: a bad-record length beyond the payload is rejected") {
  ChunkReport r;
  r.bad.push_back({2, 3, "", ""});
  // The payload ends with the reason's length and the raw's length.
  const std::string good = encodeReport(r);
  REQUIRE(decodeReport(good).ok());
  CHECK_FALSE(decodeReport(patchU64(good, 16, 1ull << 50)).ok());
  CHECK_FALSE(decodeReport(patchU64(good, 8, UINT64_MAX)).ok());
  CHECK_FALSE(decodeReport(patchU64(good, 8, 1)).ok());
}

TEST_CASE("messages: Emit and Emitted round trip; truncations fail") {
  Result<uint64_t> id = decodeChunkId(encodeChunkId(0x8000000000000007ull));
  REQUIRE(id.ok());
  CHECK(id.value() == 0x8000000000000007ull);
  CHECK_FALSE(decodeChunkId("1234567").ok());
  CHECK_FALSE(decodeChunkId("123456789").ok());
  Result<Emitted> d = decodeEmitted(encodeEmitted(Emitted{41, Status()}));
  REQUIRE(d.ok());
  CHECK(d.value().chunk_id == 41);
  CHECK(d.value().status.ok());
  // A failed write keeps the exit code and message the master would give.
  const std::string full = encodeEmitted(
      Emitted{42, Status::error(ExitCode::kBrokenPipe, "broken pipe")});
  d = decodeEmitted(full);
  REQUIRE(d.ok());
  CHECK(d.value().chunk_id == 42);
  REQUIRE_FALSE(d.value().status.ok());
  CHECK(d.value().status.code() == ExitCode::kBrokenPipe);
  CHECK(d.value().status.message() == "broken pipe");
  for (size_t n = 0; n < full.size(); ++n)
    CHECK_FALSE(decodeEmitted(full.substr(0, n)).ok());
  CHECK_FALSE(decodeEmitted(full + "x").ok());
}

}  // namespace
}  // namespace clusterproc
