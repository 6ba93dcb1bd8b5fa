// The master's event loop in one process: workers are threads of
// FakeLauncher (fake_launcher.h) over real pipes, scripted per assignment.
// Orders of events are forced by waiting on other workers' reports, never by
// time: no sleeps, no timed assertions.

#include "master.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "fake_launcher.h"
#include "shard.h"
#include "test_util.h"

namespace clusterproc {
namespace {

using testing::EmitStep;
using testing::FakeLauncher;
using testing::FakeSignals;
using testing::Step;

/// A script that may use the launcher (to wait for other workers).
using Script = std::function<Step(FakeLauncher&, unsigned worker, const Assign&,
                                  std::string_view bytes)>;

/// What a run did.
struct Outcome {
  Status status;
  std::string out;  ///< the sink's output (written when the run succeeded)
  std::string bad;  ///< the --bad-records file
  std::string err;  ///< what the master wrote on stderr (warnings)
  RunTotals totals;
  unsigned retries = 0;
  std::vector<uint64_t> sent;     ///< report ids in the order workers sent them
  std::vector<uint64_t> written;  ///< direct output: ids of outputs written
  size_t started = 0;             ///< workers started, replacements included
};

/// Sends stderr (fd 2: the master's warnings) to path while it lives.
class StderrTo {
 public:
  explicit StderrTo(const std::string& path) : saved_(::dup(STDERR_FILENO)) {
    int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
  }
  ~StderrTo() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
  }

 private:
  int saved_;
};

/// n lines {"n":i,"pad":"..."} of about 40 bytes: 4 KiB chunks hold ~100.
std::string numbered(int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s +=
        "{\"n\":" + std::to_string(i) + ",\"pad\":\"abcdefghijklmnopqrstu\"}\n";
  return s;
}

struct Run {
  testing::TempDir dir;
  Job job;
  FakeSignals signals;
  testing::EmitScript on_emit;  ///< direct output: what workers do per Emit

  Run(JobKind kind, unsigned workers) {
    job.kind = kind;
    job.workers = workers;
    job.chunk_size = 4096;
    job.bad_records_path = dir.file("bad.jsonl");
    if (kind == JobKind::kWhere) job.where = {"n >= 0"};
    if (kind == JobKind::kExec) job.exec = "cat";  // as the fake runs it
  }

  Outcome go(const std::string& data, Script script) {
    testing::writeFile(dir.file("in.jsonl"), data);
    job.inputs = {dir.file("in.jsonl")};
    Outcome o;
    Result<Query> query = compileQuery(job);
    REQUIRE(query.ok());
    Result<std::vector<Input>> inputs = openInputs(job.inputs);
    REQUIRE(inputs.ok());
    Result<OutputFile> out = OutputFile::open(dir.file("out"));
    Result<OutputFile> bad = OutputFile::open(job.bad_records_path);
    REQUIRE((out.ok() && bad.ok()));
    {
      StderrTo quiet(dir.file("err"));
      BadRecordReporter reporter(std::move(bad.value()), 0);
      ResultSink sink(job, query.value(), out.value(), Format::kJsonl);
      FakeLauncher* self = nullptr;
      FakeLauncher launcher(
          job, query.value(), inputs.value(),
          [&](unsigned w, const Assign& a, std::string_view bytes) {
            return script(*self, w, a, bytes);
          });
      self = &launcher;
      Master master(job, query.value(), inputs.value(), nullptr, launcher,
                    reporter, sink);
      master.setRanges(wholeInputs(inputs.value()), 0);
      master.setSignals(&signals);
      launcher.follow(master.workerContext(), on_emit);
      o.status = master.run();
      if (o.status.ok()) {
        REQUIRE(sink.finish().ok());
        REQUIRE(out.value().commit().ok());
      }
      REQUIRE(reporter.finish().ok());
      launcher.killAll();
      o.totals = master.totals();
      o.retries = master.retries();
      o.sent = launcher.sent();
      o.written = launcher.written();
      o.started = launcher.started();
    }
    closeInputs(inputs.value());
    if (o.status.ok()) o.out = testing::readFile(dir.file("out"));
    o.bad = testing::readFile(job.bad_records_path);
    o.err = testing::readFile(dir.file("err"));
    return o;
  }
};

Step report(FakeLauncher&, unsigned, const Assign&, std::string_view) {
  return Step::report();
}

size_t countOf(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1))
    ++n;
  return n;
}

TEST_CASE("master: a plain run merges every chunk once, in order") {
  Run run(JobKind::kWhere, 3);
  std::string data = numbered(1000);
  Outcome o = run.go(data, report);
  REQUIRE(o.status.ok());
  CHECK(o.out == data);
  CHECK(o.totals.records == 1000);
  CHECK(o.totals.lines == 1000);
  CHECK(o.retries == 0);
  CHECK(o.started == 3);
}

TEST_CASE(
    "master: reports that arrive out of order are merged in chunk order") {
  Run run(JobKind::kWhere, 2);
  std::string data = numbered(1000);
  // Chunk 0 answers only after chunks 1 and 3 have been reported.
  Outcome o = run.go(
      data, [](FakeLauncher& l, unsigned, const Assign& a, std::string_view) {
        if (a.chunk_id == 0) {
          l.waitSent(1);
          l.waitSent(3);
        }
        return Step::report();
      });
  REQUIRE(o.status.ok());
  REQUIRE(o.sent.size() >= 4);
  CHECK(std::find(o.sent.begin(), o.sent.end(), 0) >
        std::find(o.sent.begin(), o.sent.end(), 3));
  CHECK(o.out == data);
}

TEST_CASE("master: production stays within the window ahead of the merge") {
  // -j2: the window is 4 * 2 + 8 = 16 chunks. While chunk 0 is held no
  // chunk from 16 on may be handed out; chunks up to 15 must be.
  Run run(JobKind::kWhere, 2);
  std::string data = numbered(3000);  // about 30 chunks
  std::atomic<bool> released{false};
  std::atomic<int> too_far{0};
  std::atomic<uint64_t> highest{0};
  Outcome o = run.go(data, [&](FakeLauncher& l, unsigned, const Assign& a,
                               std::string_view) {
    if (a.chunk_id == 0) {
      l.waitSent(15);
      released = true;
    } else if (a.chunk_id >= 16 && !released) {
      ++too_far;
    }
    uint64_t h = highest;
    while (a.chunk_id > h && !highest.compare_exchange_weak(h, a.chunk_id)) {
    }
    return Step::report();
  });
  REQUIRE(o.status.ok());
  CHECK(too_far == 0);
  CHECK(highest >= 25);
  CHECK(o.out == data);
}

TEST_CASE("master: the chunk of a crashed worker runs again in a new worker") {
  Run run(JobKind::kWhere, 2);
  std::string data = numbered(1000);
  std::atomic<bool> crashed{false};
  Outcome o = run.go(
      data, [&](FakeLauncher&, unsigned, const Assign& a, std::string_view) {
        if (a.chunk_id == 3 && !crashed.exchange(true)) return Step::crash();
        return Step::report();
      });
  REQUIRE(o.status.ok());
  CHECK(o.out == data);
  CHECK(o.retries == 1);
  CHECK(o.started == 3);
  CHECK_THAT(o.err, Catch::Matches("clusterproc: warning: worker [01] \\(pid "
                                   "100[01]\\) died \\(signal 9 "
                                   "\\(Killed\\)\\) while processing "
                                   ".*/in.jsonl bytes 12[0-9]+-16[0-9]+; "
                                   "running it again\n"));
  CHECK(o.totals.bad_records == 0);
  // Run again whole (--retries 2), not bisected.
  CHECK(std::none_of(o.sent.begin(), o.sent.end(),
                     [](uint64_t id) { return id & kProbeBit; }));
}

TEST_CASE("master: a poison line is narrowed down to a bad record") {
  Run run(JobKind::kCount, 2);
  std::string data = numbered(1000);
  // Line 457 (1-based) crashes every worker that takes it.
  size_t at = 0;
  for (int i = 0; i < 456; ++i) at = data.find('\n', at) + 1;
  data.insert(at, "{\"poison\":1}\n");
  Outcome o = run.go(
      data, [](FakeLauncher&, unsigned, const Assign&, std::string_view bytes) {
        return bytes.find("poison") != std::string_view::npos ? Step::crash()
                                                              : Step::report();
      });
  REQUIRE(o.status.ok());
  CHECK(o.out == "{\"count\":1000}\n");
  CHECK(o.totals.bad_records == 1);
  CHECK(o.totals.lines == 1001);
  CHECK(o.bad.find("\"line\":457,") != std::string::npos);
  CHECK(o.bad.find("\"offset\":" + std::to_string(at)) != std::string::npos);
  CHECK(o.bad.find("worker crashed (signal 9 (Killed))") != std::string::npos);
  CHECK(o.bad.find("\"raw\":\"{\\\"poison\\\":1}\"") != std::string::npos);
  CHECK(countOf(o.bad, "\n") == 1);
  // 3 runs of the whole chunk (--retries 2), then probes down to the line.
  CHECK(o.retries > 3);
  CHECK(o.started == 2 + o.retries);
}

TEST_CASE(
    "master: two poison lines in one chunk are both found, the rest counted") {
  Run run(JobKind::kCount, 1);
  std::string data = numbered(60);  // one chunk
  data += "{\"poison\":1}\n" + numbered(3) + "{\"poison\":2}\n";
  Outcome o = run.go(
      data, [](FakeLauncher&, unsigned, const Assign&, std::string_view bytes) {
        return bytes.find("poison") != std::string_view::npos ? Step::crash()
                                                              : Step::report();
      });
  REQUIRE(o.status.ok());
  CHECK(o.out == "{\"count\":63}\n");
  CHECK(o.totals.bad_records == 2);
  CHECK(o.bad.find("\"line\":61,") != std::string::npos);
  CHECK(o.bad.find("\"line\":65,") != std::string::npos);
}

TEST_CASE("master: --retries is the number of whole reruns before bisection") {
  std::string data = numbered(300);
  for (unsigned retries : {0u, 1u, 3u}) {
    CAPTURE(retries);
    // Chunk 1 crashes its first `crashes` runs, then succeeds.
    for (unsigned crashes : {retries, retries + 1}) {
      CAPTURE(crashes);
      Run run(JobKind::kWhere, 2);
      run.job.retries = retries;
      std::atomic<unsigned> runs{0};
      Outcome o = run.go(data, [&](FakeLauncher&, unsigned, const Assign& a,
                                   std::string_view) {
        if (a.chunk_id == 1 && runs++ < crashes) return Step::crash();
        return Step::report();
      });
      REQUIRE(o.status.ok());
      CHECK(o.out == data);
      CHECK(o.totals.bad_records == 0);
      CHECK(o.retries == crashes);
      bool bisected = std::any_of(o.sent.begin(), o.sent.end(),
                                  [](uint64_t id) { return id & kProbeBit; });
      CHECK(bisected == (crashes > retries));
    }
  }
}

TEST_CASE(
    "master: workers that keep dying whatever they run make the run give up") {
  Run run(JobKind::kCount, 2);
  Outcome o =
      run.go(numbered(1000), [](FakeLauncher&, unsigned, const Assign&,
                                std::string_view) { return Step::crash(); });
  REQUIRE(!o.status.ok());
  CHECK(o.status.code() == ExitCode::kWorkerFailed);
  CHECK(o.status.message().find("; giving up after ") != std::string::npos);
  CHECK(o.status.message().find(" worker deaths") != std::string::npos);
  // 64 deaths, plus 4 per chunk produced (at most all 10 of them).
  CHECK(o.retries > 64);
  CHECK(o.retries <= 64 + 4 * 10 + 1);
}

TEST_CASE("master: --max-errors stops the run at the bad record beyond it") {
  Run run(JobKind::kCount, 2);
  run.job.max_errors = 2;
  std::string data;
  for (int i = 0; i < 10; ++i) data += numbered(150) + "not json\n";
  Outcome o = run.go(data, report);
  REQUIRE(!o.status.ok());
  CHECK(o.status.code() == ExitCode::kBadRecords);
  CHECK(o.status.message() == "stopped after 3 bad records (--max-errors 2)");
  CHECK(o.totals.bad_records == 3);
}

TEST_CASE("master: --limit stops the run without waiting for busy workers") {
  Run run(JobKind::kWhere, 2);
  run.job.limit = 5;
  std::string data = numbered(1000);
  // Every chunk after the first two hangs until the run is over.
  Outcome o = run.go(
      data, [](FakeLauncher& l, unsigned, const Assign& a, std::string_view) {
        if (a.chunk_id >= 2) l.waitSent(UINT64_MAX);
        return Step::report();
      });
  REQUIRE(o.status.ok());
  CHECK(o.out == numbered(5));
  CHECK(o.totals.rows == 5);
}

TEST_CASE(
    "master: a report of a chunk the worker was not given is a protocol "
    "error") {
  Run run(JobKind::kCount, 2);
  Outcome o = run.go(numbered(1000), [](FakeLauncher&, unsigned,
                                        const Assign& a, std::string_view) {
    return a.chunk_id == 1 ? Step::wrongId(7) : Step::report();
  });
  REQUIRE(!o.status.ok());
  CHECK(o.status.code() == ExitCode::kWorkerFailed);
  CHECK(o.status.message() ==
        "worker 1 (pid 1001) reported an unexpected chunk (id 7, expected 1)");
}

TEST_CASE("master: a worker's failure message ends the run with it") {
  Run run(JobKind::kCount, 1);
  Outcome o = run.go(numbered(1000), [](FakeLauncher&, unsigned,
                                        const Assign& a, std::string_view) {
    return a.chunk_id == 2 ? Step::fail("worker error: boom") : Step::report();
  });
  REQUIRE(!o.status.ok());
  CHECK(o.status.code() == ExitCode::kWorkerFailed);
  // Worker 0, or its replacement when the master's next assignment found
  // the worker gone before its message was read.
  CHECK_THAT(
      o.status.message(),
      Catch::Matches("worker [0-9]+ \\(pid [0-9]+\\): worker error: boom"));
}

TEST_CASE("master: SIGINT stops the run with exit 130") {
  Run run(JobKind::kCount, 2);
  Outcome o = run.go(numbered(1000), [&](FakeLauncher&, unsigned,
                                         const Assign& a, std::string_view) {
    if (a.chunk_id == 2) run.signals.raise(SIGINT);
    return Step::report();
  });
  REQUIRE(!o.status.ok());
  CHECK(o.status.code() == ExitCode::kInterrupted);
  CHECK(o.status.message() == "interrupted by SIGINT");
}

// Direct output (direct_output.h): --exec workers hold their chunks' output
// (the fake's command is cat) and write it when the master says it is its turn.

/// Whether ids are in increasing order, each once.
bool ascendingOnce(const std::vector<uint64_t>& ids) {
  return std::adjacent_find(ids.begin(), ids.end(), [](uint64_t a, uint64_t b) {
           return a >= b;
         }) == ids.end();
}

TEST_CASE("master: direct --exec output is written by the workers in order") {
  Run run(JobKind::kExec, 3);
  std::string data = numbered(1000);
  // -j3, two in flight each: chunks 0 and 3 go to worker 0, 1 and 4 to
  // worker 1, 2 and 5 to worker 2. Chunk 0 answers only after chunks 4 and
  // 5 were reported (their outputs held meanwhile).
  Outcome o = run.go(
      data, [](FakeLauncher& l, unsigned, const Assign& a, std::string_view) {
        if (a.chunk_id == 0) {
          l.waitSent(4);
          l.waitSent(5);
        }
        return Step::report();
      });
  REQUIRE(o.status.ok());
  CHECK(o.out == data);
  CHECK(o.totals.lines == 1000);
  // Every chunk's output went out from its worker, once, in chunk order.
  CHECK(o.written.size() == o.sent.size());
  CHECK(ascendingOnce(o.written));
  CHECK(o.retries == 0);
}

TEST_CASE("master: direct output: the outputs a dead worker held run again") {
  Run run(JobKind::kExec, 3);
  std::string data = numbered(1000);
  std::atomic<bool> crashed{false};
  // Worker 2 reports chunk 2 (its output held: chunk 0 waits for chunk 4),
  // then dies on chunk 5, which was in its pipe before any Emit could be.
  Outcome o = run.go(
      data, [&](FakeLauncher& l, unsigned, const Assign& a, std::string_view) {
        if (a.chunk_id == 0) l.waitSent(4);
        if (a.chunk_id == 5 && !crashed.exchange(true)) return Step::crash();
        return Step::report();
      });
  REQUIRE(o.status.ok());
  CHECK(o.out == data);
  CHECK(o.retries == 1);
  CHECK(std::count(o.sent.begin(), o.sent.end(), 2) == 2);
  CHECK(ascendingOnce(o.written));
  CHECK_THAT(o.err, Catch::Matches("clusterproc: warning: worker 2 \\(pid "
                                   "1002\\) died \\(signal 9 \\(Killed\\)\\) "
                                   "while processing .*; running it again\n"));
}

TEST_CASE(
    "master: direct output: a worker that dies in its turn before or after "
    "writing: its chunk is out once") {
  // Before: the chunk runs again. After (its Emitted lost): the shared word
  // says it is out whole, and it is merged as written.
  for (EmitStep step : {EmitStep::kCrash, EmitStep::kCrashAfterWriting}) {
    const bool before = step == EmitStep::kCrash;
    CAPTURE(before);
    Run run(JobKind::kExec, 2);
    std::string data = numbered(1000);
    std::atomic<bool> crashed{false};
    run.on_emit = [&](unsigned, uint64_t id) {
      return id == 3 && !crashed.exchange(true) ? step : EmitStep::kWrite;
    };
    Outcome o = run.go(data, report);
    REQUIRE(o.status.ok());
    CHECK(o.out == data);
    CHECK(o.retries == 1);
    CHECK(std::count(o.sent.begin(), o.sent.end(), 3) == (before ? 2 : 1));
    CHECK(ascendingOnce(o.written));
    CHECK(o.totals.lines == 1000);
  }
}

TEST_CASE(
    "master: direct output: a worker that dies while writing stops the run") {
  Run run(JobKind::kExec, 2);
  run.on_emit = [](unsigned, uint64_t id) {
    return id == 3 ? EmitStep::kCrashMidway : EmitStep::kWrite;
  };
  Outcome o = run.go(numbered(1000), report);
  REQUIRE(!o.status.ok());
  CHECK(o.status.code() == ExitCode::kWorkerFailed);
  // Part of chunk 3's output may be out: running it again would double it.
  CHECK_THAT(o.status.message(),
             Catch::Matches("worker [01] \\(pid 100[01]\\) died \\(signal 9 "
                            "\\(Killed\\)\\) while writing the output of "
                            ".*/in.jsonl bytes 12[0-9]+-16[0-9]+"));
  CHECK(o.written == std::vector<uint64_t>{0, 1, 2});
}

TEST_CASE("master: direct output: a worker's failed write ends the run") {
  Run run(JobKind::kExec, 2);
  run.on_emit = [](unsigned, uint64_t id) {
    return id == 2 ? EmitStep::kBrokenPipe : EmitStep::kWrite;
  };
  Outcome o = run.go(numbered(1000), report);
  REQUIRE(!o.status.ok());
  CHECK(o.status.code() == ExitCode::kBrokenPipe);
  CHECK(o.written == std::vector<uint64_t>{0, 1});
}

TEST_CASE(
    "master: direct output: a bisected chunk's output, written by the "
    "master, keeps its place") {
  Run run(JobKind::kExec, 2);
  std::string data = numbered(1000);
  size_t at = 0;
  for (int i = 0; i < 456; ++i) at = data.find('\n', at) + 1;
  std::string with_poison = data;
  with_poison.insert(at, "{\"poison\":1}\n");
  Outcome o = run.go(with_poison, [](FakeLauncher&, unsigned, const Assign&,
                                     std::string_view bytes) {
    return bytes.find("poison") != std::string_view::npos ? Step::crash()
                                                          : Step::report();
  });
  REQUIRE(o.status.ok());
  CHECK(o.out == data);
  CHECK(o.totals.bad_records == 1);
  CHECK(o.bad.find("\"line\":457,") != std::string::npos);
  // Every other chunk's output was written by its worker (after running
  // again if the worker that held it took the poison), once, in order; the
  // poison's chunk never reported whole.
  std::set<uint64_t> chunks;
  for (uint64_t id : o.sent) {
    if (!(id & kProbeBit)) chunks.insert(id);
  }
  CHECK(o.written == std::vector<uint64_t>(chunks.begin(), chunks.end()));
  REQUIRE(!chunks.empty());
  CHECK(chunks.size() == *chunks.rbegin());  // one id is missing
}

}  // namespace
}  // namespace clusterproc
