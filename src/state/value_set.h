#pragma once
// The distinct scalar values of one summary path: exact counts while there are
// few, then a HyperLogLog.

#include <bit>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bytes.h"
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
  bool empty() const { return !overflowed_ && size_ == 0; }
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
    const Key key = makeKey(v);
    if (Entry* e = find(v, key)) {
      ++e->count;
    } else {
      addNew(v, key, 1);
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
  // The entries are the hash table itself (open addressing, linear probing),
  // so that a lookup reads one entry, and a string of up to 16 bytes is kept
  // in its entry: most lookups touch one cache line. The table grows from
  // kMinSlots; its load stays at most kMaxExact / kMaxSlots = 0.4.
  static constexpr size_t kMinSlots = 16;
  static constexpr size_t kMaxSlots = 256;
  static constexpr size_t kInline = 16;      // longest string in an entry
  static constexpr uint16_t kLong = 0xffff;  // Entry::length of others
  static_assert(std::endian::native == std::endian::little,
                "inline strings are read as words in memory order");

  // What a lookup compares: the probe, then kind, length and two words.
  struct Key {
    uint32_t probe;   // a cheap hash, for the slot (never leaves the process)
    uint16_t length;  // kString: its length if at most kInline, else kLong
    uint64_t word[2];
  };

  // One value and its count, or a free slot (count 0).
  struct Entry {
    uint32_t probe;
    ScalarKind kind;
    uint16_t length;  // as in Key
    uint64_t count;
    // kBool, kInt, kFloat: Scalar::bits and Scalar::negative. A string of
    // up to kInline bytes: its bytes, zero-padded; a longer one: the offset
    // and length of its bytes in text_.
    uint64_t word[2];
  };
  static_assert(sizeof(Entry) == 32);

  [[gnu::always_inline]] static Key makeKey(const Scalar& v) {
    if (v.kind != ScalarKind::kString) {
      return {static_cast<uint32_t>(mix(v.bits ^ kSeed1, kSeed2 ^ v.negative)),
              0,
              {v.bits, v.negative}};
    }
    const size_t n = v.s.size();
    if (n > kInline) return {probeLong(v.s), kLong, {0, 0}};
    Key key{0, static_cast<uint16_t>(n), {0, 0}};
    hash_detail::loadUpTo16(v.s.data(), n, key.word);
    key.probe = static_cast<uint32_t>(
        mix(key.word[0] ^ kSeed1, key.word[1] ^ kSeed2 ^ n));
    return key;
  }
  static uint64_t mix(uint64_t a, uint64_t b) {
    const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
    return static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64);
  }
  static uint32_t probeLong(std::string_view s);

  // A string entry's bytes.
  std::string_view text(const Entry& e) const {
    if (e.length != kLong) {
      return std::string_view(reinterpret_cast<const char*>(e.word), e.length);
    }
    return std::string_view(text_.data() + e.word[0], e.word[1]);
  }
  Scalar view(const Entry& e) const {
    if (e.kind == ScalarKind::kString) return Scalar::string(text(e));
    return {e.kind, e.word[1] != 0, e.word[0], {}};
  }

  [[gnu::always_inline]] Entry* find(const Scalar& v, const Key& key) {
    if (table_.empty()) return nullptr;
    const size_t mask = table_.size() - 1;
    for (size_t pos = key.probe & mask;; pos = (pos + 1) & mask) {
      Entry& e = table_[pos];
      if (e.count == 0) return nullptr;
      if (e.probe != key.probe || e.kind != v.kind || e.length != key.length) {
        continue;
      }
      if (v.kind == ScalarKind::kString && key.length == kLong
              ? equalBytes(text(e), v.s)
              : e.word[0] == key.word[0] && e.word[1] == key.word[1]) {
        return &e;
      }
    }
  }

  // Adds a value not in the set, or overflows into the HyperLogLog.
  void addNew(const Scalar& v, const Key& key, uint64_t count);
  // Places an entry in table_, which has room.
  void place(const Entry& e);
  void overflow();
  template <typename F>
  void forEach(F f) const {
    for (const Entry& e : table_) {
      if (e.count != 0) f(e);
    }
  }

  static constexpr uint64_t kSeed1 = 0xa0761d6478bd642fULL;
  static constexpr uint64_t kSeed2 = 0xe7037ed1a0b428dbULL;

  // Hot members first: add() reads overflowed_ and table_ or hll_.
  bool overflowed_ = false;
  std::vector<Entry> table_;  // empty until the first value
  Hll hll_;
  size_t size_ = 0;   // values in table_
  std::string text_;  // the bytes of the strings beyond kInline
};

}  // namespace clusterproc
