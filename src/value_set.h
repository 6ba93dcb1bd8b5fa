#pragma once
// The distinct scalar values of one summary path: exact counts while there are
// few, then a HyperLogLog.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "channel.h"
#include "hll.h"
#include "scalar.h"

namespace clusterproc {

/// Distinct scalar values: an exact value -> count map while there are at
/// most kMaxExact of them, then only a HyperLogLog of their hashes
/// (hashScalar). Whether the map survives depends only on the union of
/// values, never on the order of adds and merges, and the HLL of the union is
/// order-free too.
class ValueSet {
 public:
  static constexpr size_t kMaxExact = 100;

  /// True when no value was added.
  bool empty() const { return !overflowed_ && entries_.empty(); }
  /// True while the values are counted exactly (top() is meaningful).
  bool exact() const { return !overflowed_; }
  /// Number of distinct values: exact, or the HyperLogLog estimate.
  uint64_t distinct() const;

  /// Counts one value. Allocates only for a value not seen before. Always
  /// inlined: callers pass a value of a known kind, and the switches on it
  /// fold away.
  [[gnu::always_inline]] void add(const Scalar& v) {
    if (overflowed_) {
      hll_.add(hashScalar(v));
      return;
    }
    const uint64_t probe = probeHash(v);
    if (Entry* e = find(v, probe)) {
      ++e->count;
    } else {
      addNew(v, probe, 1);
    }
  }
  /// Folds another set into this one.
  void merge(const ValueSet& o);
  /// The k most frequent values, count descending, then value ascending
  /// (compareScalars); empty once the set is no longer exact. The strings
  /// point into this set.
  std::vector<std::pair<Scalar, uint64_t>> top(size_t k) const;

  /// Appends the encoding: u8 0, u64 n <= kMaxExact and n x (scalar, u64
  /// count); or u8 1 and the HyperLogLog.
  void serialize(ByteWriter& w) const;
  /// Reads serialize()'s output into an empty set; false on malformed bytes.
  bool deserialize(ByteReader& r);

 private:
  static constexpr size_t kSlots = 256;  // open addressing, load <= 0.4

  // One value and its count, in one cache line.
  struct Entry {
    uint64_t probe;  // probeHash() of the value
    uint64_t count;
    __int128 i;     // kBool, kInt
    double d;       // kFloat
    size_t offset;  // kString: the bytes in text_
    size_t length;
    ScalarKind kind;
  };
  static_assert(sizeof(Entry) == 64);

  // A cheap hash that only places values in slots_ (never leaves the
  // process): one 64x64 -> 128-bit multiply for values up to 16 bytes.
  [[gnu::always_inline]] static uint64_t probeHash(const Scalar& v) {
    switch (v.kind) {
      case ScalarKind::kString:
        return probeBytes(v.s);
      case ScalarKind::kFloat:
        return mix(std::bit_cast<uint64_t>(v.d) ^ kSeed1, kSeed2);
      default:
        return mix(static_cast<uint64_t>(v.i) ^ kSeed1, kSeed2);
    }
  }
  static uint64_t mix(uint64_t a, uint64_t b) {
    const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
    return static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64);
  }
  static uint64_t probeBytes(std::string_view s) {
    using hash_detail::load32;
    using hash_detail::load64;
    const char* p = s.data();
    const size_t n = s.size();
    if (n > 16) return probeLong(s);
    uint64_t a = 0, b = 0;
    if (n >= 8) {
      a = load64(p);
      b = load64(p + n - 8);
    } else if (n >= 4) {
      a = load32(p);
      b = load32(p + n - 4);
    } else if (n > 0) {
      a = hash_detail::loadShort(p, n);
    }
    return mix(a ^ kSeed1, b ^ kSeed2 ^ n);
  }
  static uint64_t probeLong(std::string_view s);

  std::string_view text(const Entry& e) const {
    return std::string_view(text_.data() + e.offset, e.length);
  }
  Scalar view(const Entry& e) const {
    return {e.kind, e.i, e.d,
            e.kind == ScalarKind::kString ? text(e) : std::string_view()};
  }

  [[gnu::always_inline]] Entry* find(const Scalar& v, uint64_t probe) {
    if (slots_.empty()) return nullptr;
    for (size_t pos = probe % kSlots;; pos = (pos + 1) % kSlots) {
      if (slots_[pos] == 0) return nullptr;
      Entry& e = entries_[slots_[pos] - 1];
      if (e.probe != probe || e.kind != v.kind) continue;
      if (v.kind == ScalarKind::kString ? equalBytes(text(e), v.s)
          : v.kind == ScalarKind::kFloat ? e.d == v.d
                                         : e.i == v.i) {
        return &e;
      }
    }
  }

  // Adds a value not in the set, or overflows into the HyperLogLog.
  void addNew(const Scalar& v, uint64_t probe, uint64_t count);
  void insert(const Scalar& v, uint64_t probe, uint64_t count);
  void overflow();

  static constexpr uint64_t kSeed1 = 0xa0761d6478bd642fULL;
  static constexpr uint64_t kSeed2 = 0xe7037ed1a0b428dbULL;

  std::vector<Entry> entries_;
  std::vector<uint8_t> slots_;  // 1 + index into entries_, 0 = free
  std::string text_;            // the bytes of the string values
  Hll hll_;
  bool overflowed_ = false;
};

}  // namespace clusterproc
