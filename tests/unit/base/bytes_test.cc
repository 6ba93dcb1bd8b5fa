#include "bytes.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

namespace clusterproc {
namespace {

// The bytes do not depend on the host's byte order: these expectations hold
// on a big-endian machine too (partials move between machines).
TEST_CASE("bytes: integers are little-endian, doubles their bit pattern") {
  ByteWriter w;
  w.u8(0xAB);
  w.u16(0x0102);
  w.u32(0x01020304);
  w.u64(0x0102030405060708);
  w.f64(1.0);  // 0x3FF0000000000000
  const uint64_t arr[] = {1, 0x0100};
  w.u64s(arr, 2);
  w.bytes("hi");
  const std::string want(
      "\xAB"
      "\x02\x01"
      "\x04\x03\x02\x01"
      "\x08\x07\x06\x05\x04\x03\x02\x01"
      "\x00\x00\x00\x00\x00\x00\xF0\x3F"
      "\x01\x00\x00\x00\x00\x00\x00\x00"
      "\x00\x01\x00\x00\x00\x00\x00\x00"
      "\x02\x00\x00\x00\x00\x00\x00\x00"
      "hi",
      1 + 2 + 4 + 8 + 8 + 16 + 8 + 2);
  CHECK(w.str() == want);

  ByteReader r(want);
  CHECK(r.u8() == 0xAB);
  CHECK(r.u16() == 0x0102);
  CHECK(r.u32() == 0x01020304);
  CHECK(r.u64() == 0x0102030405060708);
  CHECK(r.f64() == 1.0);
  CHECK(r.u64() == 1);
  CHECK(r.u64() == 0x0100);
  CHECK(r.bytes() == "hi");
  CHECK(r.atEnd());
  CHECK_FALSE(r.failed());
}

TEST_CASE("bytes: a count patched in place, an overrun reads zero and fails") {
  ByteWriter w;
  w.u8(2);
  w.u64(0);
  w.patchU64(1, 0x0A0B);
  CHECK(w.str() == std::string("\x02\x0B\x0A\x00\x00\x00\x00\x00\x00", 9));
  CHECK(loadLittle(w.str().data() + 1, 2) == 0x0A0B);

  ByteReader r(std::string_view("\x01\x02\x03", 3));
  CHECK(r.u32() == 0);
  CHECK(r.failed());
  CHECK(r.u8() == 0);  // once failed, always failed
}

}  // namespace
}  // namespace clusterproc
