#pragma once
// count_distinct(x) and top(x, k): exact counts per distinct value.

#include <cstdint>
#include <memory>
#include <vector>

#include "aggregate.h"

namespace clusterproc {

/// Exact multiset of values under equalValues (1 and 1.0 are one value). Each
/// distinct value keeps the spelling of its earliest occurrence (smallest
/// input position), so the result does not depend on the order of adds.
class ValueCounter {
 public:
  /// One distinct value.
  struct Entry {
    OwnedValue value;
    uint64_t count = 0;
    uint64_t order = 0;  ///< input position of the occurrence spelled in value
    uint64_t hash = 0;   ///< hashValue(value)
  };

  /// Adds count occurrences of v, the earliest at input position order.
  void add(const Value& v, uint64_t order, uint64_t count = 1);
  /// Adds everything other holds.
  void merge(const ValueCounter& other);
  /// Number of distinct values.
  size_t size() const { return entries_.size(); }
  /// The distinct values, in no particular order.
  const std::vector<Entry>& entries() const { return entries_; }
  /// Appends u64 n, then n x (value as writeValue(), u64 count, u64 order).
  void write(ByteWriter& w) const;
  /// Reads write()'s output into this (empty) counter; false on malformed
  /// bytes (a null value, a zero count, truncation).
  bool read(ByteReader& r);
  /// Adds offset to every entry's input position.
  void shiftOrders(uint64_t offset) {
    for (Entry& e : entries_) e.order += offset;
  }

 private:
  void rehash(size_t slot_count);

  std::vector<Entry> entries_;
  std::vector<uint32_t>
      slots_;  ///< entry index + 1, 0 = free; power-of-two size
};

/// The column of count_distinct(x).
std::unique_ptr<AggColumn> makeCountDistinctColumn();

/// The column of top(x, k): an array of up to k {"value":V,"count":C}, by
/// count descending, then value ascending (compareValues).
std::unique_ptr<AggColumn> makeTopColumn(double k);

}  // namespace clusterproc
