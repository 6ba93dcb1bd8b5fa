#pragma once
// 64-bit hashing of byte strings and integers, with a type tag so that equal
// bytes of different JSON types hash apart. Deterministic (no random seed) and
// independent of the host's byte order, so sketches built on different
// machines merge. The values are part of the output (HyperLogLog estimates):
// changing them changes approx_distinct (tests/hll_test.cc pins them). Also
// the word loads and byte comparisons that hash tables of short strings use.

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace clusterproc {

/// Type tags mixed into value hashes (summary and approx_distinct).
enum class HashTag : uint64_t {
  kBool = 1,
  kInt = 2,     // non-negative integers, by value
  kNegInt = 3,  // negative integers, by value
  kFloat = 4,   // doubles, by bit pattern (callers fold -0.0 into 0.0)
  kString = 5,  // unescaped bytes
};

/// MurmurHash3's 64-bit finalizer: every input bit affects every output bit.
inline uint64_t fmix64(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

namespace hash_detail {

inline constexpr uint64_t kMul1 = 0x9e3779b97f4a7c15ULL;
inline constexpr uint64_t kMul2 = 0xbf58476d1ce4e5b9ULL;
inline constexpr uint64_t kMul3 = 0x94d049bb133111ebULL;

/// Loads 8 bytes as a little-endian word.
inline uint64_t load64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  if constexpr (std::endian::native == std::endian::big) {
    w = __builtin_bswap64(w);
  }
  return w;
}

/// Loads 4 bytes as a little-endian word.
inline uint32_t load32(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  if constexpr (std::endian::native == std::endian::big) {
    w = __builtin_bswap32(w);
  }
  return w;
}

/// Loads 2 bytes as a little-endian word.
inline uint16_t load16(const char* p) {
  uint16_t w;
  std::memcpy(&w, p, 2);
  if constexpr (std::endian::native == std::endian::big) {
    w = __builtin_bswap16(w);
  }
  return w;
}

/// Loads n in [1, 7] bytes as a little-endian word, zero-padded, without
/// touching bytes outside [p, p + n): two overlapping loads, no byte loop
/// (a variable-length memcpy into a stack word stalls on store forwarding).
inline uint64_t loadShort(const char* p, size_t n) {
  if (n >= 4) {
    return load32(p) | (uint64_t{load32(p + n - 4)} << (8 * (n - 4)));
  }
  const uint64_t last = static_cast<unsigned char>(p[n - 1]);
  return n >= 2 ? load16(p) | last << (8 * (n - 1)) : last;
}

inline constexpr char kZeros[16] = {};

/// Loads n <= 16 bytes as two little-endian words, zero-padded, without
/// touching bytes outside [p, p + n) and without branches on n: the lengths of
/// the strings in records vary, and a mispredicted branch costs more than the
/// few loads that every case makes here.
inline void loadUpTo16(const char* p, size_t n, uint64_t w[2]) {
  const bool ge8 = n >= 8;
  const bool ge4 = n >= 4;
  // 8 to 16 bytes: two overlapping words, the second shifted down.
  const uint64_t a8 = load64(ge8 ? p : kZeros);
  const uint64_t t8 = load64(ge8 ? p + n - 8 : kZeros);
  const unsigned down = 8 * (16 - static_cast<unsigned>(n));  // 64 when n = 8
  const uint64_t tail = down >= 64 ? 0 : t8 >> (down & 63);
  // 4 to 7 bytes: two overlapping halves.
  const uint64_t a4 = load32(ge4 ? p : kZeros);
  const uint64_t t4 = load32(ge4 ? p + n - 4 : kZeros);
  const uint64_t mid = a4 | t4 << ((8 * (n - 4)) & 63);
  // 0 to 3 bytes: the first, middle and last ones (all zeros when n = 0).
  const char* q = n > 0 ? p : kZeros;
  const size_t m = n > 0 ? n : 1;
  const auto byte = [q](size_t i) {
    return uint64_t{static_cast<unsigned char>(q[i])};
  };
  const uint64_t small =
      // Masked shifts: for m > 3 the value is discarded, but must stay defined.
      byte(0) | byte(m / 2) << ((8 * (m / 2)) & 63) |
      byte(m - 1) << ((8 * (m - 1)) & 63);
  w[0] = ge8 ? a8 : ge4 ? mid : small;
  w[1] = ge8 ? tail : 0;
}

/// Folds one 64-bit word into the running state.
inline uint64_t step(uint64_t h, uint64_t w) {
  w *= kMul2;
  w ^= w >> 31;
  w *= kMul3;
  h ^= w;
  return std::rotl(h, 27) * kMul1 + 0x52dce729ULL;
}

}  // namespace hash_detail

/// Hashes a byte string together with a type tag: 8 bytes per step, the last
/// partial word zero-padded.
inline uint64_t hashBytes(std::string_view s, HashTag tag) {
  using namespace hash_detail;
  const char* p = s.data();
  const size_t size = s.size();
  size_t n = size;
  uint64_t h = (static_cast<uint64_t>(tag) * kMul1) ^ (size * kMul3);
  while (n >= 8) {
    h = step(h, load64(p));
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    // Past the first word, the tail is the top of the string's last 8 bytes.
    const uint64_t w =
        size >= 8 ? load64(p + n - 8) >> (8 * (8 - n)) : loadShort(p, n);
    h = step(h, w);
  }
  return fmix64(h);
}

/// Hashes a 64-bit word together with a type tag.
inline uint64_t hashWord(uint64_t v, HashTag tag) {
  using namespace hash_detail;
  return fmix64(step(static_cast<uint64_t>(tag) * kMul1 ^ 8 * kMul3, v));
}

/// Whether two byte strings are equal; inline for the short keys and values
/// of JSON records, where a call to memcmp costs more than the comparison.
inline bool equalBytes(std::string_view a, std::string_view b) {
  using namespace hash_detail;
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (n >= 8) {
    if (n > 16) return std::memcmp(p, q, n) == 0;
    return ((load64(p) ^ load64(q)) |
            (load64(p + n - 8) ^ load64(q + n - 8))) == 0;
  }
  if (n >= 4) {
    return ((load32(p) ^ load32(q)) |
            (load32(p + n - 4) ^ load32(q + n - 4))) == 0;
  }
  if (n >= 2) {
    return ((load16(p) ^ load16(q)) |
            (load16(p + n - 2) ^ load16(q + n - 2))) == 0;
  }
  return n == 0 || p[0] == q[0];
}

}  // namespace clusterproc
