// The member start candidates of plain multi-member gzip: every real member
// start is found from its header bytes, whatever optional fields it has;
// bytes that cannot start a member are not.

#include "gzip_members.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "gzip_test_util.h"
#include "test_util.h"

using namespace clusterproc;

namespace {

std::string member(const std::string& text, gz_header* head = nullptr,
                   int level = 6) {
  return testing::gzipMember(text, level, head);
}

size_t headerLength(const std::string& s) {
  return gzipHeaderLength(reinterpret_cast<const unsigned char*>(s.data()),
                          s.size());
}

std::vector<uint64_t> scan(const std::string& s) {
  std::vector<uint64_t> out;
  scanGzipHeaders(s.data(), s.size(), 0, s.size(), 0, out);
  return out;
}

}  // namespace

TEST_CASE("gzip headers of every kind are member start candidates",
          "[gzip_members]") {
  CHECK(headerLength(member("{\"a\":1}\n")) == 10);
  CHECK(headerLength(member("")) == 10);  // empty member
  CHECK(headerLength(member(std::string(5000, 'x'), nullptr, 0)) ==
        10);  // stored
  gz_header h{};
  char name[] = "part-0001.json";
  char comment[] = "rotated \x1f\x8b\x08 by logrotate";
  unsigned char extra[] = {'A', 'B', 2, 0, 'x', 'y'};
  h.name = reinterpret_cast<Bytef*>(name);
  h.comment = reinterpret_cast<Bytef*>(comment);
  h.extra = extra;
  h.extra_len = sizeof extra;
  h.hcrc = 1;
  h.os = 3;
  const std::string m = member("{\"b\":2}\n", &h);
  CHECK(headerLength(m) ==
        10 + 2 + sizeof extra + sizeof name + sizeof comment + 2);
  SECTION("a header CRC that does not match is no header") {
    std::string bad = m;
    bad[headerLength(m) - 1] ^= 1;
    CHECK(headerLength(bad) == 0);
  }
  SECTION("a header cut short is no header") {
    for (size_t n = 0; n < headerLength(m); ++n)
      CHECK(gzipHeaderLength(reinterpret_cast<const unsigned char*>(m.data()),
                             n) == 0);
  }
}

TEST_CASE("bytes that cannot start a gzip member are no candidates",
          "[gzip_members]") {
  const std::string good = member("{\"a\":1}\n");
  auto with = [&](size_t at, unsigned char byte) {
    std::string s = good;
    s[at] = static_cast<char>(byte);
    return headerLength(s);
  };
  CHECK(with(2, 7) == 0);     // method other than deflate
  CHECK(with(3, 0x20) == 0);  // a reserved flag
  CHECK(with(8, 1) == 0);     // XFL
  CHECK(with(9, 14) == 0);    // an OS number gzip does not know
  CHECK(with(9, 255) == 10);  // "unknown" is one
  // The first deflate block: type 3 is invalid; a stored block's length
  // comes with its complement.
  CHECK(with(10, 0x07) == 0);
  std::string stored = member(std::string(300, 'z'), nullptr, 0);
  REQUIRE(((stored[10] >> 1) & 3) == 0);
  CHECK(headerLength(stored) == 10);
  stored[13] ^= 1;  // NLEN
  CHECK(headerLength(stored) == 0);
}

TEST_CASE("every member start of concatenated members is found",
          "[gzip_members]") {
  std::vector<std::string> parts = {
      member(testing::sampleLines(1, 200, 80)), member(""),
      member(testing::sampleLines(2, 50, 300), nullptr, 1),
      member(testing::sampleLines(3, 400, 60), nullptr, 9), member("")};
  std::string data;
  std::vector<uint64_t> starts;
  for (const std::string& p : parts) {
    starts.push_back(data.size());
    data += p;
  }
  // Compressed data may hold more candidates (false ones): every real
  // member start must be among them.
  std::vector<uint64_t> found = scan(data);
  for (uint64_t s : starts) {
    INFO("member at " << s);
    CHECK(std::find(found.begin(), found.end(), s) != found.end());
  }
  SECTION("from and limit bound the positions, base shifts them") {
    std::vector<uint64_t> out;
    scanGzipHeaders(data.data(), data.size(), starts[1], starts[3], 1000, out);
    CHECK(out.front() == 1000 + starts[1]);
    CHECK(out.back() < 1000 + starts[3]);
  }
}

TEST_CASE("the pieces of a gzip file start at the candidates",
          "[gzip_members]") {
  testing::TempDir dir;
  const std::string a = member(testing::sampleLines(4, 300, 80));
  const std::string b = member(testing::sampleLines(5, 300, 80));
  testing::writeFile(dir.file("two.gz"), a + b);
  testing::writeFile(dir.file("one.gz"), a);
  Result<std::vector<Input>> in =
      openInputs({dir.file("two.gz"), dir.file("one.gz")});
  REQUIRE(in.ok());
  std::vector<CompressedFrame> f = findGzipCandidates(in.value()[0]);
  REQUIRE(f.size() >= 2);
  CHECK(f.front().begin == 0);
  CHECK(f.back().end == a.size() + b.size());
  bool at_b = false;
  for (size_t i = 0; i < f.size(); ++i) {
    if (i > 0) CHECK(f[i].begin == f[i - 1].end);
    at_b |= f[i].begin == a.size();
  }
  CHECK(at_b);
  // One member and no false candidate: nothing to split.
  if (scan(a).size() == 1) CHECK(findGzipCandidates(in.value()[1]).empty());
  closeInputs(in.value());
}

TEST_CASE("a gzip file with a member too large for a worker is not split",
          "[gzip_members]") {
  // A worker holds a whole member decoded: a member whose ISIZE says more
  // than 256 MiB leaves the file to the master (here the field is written
  // by hand: only the bytes are looked at).
  testing::TempDir dir;
  const std::string text = testing::sampleLines(6, 300, 80);
  const std::string a = member(text);
  const std::string b = member(text);
  std::string big = a;
  big[big.size() - 1] = '\x20';  // ISIZE 0x20xxxxxx: over 512 MiB
  testing::writeFile(dir.file("ok.gz"), a + b);
  testing::writeFile(dir.file("big.gz"), big + b);
  Result<std::vector<Input>> in =
      openInputs({dir.file("ok.gz"), dir.file("big.gz")});
  REQUIRE(in.ok());
  std::vector<CompressedFrame> ok = findGzipCandidates(in.value()[0]);
  REQUIRE(ok.size() >= 2);
  for (const CompressedFrame& f : ok) {
    // The ISIZE before b, and the file's last 4 bytes.
    if (f.end == a.size() || f.end == a.size() + b.size())
      CHECK(f.decoded == text.size());
  }
  CHECK(findGzipCandidates(in.value()[1]).empty());
  closeInputs(in.value());
}

TEST_CASE("a candidate whose ISIZE before it does not fit is dropped",
          "[gzip_members]") {
  // A gzip member stored inside another one's stored deflate block: a
  // header candidate at the inner member, after 4 bytes that the scan
  // reads as the ISIZE of a member ending there.
  testing::TempDir dir;
  const std::string inner = member("{\"inner\":1}\n");
  const std::string first = member(testing::sampleLines(8, 200, 80));
  const auto file = [&](const std::string& isize) {
    return first + member("{\"a\":\"" + isize + inner + "\"}\n" +
                              testing::sampleLines(9, 100, 80),
                          nullptr, 0);
  };
  const std::string fits("\xe8\x03\0\0", 4);      // 1000 from 25 bytes: fits
  const std::string huge("\x00\x00\x00\x7f", 4);  // 2 GB from 50 bytes: no
  testing::writeFile(dir.file("fits.gz"), file(fits));
  testing::writeFile(dir.file("huge.gz"), file(huge));
  Result<std::vector<Input>> in =
      openInputs({dir.file("fits.gz"), dir.file("huge.gz")});
  REQUIRE(in.ok());
  const uint64_t at = file(fits).find(inner);
  REQUIRE(at != std::string::npos);
  auto starts = [](const std::vector<CompressedFrame>& f) {
    std::vector<uint64_t> out;
    for (const CompressedFrame& x : f) out.push_back(x.begin);
    return out;
  };
  CHECK(starts(findGzipCandidates(in.value()[0])) ==
        std::vector<uint64_t>{0, first.size(), at});
  CHECK(starts(findGzipCandidates(in.value()[1])) ==
        std::vector<uint64_t>{0, first.size()});
  closeInputs(in.value());
}
