#include "chunker.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "test_util.h"

namespace clusterproc {
namespace {

struct SeenLine {
  std::string text;
  bool blank;
  bool operator==(const SeenLine& o) const {
    return text == o.text && blank == o.blank;
  }
};

std::vector<SeenLine> linesOf(const std::string& s, uint64_t* count = nullptr) {
  std::vector<SeenLine> out;
  LineCursor cursor(s.data(), s.size());
  Line line;
  while (cursor.next(line)) out.push_back({std::string(line.text), line.blank});
  if (count) *count = cursor.count();
  return out;
}

/// The chunks chunkEnd cuts text into for one target size.
std::vector<std::string> cut(const std::string& text, size_t target) {
  std::vector<std::string> chunks;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = chunkEnd(text.data(), text.size(), begin, target);
    REQUIRE(end > begin);
    REQUIRE(end <= text.size());
    chunks.push_back(text.substr(begin, end - begin));
    begin = end;
  }
  return chunks;
}

const std::string kMixed =
    "{\"a\":1}\n"
    "\n"
    "   \t\n"
    "{\"b\":\"a longer line than the others, much longer\"}\r\n"
    "\r\n"
    "x\n"
    "{\"c\":[1,2,3]}";  // no final newline

TEST_CASE("chunker: chunkEnd chunks end at a newline and rebuild the input") {
  for (const std::string& text :
       {kMixed, kMixed + "\n", testing::sampleLines(7, 40, 30),
        std::string("\n\n\n"), std::string("no newline at all")}) {
    for (size_t target = 1; target <= text.size() + 1; ++target) {
      INFO("target " << target << " text size " << text.size());
      std::vector<std::string> chunks = cut(text, target);
      std::string joined;
      for (size_t i = 0; i < chunks.size(); ++i) {
        joined += chunks[i];
        if (i + 1 < chunks.size()) CHECK(chunks[i].back() == '\n');
      }
      CHECK(joined == text);
    }
  }
}

TEST_CASE("chunker: chunkEnd never splits a line") {
  const std::string text = testing::sampleLines(11, 30, 20);
  for (size_t target = 1; target <= text.size(); ++target) {
    size_t begin = 0;
    while (begin < text.size()) {
      size_t end = chunkEnd(text.data(), text.size(), begin, target);
      // A chunk starts at a line start and ends at a line end.
      CHECK((begin == 0 || text[begin - 1] == '\n'));
      CHECK((end == text.size() || text[end - 1] == '\n'));
      // It holds at least target bytes unless it reaches the end.
      CHECK((end - begin >= target || end == text.size()));
      begin = end;
    }
  }
}

TEST_CASE(
    "chunker: chunkEnd ends at the first newline at or after the target") {
  const std::string text = "aaaa\nbb\ncccccc\n";
  const char* d = text.data();
  CHECK(chunkEnd(d, text.size(), 0, 1) == 5);  // the first line ends at 5
  CHECK(chunkEnd(d, text.size(), 0, 5) == 5);  // '\n' is byte 5 exactly
  CHECK(chunkEnd(d, text.size(), 0, 6) == 8);
  CHECK(chunkEnd(d, text.size(), 5, 3) == 8);
  CHECK(chunkEnd(d, text.size(), 5, 4) == 15);
  CHECK(chunkEnd(d, text.size(), 0, 1000) == 15);
  CHECK(chunkEnd(d, text.size(), 0, 0) == 5);  // 0 behaves as 1
}

TEST_CASE("chunker: a line longer than the target makes a chunk of its own") {
  const std::string longline(500, 'x');
  const std::string text = "aaaa\n" + longline + "\nb\n";
  std::vector<std::string> chunks = cut(text, 4);
  REQUIRE(chunks.size() == 3);
  CHECK(chunks[0] == "aaaa\n");
  CHECK(chunks[1] == longline + "\n");
  CHECK(chunks[2] == "b\n");
}

TEST_CASE("chunker: lastLineEnd finds the end of the last complete line") {
  CHECK(lastLineEnd("", 0) == 0);
  CHECK(lastLineEnd("abc", 3) == 0);
  CHECK(lastLineEnd("abc\n", 4) == 4);
  CHECK(lastLineEnd("a\nbc\nde", 7) == 5);
  CHECK(lastLineEnd("\n", 1) == 1);
  CHECK(lastLineEnd("a\nb\nc", 3) == 2);  // only the first size bytes count
}

TEST_CASE(
    "chunker: LineCursor gives the lines with their blank flag and offset") {
  const std::string text = "{\"a\":1}\n\n  \t\n\r\n{\"b\":2}\r\n tail";
  LineCursor cursor(text.data(), text.size());
  Line line;
  struct Expect {
    const char* text;
    size_t offset;
    bool blank;
  };
  const Expect expect[] = {{"{\"a\":1}", 0, false},  {"", 8, true},
                           {"  \t", 9, true},        {"", 13, true},
                           {"{\"b\":2}", 15, false}, {" tail", 24, false}};
  for (const Expect& e : expect) {
    REQUIRE(cursor.next(line));
    CHECK(line.text == e.text);
    CHECK(line.offset == e.offset);
    CHECK(line.blank == e.blank);
  }
  CHECK_FALSE(cursor.next(line));
  CHECK(cursor.count() == 6);
}

TEST_CASE("chunker: LineCursor strips one \\r before \\n only") {
  const std::string text = "a\r\r\nb\rc\nd\r";
  std::vector<SeenLine> lines = linesOf(text);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].text == "a\r");
  CHECK(lines[1].text == "b\rc");
  // A final "\r" without "\n" is also a CR line ending.
  CHECK(lines[2].text == "d");
}

TEST_CASE(
    "chunker: LineCursor without final newline still yields the last line") {
  uint64_t count = 0;
  std::vector<SeenLine> with = linesOf("x\ny\n", &count);
  CHECK(count == 2);
  std::vector<SeenLine> without = linesOf("x\ny", &count);
  CHECK(count == 2);
  CHECK(with == without);
  CHECK(linesOf("", &count).empty());
  CHECK(count == 0);
}

TEST_CASE("chunker: isBlank accepts only spaces, tabs and \\r") {
  CHECK(isBlank(""));
  CHECK(isBlank("   "));
  CHECK(isBlank("\t \t"));
  CHECK(isBlank("\r"));
  CHECK(isBlank(" \r\t"));
  CHECK_FALSE(isBlank("a"));
  CHECK_FALSE(isBlank("  x  "));
  CHECK_FALSE(isBlank("\n"));
  CHECK_FALSE(isBlank("\f"));
  CHECK_FALSE(isBlank("\v"));
  CHECK_FALSE(isBlank(std::string_view("\0", 1)));
}

TEST_CASE("chunker: a line starting with a non-blank is never blank") {
  // LineCursor skips the scan for lines not starting with white space.
  std::vector<SeenLine> lines = linesOf("x   \n \tx\n\t\r\n");
  REQUIRE(lines.size() == 3);
  CHECK_FALSE(lines[0].blank);
  CHECK_FALSE(lines[1].blank);
  CHECK(lines[2].blank);
}

TEST_CASE("chunker: lines over chunks equal the lines of the whole input") {
  for (const std::string& text :
       {kMixed, testing::sampleLines(3, 60, 25),
        testing::sampleLines(4, 30, 10, true), std::string("\n \n\t\n\r\n"),
        std::string("single line, no newline")}) {
    uint64_t whole_count = 0;
    const std::vector<SeenLine> whole = linesOf(text, &whole_count);
    REQUIRE(whole_count == whole.size());
    for (size_t target = 1; target <= text.size(); ++target) {
      INFO("target " << target);
      std::vector<SeenLine> joined;
      uint64_t total = 0;
      for (const std::string& chunk : cut(text, target)) {
        uint64_t count = 0;
        for (SeenLine& l : linesOf(chunk, &count)) joined.push_back(l);
        total += count;
      }
      CHECK(joined == whole);
      CHECK(total == whole_count);
    }
  }
}

TEST_CASE("chunker: LineCursor matches the spec's line splitting") {
  const std::string text = testing::sampleLines(9, 50, 12, true) + "last\r";
  std::vector<std::string> expect = testing::specLines(text);
  std::vector<SeenLine> got = linesOf(text);
  REQUIRE(got.size() == expect.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i].text == expect[i]);
}

}  // namespace
}  // namespace clusterproc
