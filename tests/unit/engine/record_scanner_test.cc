#include "record_scanner.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "chunker.h"
#include "job.h"
#include "query.h"
#include "report_check.h"

namespace clusterproc {
namespace {

/// A --count job: its (empty) compiled query and its state. The query must
/// outlive the state and the scanner.
struct CountJob {
  CountJob() {
    job.kind = JobKind::kCount;
    state = makeJobState(job, query);
  }
  RecordScanner scanner(uint64_t max_record, bool keep_raw) {
    return RecordScanner(*state, query.where, max_record, keep_raw);
  }
  Job job;
  Query query;
  std::unique_ptr<JobState> state;
};

/// Scans text from a buffer with simdjson's padding after it.
ChunkReport scanPadded(RecordScanner& scanner, const std::string& text) {
  std::string buf = text + std::string(simdjson::SIMDJSON_PADDING, ' ');
  ChunkReport report;
  scanner.scan(buf.data(), text.size(), buf.size(), 0, 0, report);
  return report;
}

/// Bytes placed at the very end of a readable page, followed by an
/// inaccessible page: any read past them faults.
class GuardedBuffer {
 public:
  explicit GuardedBuffer(const std::string& text) {
    page_ = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    size_t data_pages = (text.size() + page_ - 1) / page_ + 1;
    len_ = (data_pages + 1) * page_;
    void* p = ::mmap(nullptr, len_, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    base_ = static_cast<char*>(p);
    REQUIRE(::mprotect(base_ + data_pages * page_, page_, PROT_NONE) == 0);
    data_ = base_ + data_pages * page_ - text.size();
    std::memcpy(data_, text.data(), text.size());
  }
  ~GuardedBuffer() { ::munmap(base_, len_); }
  const char* data() const { return data_; }

 private:
  size_t page_ = 0;
  size_t len_ = 0;
  char* base_ = nullptr;
  char* data_ = nullptr;
};

const std::string kChunk =
    "{\"a\":1}\n"  // line 1, offset 0: valid
    "\n"           // line 2, offset 8: blank
    "   \t\n"      // line 3, offset 9: blank
    "{\"b\":\n"    // line 4, offset 14: invalid
    "[1,2,3]\n"    // line 5, offset 20: valid
    "\r\n"         // line 6, offset 28: blank
    "nope\n"       // line 7, offset 30: invalid
    "\"str\"\r\n"  // line 8, offset 35: valid (CRLF)
    "42";          // line 9, offset 42: valid, no final newline

TEST_CASE("record_scanner: counts lines and records and locates bad lines") {
  CountJob count;
  RecordScanner scanner = count.scanner(1 << 20, false);
  ChunkReport report = scanPadded(scanner, kChunk);
  CHECK(report.lines == 9);
  CHECK(report.records == 4);
  CHECK(report.matched == 4);  // no --where: every valid record matches
  REQUIRE(report.bad.size() == 2);
  CHECK(report.bad[0].line == 4);
  CHECK(report.bad[0].offset == 14);
  CHECK(report.bad[1].line == 7);
  CHECK(report.bad[1].offset == 30);
  for (const BadRecord& b : report.bad) {
    CHECK_FALSE(b.reason.empty());
    CHECK(b.raw.empty());  // keep_raw is off
  }
}

TEST_CASE(
    "record_scanner: keep_raw keeps the bad line without its line ending") {
  CountJob count;
  RecordScanner scanner = count.scanner(1 << 20, true);
  ChunkReport report = scanPadded(scanner, kChunk + "\n{oops}\r\n");
  REQUIRE(report.bad.size() == 3);
  CHECK(report.bad[0].raw == "{\"b\":");
  CHECK(report.bad[1].raw == "nope");
  CHECK(report.bad[2].raw == "{oops}");
  CHECK(report.bad[2].line == 10);
}

TEST_CASE(
    "record_scanner: scan appends to a report and counts lines per chunk") {
  CountJob count;
  RecordScanner scanner = count.scanner(1 << 20, false);
  ChunkReport report;
  std::string a = "{}\nbad\n" + std::string(64, ' ');
  std::string b = "x\n{}\n" + std::string(64, ' ');
  scanner.scan(a.data(), 7, a.size(), 0, 0, report);
  scanner.scan(b.data(), 5, b.size(), 0, 0, report);
  CHECK(report.lines == 4);
  CHECK(report.records == 2);
  REQUIRE(report.bad.size() == 2);
  CHECK(report.bad[0].line == 2);
  CHECK(report.bad[1].line == 1);  // 1-based within its own chunk
  CHECK(report.bad[1].offset == 0);
}

TEST_CASE(
    "record_scanner: a record at the very end of readable memory is parsed") {
  // readable == size: the scanner must parse a padded copy, not read past.
  const std::string text = "{\"first\":[1,2]}\n{\"last\":\"value at the end\"}";
  GuardedBuffer buf(text);
  CountJob count;
  RecordScanner scanner = count.scanner(1 << 20, false);
  ChunkReport report;
  scanner.scan(buf.data(), text.size(), text.size(), 0, 0, report);
  CHECK(report.lines == 2);
  CHECK(report.records == 2);
  CHECK(report.bad.empty());
}

TEST_CASE("record_scanner: a padded copy is used only where it is needed") {
  // The same record in the middle of a padded buffer and at the very end of
  // readable memory scans the same way.
  const std::string text = "[\"x\",{\"y\":null}]\n  \n[\"x\",{\"y\":null}]";
  GuardedBuffer guarded(text);
  CountJob count;
  RecordScanner scanner = count.scanner(1 << 20, false);
  ChunkReport at_end;
  scanner.scan(guarded.data(), text.size(), text.size(), 0, 0, at_end);
  ChunkReport padded = scanPadded(scanner, text);
  CHECK(at_end.records == 2);
  CHECK(padded.records == at_end.records);
  CHECK(padded.lines == at_end.lines);
  CHECK(at_end.lines == 3);
}

TEST_CASE(
    "record_scanner: an invalid record at the end of readable memory is "
    "reported") {
  const std::string text = "{\"ok\":1}\n{\"cut\":";
  GuardedBuffer buf(text);
  CountJob count;
  RecordScanner scanner = count.scanner(1 << 20, true);
  ChunkReport report;
  scanner.scan(buf.data(), text.size(), text.size(), 0, 0, report);
  CHECK(report.records == 1);
  REQUIRE(report.bad.size() == 1);
  CHECK(report.bad[0].line == 2);
  CHECK(report.bad[0].raw == "{\"cut\":");
}

TEST_CASE(
    "record_scanner: a line longer than max_record is bad and names "
    "--max-record") {
  CountJob count;
  RecordScanner scanner = count.scanner(10, true);
  // 10 bytes is accepted, 11 is not; the "\r\n" does not count.
  ChunkReport report = scanPadded(scanner, "[1,2,3,45]\r\n[1,2,3,456]\n");
  CHECK(report.lines == 2);
  CHECK(report.records == 1);
  REQUIRE(report.bad.size() == 1);
  CHECK(report.bad[0].line == 2);
  CHECK(report.bad[0].offset == 12);
  CHECK(report.bad[0].reason.find("--max-record") != std::string::npos);
  CHECK(report.bad[0].reason.find("10") != std::string::npos);
}

TEST_CASE("record_scanner: parseErrorReason distinguishes common errors") {
  std::set<std::string> texts = {parseErrorReason(simdjson::UTF8_ERROR),
                                 parseErrorReason(simdjson::DEPTH_ERROR),
                                 parseErrorReason(simdjson::UNCLOSED_STRING),
                                 parseErrorReason(simdjson::NUMBER_ERROR),
                                 parseErrorReason(simdjson::TAPE_ERROR),
                                 parseErrorReason(simdjson::EMPTY)};
  CHECK(texts.size() == 6);
  CHECK(parseErrorReason(simdjson::UTF8_ERROR).find("UTF-8") !=
        std::string::npos);
  CHECK(parseErrorReason(simdjson::DEPTH_ERROR).find("nested") !=
        std::string::npos);
  CHECK(parseErrorReason(simdjson::UNCLOSED_STRING).find("unterminated") !=
        std::string::npos);
  // An unlisted code still gives a text.
  CHECK_FALSE(parseErrorReason(simdjson::MEMALLOC).empty());
}

TEST_CASE("record_scanner: real bad records get the matching reason") {
  CountJob count;
  RecordScanner scanner = count.scanner(1 << 20, false);
  const std::string deep = std::string(1100, '[') + std::string(1100, ']');
  ChunkReport report =
      scanPadded(scanner, "\"\xff\xfe\"\n" + deep + "\n\"abc\n{\"a\":1}\n");
  CHECK(report.records == 1);
  REQUIRE(report.bad.size() == 3);
  CHECK_THAT(report.bad[0].reason, Catch::Contains("UTF-8"));
  CHECK_THAT(report.bad[1].reason, Catch::Contains("nested deeper than 1024"));
  CHECK_THAT(report.bad[2].reason, Catch::Contains("unterminated string"));
}

TEST_CASE("record_scanner: text after the value makes the record bad") {
  CountJob count;
  RecordScanner scanner = count.scanner(1 << 20, false);
  ChunkReport report = scanPadded(scanner, "{\"a\":1} {\"b\":2}\n1 2\n{} \t\n");
  CHECK(report.records == 1);  // trailing white space is fine
  CHECK(report.bad.size() == 2);
}

/// A --select . job (every valid record re-serialised from its parse, with
/// its line) and a --where job, for comparing the two scan paths.
struct SelectJob {
  explicit SelectJob(const std::string& where = "") {
    job.kind = JobKind::kSelect;
    job.select = ".";
    if (!where.empty()) job.where.push_back(where);
    Result<Query> q = compileQuery(job);
    REQUIRE(q.ok());
    query = std::move(q.value());
    state = makeJobState(job, query);
  }
  Job job;
  Query query;
  std::unique_ptr<JobState> state;
};

/// Scans text (padded, or ending at the end of readable memory) in chunks of
/// about chunk bytes with the region streams on or off.
ChunkReport scanBoth(const std::string& text, bool streaming, bool guarded,
                     size_t chunk, uint64_t* streamed = nullptr,
                     uint64_t max_record = 1 << 20,
                     const std::string& where = "") {
  SelectJob select(where);
  RecordScanner scanner(*select.state, select.query.where, max_record, true);
  scanner.setStreaming(streaming);
  std::string padded = text + std::string(simdjson::SIMDJSON_PADDING, ' ');
  std::unique_ptr<GuardedBuffer> g;
  const char* data = padded.data();
  size_t readable = padded.size();
  if (guarded) {
    g = std::make_unique<GuardedBuffer>(text);
    data = g->data();
    readable = text.size();
  }
  ChunkReport all;
  for (size_t at = 0, id = 0; at < text.size(); ++id) {
    size_t end = chunkEnd(data, text.size(), at, chunk);
    ChunkReport r;
    scanner.scan(data + at, end - at, readable - at, id, 0, r);
    all.lines += r.lines;
    all.records += r.records;
    all.matched += r.matched;
    all.output += r.output;
    all.output += "|";
    for (uint64_t l : r.row_lines) all.row_lines.push_back(l);
    for (BadRecord& b : r.bad) {
      b.offset += at;
      all.bad.push_back(b);
    }
    at = end;
  }
  if (streamed) *streamed = scanner.streamedLines();
  return all;
}

/// Every way a line can break the alignment of documents and lines, between
/// good records.
const char* const kTrickyLines[] = {
    "{\"a\":1}",
    "",
    "  \t ",
    "\r",
    "  {\"lead\":\"white space before and after\"} \t\r",
    "{\"a\":1} {\"b\":2}",  // two values on one line
    "{\"a\":1}{\"b\":2}",   // two values, no space
    "[1,2] 3",
    "{\"open\":",  // a value across two lines
    "\"rest\"}",
    "{\"s\":\"unterminated}",
    "\"x\" {\"a\":1} \"",  // quotes that flip the string state
    "\"}{\"",
    "42",  // scalars: valid, per-line path
    "\"str\"",
    "true",
    "null",
    "nope",
    "{\"bad\":tru}",
    "{\"num\":01}",
    "{\"num\":1e999}",
    "{\"esc\":\"\\q\"}",
    "{\"ctl\":\"a\tb\"}",
    "{\"utf\":\"\xff\"}",
    "{\"a\":1}}",
    "{\"a\":1},",
    "[[[[[[[[]]]]]]]]",
    "{\"k\":[1,{\"x\":\"\\u00e9\\\"\"}],\"n\":-0.5e3}",
    "{\"trail\":1}\r",
    "}",
    "[",
    "\\",
};

std::string trickyText(uint64_t seed, size_t lines) {
  std::string text;
  const size_t n = sizeof(kTrickyLines) / sizeof(kTrickyLines[0]);
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 7;
  for (size_t i = 0; i < lines; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    // Mostly good records, as in real data, so that streams get going.
    if (x % 3 != 0) {
      text += "{\"i\":" + std::to_string(i) + ",\"s\":\"v" +
              std::to_string(x % 97) + "\"}";
    } else {
      text += kTrickyLines[(x >> 8) % n];
    }
    text += (x >> 20) % 5 == 0 ? "\r\n" : "\n";
  }
  if (seed % 2) text.pop_back();  // some inputs end without a newline
  return text;
}

TEST_CASE("record_scanner: region streams accept aligned records") {
  std::string text;
  for (int i = 0; i < 2000; ++i)
    text += "{\"i\":" + std::to_string(i) + ",\"a\":[1,{\"b\":null}]}\n";
  uint64_t streamed = 0;
  ChunkReport stream = scanBoth(text, true, false, 1 << 20, &streamed);
  ChunkReport lines = scanBoth(text, false, false, 1 << 20);
  testing::checkSameReport(stream, lines);
  CHECK(stream.records == 2000);
  CHECK(streamed == 2000);  // every line through the stream
}

TEST_CASE("record_scanner: streams and per-line parsing give the same report") {
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const std::string text = trickyText(seed, 300);
    for (size_t chunk :
         {size_t{1}, size_t{64}, size_t{1000}, size_t{1} << 20}) {
      for (bool guarded : {false, true}) {
        INFO("seed " << seed << " chunk " << chunk << " guarded " << guarded);
        uint64_t streamed = 0;
        ChunkReport stream = scanBoth(text, true, guarded, chunk, &streamed);
        ChunkReport lines = scanBoth(text, false, guarded, chunk);
        testing::checkSameReport(stream, lines);
      }
    }
  }
}

TEST_CASE("record_scanner: each fall-back case alone, between good records") {
  for (const char* tricky : kTrickyLines) {
    for (const char* sep : {"\n", "\r\n"}) {
      std::string text = std::string("{\"before\":1}") + sep + tricky + sep +
                         "{\"after\":2}" + sep;
      for (int i = 0; i < 3; ++i)
        text += text;  // the case 8 times in one region
      INFO("line: " << tricky);
      uint64_t streamed = 0;
      ChunkReport stream = scanBoth(text, true, false, 1 << 20, &streamed);
      ChunkReport lines = scanBoth(text, false, false, 1 << 20);
      testing::checkSameReport(stream, lines);
      CHECK(stream.records >= 16);
      // A byte that fails stage 1 (bad UTF-8, a control character in a
      // string, an odd number of quotes in the region) sends the whole region
      // to the per-line parser; anything else only its own line.
      const std::string t = tricky;
      const bool odd_quotes = std::count(t.begin(), t.end(), '"') % 2 == 1;
      if (t.find('\xff') == std::string::npos &&
          t.find('\t') == std::string::npos && !odd_quotes) {
        CHECK(streamed > 0);
      }
    }
  }
}

TEST_CASE("record_scanner: streams honour --max-record and --where") {
  std::string text;
  for (int i = 0; i < 500; ++i) {
    text += "{\"i\":" + std::to_string(i) + ",\"pad\":\"" +
            std::string(i % 40, 'x') + "\"}\n";
  }
  for (uint64_t max_record : {uint64_t{30}, uint64_t{45}, uint64_t{1} << 20}) {
    uint64_t streamed = 0;
    ChunkReport stream = scanBoth(text, true, false, 1 << 20, &streamed,
                                  max_record, ".i % 3 == 0");
    ChunkReport lines = scanBoth(text, false, false, 1 << 20, nullptr,
                                 max_record, ".i % 3 == 0");
    testing::checkSameReport(stream, lines);
    CHECK(stream.matched < stream.records);
    if (max_record < 100) CHECK_FALSE(stream.bad.empty());
  }
}

TEST_CASE("record_scanner: a region larger than one stream region") {
  std::string text;
  for (int i = 0; text.size() < 3 * RecordScanner::kStreamRegion; ++i) {
    text += "{\"i\":" + std::to_string(i) + "}\n";
    if (i % 10000 == 9999) text += "{\"broken\":\n";
  }
  uint64_t streamed = 0;
  ChunkReport stream = scanBoth(text, true, false, 1 << 22, &streamed);
  ChunkReport lines = scanBoth(text, false, false, 1 << 22);
  testing::checkSameReport(stream, lines);
  CHECK(stream.bad.size() > 5);
  CHECK(streamed > stream.records / 2);
}

}  // namespace
}  // namespace clusterproc
