#include "progress.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "test_util.h"

namespace clusterproc {
namespace {

using namespace std::chrono_literals;

ProgressView fileView() {
  ProgressView v;
  v.sample.bytes = 126'000'000;
  v.sample.records = 400'000;
  v.sample.bad_records = 3;
  v.sample.busy = 2;
  v.total = 210'000'000;
  v.workers = 4;
  v.seconds = 2;
  v.bytes_per_s = 42'000'000;
  v.records_per_s = 612'345;
  return v;
}

TEST_CASE("progress: human units keep three significant digits") {
  CHECK(humanBytes(0) == "0 B");
  CHECK(humanBytes(999) == "999 B");
  CHECK(humanBytes(1000) == "1.00 kB");
  CHECK(humanBytes(12'345'678) == "12.3 MB");
  CHECK(humanBytes(999'600) == "1.00 MB");  // not "1000 kB"
  CHECK(humanBytes(2.5e9) == "2.50 GB");
  CHECK(humanCount(850) == "850");
  CHECK(humanCount(612'345) == "612k");
  CHECK(humanCount(1'200'000) == "1.20M");
  CHECK(humanDuration(7) == "0:07");
  CHECK(humanDuration(754) == "12:34");
  CHECK(humanDuration(3723) == "1:02:03");
  CHECK(humanDuration(-1) == "0:00");
}

TEST_CASE(
    "progress: a file's line shows bar, share, rates, ETA, workers and bad "
    "records") {
  std::string line = renderProgress(fileView(), 120);
  CHECK(line.rfind("[", 0) == 0);
  CHECK(line.find(" 60% 126 MB / 210 MB") != std::string::npos);
  CHECK(line.find("612k rec/s") != std::string::npos);
  CHECK(line.find("42.0 MB/s") != std::string::npos);
  CHECK(line.find("ETA 0:02") != std::string::npos);  // 84 MB left at 42 MB/s
  CHECK(line.find("workers 2/4") != std::string::npos);
  CHECK(line.find("bad 3") != std::string::npos);
  CHECK(line.size() <= 119);
}

TEST_CASE("progress: a stream's line has no total, bar or ETA") {
  ProgressView v = fileView();
  v.total = 0;
  v.seconds = 65;
  std::string line = renderProgress(v, 120);
  CHECK(line.rfind("126 MB  ", 0) == 0);
  CHECK(line.find('[') == std::string::npos);
  CHECK(line.find('%') == std::string::npos);
  CHECK(line.find("ETA") == std::string::npos);
  CHECK(line.find("elapsed 1:05") != std::string::npos);
}

TEST_CASE("progress: ETA is unknown before any rate and zero at the end") {
  ProgressView v = fileView();
  v.bytes_per_s = 0;
  CHECK(renderProgress(v, 200).find("ETA --:--") != std::string::npos);
  v.sample.bytes = v.total;
  std::string line = renderProgress(v, 200);
  CHECK(line.find("100%") != std::string::npos);
  CHECK(line.find("ETA 0:00") != std::string::npos);
}

TEST_CASE("progress: a narrow terminal drops the least useful pieces first") {
  for (size_t width : {20, 40, 60, 80, 100}) {
    INFO("width " << width);
    std::string line = renderProgress(fileView(), width);
    CHECK(line.size() <= width - 1);
    CHECK(line.find("60%") != std::string::npos);
  }
  std::string at60 = renderProgress(fileView(), 60);
  CHECK(at60.find("workers") == std::string::npos);
  CHECK(at60.find("bad 3") != std::string::npos);
}

TEST_CASE("progress: auto mode follows the terminal, the options win") {
  Job job;
  job.kind = JobKind::kSummary;
  CHECK(progressWanted(job, true, true, "xterm"));
  CHECK_FALSE(progressWanted(job, false, true, "xterm"));
  CHECK_FALSE(progressWanted(job, true, false, "dumb"));
  CHECK(progressWanted(job, true, false, nullptr));
  job.kind =
      JobKind::kWhere;  // rows on the same terminal would mix with the line
  CHECK_FALSE(progressWanted(job, true, true, "xterm"));
  CHECK(progressWanted(job, true, false, "xterm"));
  job.output_path = "out.jsonl";
  CHECK(progressWanted(job, true, true, "xterm"));
  job.progress = false;
  CHECK_FALSE(progressWanted(job, true, false, "xterm"));
  job.progress = true;
  CHECK(progressWanted(job, false, false, "dumb"));
}

TEST_CASE(
    "progress: the total is known only when every input is a mapped file") {
  std::vector<Input> inputs(2);
  inputs[0].mapped = inputs[1].mapped = true;
  inputs[0].size = 100;
  inputs[1].size = 23;
  CHECK(knownInputSize(inputs) == 123);
  inputs[1].mapped = false;
  CHECK(knownInputSize(inputs) == 0);
}

TEST_CASE(
    "progress: redrawn at most every period, erased around messages and at the "
    "end") {
  std::string out = testing::captured([](int fd) {
    Console console(fd);
    ProgressLine line(console, true, 1000, 2);
    auto t0 = ProgressLine::Clock::now();
    ProgressSample s;
    s.bytes = 100;
    line.update(s, t0 + 50ms);  // too early: nothing
    line.update(s, t0 + 130ms);
    line.update(s, t0 + 200ms);  // within the period: nothing
    console.warn("between");     // erased, then drawn again
    s.bytes = 500;
    line.update(s, t0 + 300ms);
    line.finish();
    line.update(s, t0 + 900ms);  // finished: nothing
    console.warn("after");       // no line to erase
  });
  std::string erase = "\r\x1b[K";
  size_t first = out.find(" 10% ");
  size_t second = out.find(" 50% ");
  REQUIRE(first != std::string::npos);
  REQUIRE(second != std::string::npos);
  size_t warned = out.find(erase + "clusterproc: warning: between\n\r");
  REQUIRE(warned != std::string::npos);
  // The same line is drawn again after the message.
  CHECK(out.find(" 10% ", warned) < second);
  std::string tail = erase + "clusterproc: warning: after\n";
  CHECK(out.substr(out.size() - tail.size()) == tail);
  // Three drawings, each "\r...\x1b[K", and two erasures.
  size_t cr = 0;
  for (char c : out) cr += c == '\r';
  CHECK(cr == 5);
}

TEST_CASE("progress: a disabled line writes nothing") {
  std::string out = testing::captured([](int fd) {
    Console console(fd);
    ProgressLine line(console, false, 0, 2);
    CHECK(line.pollTimeoutMs() == -1);
    line.update(ProgressSample{}, ProgressLine::Clock::now() + 1s);
    line.finish();
  });
  CHECK(out.empty());
}

TEST_CASE("progress: rates follow the recent window") {
  Console console(-1);
  ProgressLine line(console, true, 0, 1);
  auto t0 = ProgressLine::Clock::now();
  ProgressSample s;
  s.bytes = 1'000'000;
  s.records = 1000;
  line.view(s, t0 + 1s);
  s.bytes = 2'000'000;
  s.records = 2000;
  ProgressView v = line.view(s, t0 + 2s);
  CHECK(v.bytes_per_s == Approx(1'000'000).epsilon(0.05));
  CHECK(v.records_per_s == Approx(1000).epsilon(0.05));
  // Much later, at ten times the pace: the old samples no longer count.
  for (int i = 3; i <= 10; ++i) {
    s.bytes += 10'000'000;
    v = line.view(s, t0 + std::chrono::seconds(i));
  }
  CHECK(v.bytes_per_s == Approx(10'000'000).epsilon(0.05));
}

}  // namespace
}  // namespace clusterproc
