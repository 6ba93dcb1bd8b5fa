// Bisection of a chunk that keeps killing workers, and the crash recovery
// around it, driven by hand: probes "crash" when their bytes hold a poison
// line, and report their lines otherwise.

#include "bisection.h"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "crash_recovery.h"

namespace clusterproc {
namespace {

Assign chunk(uint64_t id, const std::string& data) {
  Assign a;
  a.chunk_id = id;
  a.order_id = id;
  a.offset = 1000;  // where the chunk starts in its (mapped) input
  a.size = data.size();
  return a;
}

/// A probe's report as a worker would send it: one record per line, a bad
/// record for each line that is not "ok".
ChunkReport probeReport(const Assign& p, std::string_view bytes) {
  ChunkReport r;
  r.chunk_id = p.chunk_id;
  size_t pos = 0;
  while (pos < bytes.size()) {
    size_t nl = bytes.find('\n', pos);
    size_t end = nl == std::string_view::npos ? bytes.size() : nl + 1;
    ++r.lines;
    if (bytes.substr(pos, 2) == "ok") {
      ++r.records;
    } else {
      r.bad.push_back(BadRecord{r.lines, pos, "not ok", ""});
    }
    pos = end;
  }
  r.matched = r.records;
  return r;
}

/// Runs the bisection of data to its end, one probe at a time; counts the
/// probes that crashed.
ChunkReport bisect(const std::string& data, size_t& crashes) {
  Assign parent = chunk(5, data);
  Bisection b(parent, data.data());
  crashes = 0;
  uint64_t next = 0;
  Assign p;
  while (b.nextProbe(kProbeBit | next++, p)) {
    CHECK(p.order_id == 5);
    REQUIRE(p.offset >= parent.offset);
    std::string_view bytes(data.data() + (p.offset - parent.offset), p.size);
    if (bytes.find("poison") != std::string_view::npos) {
      ++crashes;
      b.probeCrashed(p.chunk_id, "signal 11 (Segmentation fault)");
    } else {
      b.probeDone(p.chunk_id, probeReport(p, bytes));
    }
  }
  REQUIRE(b.finished());
  return b.assemble();
}

TEST_CASE(
    "bisection: one poison line among many is found and the rest reported") {
  std::string data;
  for (int i = 0; i < 100; ++i)
    data += i == 70 ? "poison\n" : "ok" + std::to_string(i) + "\n";
  size_t crashes = 0;
  ChunkReport r = bisect(data, crashes);
  CHECK(r.chunk_id == 5);
  CHECK(r.lines == 100);
  CHECK(r.records == 99);
  REQUIRE(r.bad.size() == 1);
  CHECK(r.bad[0].line == 71);
  CHECK(r.bad[0].offset == data.find("poison"));
  CHECK(r.bad[0].reason == "worker crashed (signal 11 (Segmentation fault))");
  CHECK(r.bad[0].raw == "poison");
  // Halves down to one line: about log2(100) crashed probes.
  CHECK(crashes <= 8);
}

TEST_CASE(
    "bisection: poison lines, bad lines and a last line without newline") {
  std::string data = "ok\nbad\npoison 1\r\nok\nok\npoison 2\nbad\nok";
  size_t crashes = 0;
  ChunkReport r = bisect(data, crashes);
  CHECK(r.lines == 8);
  CHECK(r.records == 4);
  std::vector<uint64_t> lines;
  for (const BadRecord& b : r.bad) lines.push_back(b.line);
  CHECK(lines == std::vector<uint64_t>{2, 3, 6, 7});
  CHECK(r.bad[1].raw == "poison 1");  // without its \r\n
  CHECK(r.bad[2].offset == data.find("poison 2"));
  CHECK(r.bad[3].offset == data.find("bad\nok"));
}

TEST_CASE("bisection: a chunk of one line that crashes is that line") {
  std::string data = "poison";
  size_t crashes = 0;
  ChunkReport r = bisect(data, crashes);
  CHECK(crashes == 1);
  CHECK(r.lines == 1);
  REQUIRE(r.bad.size() == 1);
  CHECK(r.bad[0].line == 1);
  CHECK(r.bad[0].offset == 0);
}

TEST_CASE(
    "bisection: a chunk whose lines all pass on their own has no bad record") {
  // The chunk crashed whole (memory, a transient fault): its halves pass.
  std::string data = "ok1\nok2\nok3\n";
  size_t crashes = 0;
  ChunkReport r = bisect(data, crashes);
  CHECK(crashes == 0);
  CHECK(r.records == 3);
  CHECK(r.bad.empty());
}

TEST_CASE("bisection: a lost probe runs again unchanged") {
  std::string data = "ok1\nok2\nok3\nok4\n";
  Bisection b(chunk(0, data), data.data());
  Assign first, second, again;
  REQUIRE(b.nextProbe(kProbeBit | 0, first));
  REQUIRE(b.nextProbe(kProbeBit | 1, second));
  b.probeLost(kProbeBit | 0);  // its worker died on another probe
  REQUIRE(b.nextProbe(kProbeBit | 2, again));
  CHECK(again.offset == first.offset);
  CHECK(again.size == first.size);
  CHECK(again.line_base == first.line_base);
  CHECK(second.line_base == 2);
  CHECK(!b.finished());
}

TEST_CASE(
    "crash_recovery: a crashed chunk runs first, queued ones after, then "
    "bisection") {
  std::string data = "ok1\nok2\nok3\nok4\n";
  CrashRecovery rec(1, [&](const Assign&) { return data.data(); });
  Assign a = chunk(3, data), queued = chunk(4, data), next;
  CHECK(rec.idle());
  CHECK(rec.requeue(queued, false,
                    "signal 9 (Killed)"));  // only queued behind: not counted
  CHECK(rec.requeue(a, true, "signal 9 (Killed)"));
  REQUIRE(rec.next(next));
  CHECK(next.chunk_id == 3);  // the crashed one first
  REQUIRE(rec.next(next));
  CHECK(next.chunk_id == 4);
  CHECK(!rec.next(next));
  CHECK(rec.idle());
  // Second crash of chunk 3 (--retries 1): bisected, in probes of its halves.
  CHECK(rec.requeue(a, true, "signal 9 (Killed)"));
  CHECK(!rec.idle());
  Assign p1, p2;
  REQUIRE(rec.next(p1));
  REQUIRE(rec.next(p2));
  CHECK((p1.chunk_id & kProbeBit) != 0);
  CHECK(p1.order_id == 3);
  CHECK(!rec.next(next));
  ChunkReport r1 = probeReport(
      p1, std::string_view(data).substr(p1.offset - a.offset, p1.size));
  r1.partial = "state 1";
  CHECK(!rec.probeDone(std::move(r1)));
  // The second probe's worker dies: the probe crashed and is split.
  CHECK(rec.requeue(p2, true, "signal 9 (Killed)"));
  CHECK(rec.takeFinished().empty());
  Assign p3, p4;
  REQUIRE(rec.next(p3));
  REQUIRE(rec.next(p4));
  CHECK(p3.size + p4.size == p2.size);
  CHECK(rec.requeue(p4, true, "signal 9 (Killed)"));  // a poison line
  CHECK(rec.takeFinished().empty());                  // p3 still running
  std::optional<ChunkReport> full = rec.probeDone(probeReport(
      p3, std::string_view(data).substr(p3.offset - a.offset, p3.size)));
  REQUIRE(full);
  CHECK(full->chunk_id == 3);
  CHECK(full->records == 3);
  REQUIRE(full->bad.size() == 1);
  CHECK(full->bad[0].line == 4);
  CHECK(rec.takeProbeStates(3) == std::vector<std::string>{"state 1"});
  CHECK(rec.takeProbeStates(3).empty());
  rec.chunkDone(3);
  CHECK(rec.idle());
}

TEST_CASE(
    "crash_recovery: a bisection whose last probe crashed finishes at the "
    "loss") {
  std::string data = "poison\n";
  CrashRecovery rec(0, [&](const Assign&) { return data.data(); });
  CHECK(rec.requeue(chunk(0, data), true,
                    "signal 9 (Killed)"));  // --retries 0: bisect now
  Assign p;
  REQUIRE(rec.next(p));
  CHECK(rec.requeue(p, true, "signal 9 (Killed)"));
  std::vector<ChunkReport> done = rec.takeFinished();
  REQUIRE(done.size() == 1);
  CHECK(done[0].bad.size() == 1);
  CHECK(done[0].bad[0].reason == "worker crashed (signal 9 (Killed))");
  CHECK(rec.idle());
}

TEST_CASE(
    "crash_recovery: the give-up rule is 64 deaths plus 4 per chunk produced") {
  CrashRecovery rec(2, [](const Assign&) { return ""; });
  for (int i = 0; i < 64 + 4 * 3; ++i) CHECK(rec.death(3));
  CHECK(!rec.death(3));
  CHECK(rec.deaths() == 64 + 4 * 3 + 1);
  CHECK(rec.death(10));  // more chunks produced since: more deaths tolerated
}

}  // namespace
}  // namespace clusterproc
