#pragma once
// gzip members written by zlib, for the tests of compressed input.

#include <zlib.h>

#include <catch2/catch.hpp>
#include <string>

namespace clusterproc::testing {

/// text deflated by zlib in one call: window_bits 15 + 16 writes a gzip
/// member (its header with the fields of head when given: name, comment,
/// extra, header CRC), -15 raw deflate.
inline std::string deflateText(const std::string& text, int level,
                               int window_bits, gz_header* head = nullptr) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, level, Z_DEFLATED, window_bits, 8,
                       Z_DEFAULT_STRATEGY) == Z_OK);
  if (head != nullptr) REQUIRE(deflateSetHeader(&z, head) == Z_OK);
  std::string out(deflateBound(&z, text.size()) + 1024, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

/// One gzip member of text at a deflate level (0: stored blocks), its
/// header written with the fields of head when given.
inline std::string gzipMember(const std::string& text, int level = 6,
                              gz_header* head = nullptr) {
  return deflateText(text, level, 15 + 16, head);
}

}  // namespace clusterproc::testing
