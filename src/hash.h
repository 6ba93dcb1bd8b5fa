#pragma once
// 64-bit hashing of byte strings and integers, with a type tag so that equal
// bytes of different JSON types hash apart. Deterministic (no random seed) and
// independent of the host's byte order, so sketches built on different
// machines merge.

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

/// Loads up to 8 bytes as a little-endian word (zero-padded).
inline uint64_t loadLe(const char* p, size_t n) {
  uint64_t w = 0;
  std::memcpy(&w, p, n);
  if constexpr (std::endian::native == std::endian::big) {
    w = __builtin_bswap64(w);
  }
  return w;
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

/// Hashes a byte string together with a type tag.
inline uint64_t hashBytes(std::string_view s, HashTag tag) {
  using namespace hash_detail;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = (static_cast<uint64_t>(tag) * kMul1) ^ (n * kMul3);
  while (n >= 8) {
    h = step(h, loadLe(p, 8));
    p += 8;
    n -= 8;
  }
  if (n > 0) h = step(h, loadLe(p, n));
  return fmix64(h);
}

/// Hashes a 64-bit word together with a type tag.
inline uint64_t hashWord(uint64_t v, HashTag tag) {
  using namespace hash_detail;
  return fmix64(step(static_cast<uint64_t>(tag) * kMul1 ^ 8 * kMul3, v));
}

}  // namespace clusterproc
