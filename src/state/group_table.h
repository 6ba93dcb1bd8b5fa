#pragma once
// The groups of a --group-by/--agg job: key tuple -> one aggregate state per
// AggSpec. Each worker fills one table; the master merges the workers'
// serialized tables and renders the rows. Every rendered byte is the same
// whatever the split of records among tables and the order of merges.
//
// Partial format (serialize(), version 1), integers little-endian:
//   u8 version = 1, u32 spec count, per spec u8 AggFunc and u64 param (IEEE
//   bits), u32 key count, u64 group count, then per group: u64 order of the
//   record that spells the key, the keys (writeValue() in aggregate.h), and
//   one state per spec (each AggColumn::write(); docs/aggregates.md).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aggregate.h"
#include "status.h"
#include "value.h"

namespace clusterproc {

/// Ends the sort prefix of a row (query.h): a byte that valid JSON never
/// holds raw.
inline constexpr char kSortPrefixEnd = '\x1f';

/// A member of the sort prefix of an aggregate row (query.h): the group's
/// key `index`, or its aggregate `index`, under name.
struct SortMember {
  std::string name;
  bool key = false;
  size_t index = 0;
};

/// All groups of one job: key tuple -> one state per AggSpec.
class GroupTable {
 public:
  /// A table for these aggregates and key_count keys per record (0: one
  /// group for everything).
  GroupTable(std::vector<AggSpec> specs, size_t key_count);
  GroupTable(GroupTable&&) noexcept = default;
  GroupTable& operator=(GroupTable&&) noexcept = default;

  /// One record: key_count key values and one argument per spec (kCount
  /// ignores its own). order is the record's input position (unique,
  /// increasing in input order): first/last and the key spelling use it.
  /// Allocates only for a new group or an aggregate that must store more.
  void add(const Value* keys, const Value* args, uint64_t order);
  /// Folds other (same specs and key count) into this table: exact,
  /// commutative and associative.
  void merge(const GroupTable& other);
  /// The table in the versioned partial format (see the top of this file).
  std::string serialize() const;
  /// Folds a serialize()d table into this one. Malformed bytes, or a table of
  /// other specs, are an input error; this table is then unchanged.
  Status mergeSerialized(std::string_view bytes);
  /// mergeSerialized() of a table whose input positions are offset by
  /// order_offset (the partial of a run over later input).
  Status mergeSerialized(std::string_view bytes, uint64_t order_offset);
  /// Appends one compact JSON object per group, in ascending key order
  /// (compareValues, lexicographic over the keys): the keys under key_names,
  /// then the aggregates under agg_names. Groups are spelled by their
  /// earliest record. With no key and no record, one row of empty states
  /// (counts 0, top [], the others null). Aggregates beyond agg_names are
  /// not printed (--sort reads them). With sort members, each row is
  /// `{"name":value,...}` kSortPrefixEnd ROW (query.h).
  void renderRows(const std::vector<std::string>& key_names,
                  const std::vector<std::string>& agg_names,
                  std::vector<std::string>& rows,
                  const std::vector<SortMember>& sort_members = {}) const;
  /// Number of groups.
  size_t groups() const { return key_orders_.size(); }

 private:
  static constexpr size_t kNone = ~size_t{0};

  uint64_t hashKeys(const Value* keys) const;
  bool sameKeys(size_t group, const Value* keys) const;
  size_t find(const Value* keys, uint64_t hash) const;
  size_t insert(const Value* keys, uint64_t hash, uint64_t order);
  void respell(size_t group, const Value* keys, uint64_t order);
  void rehash(size_t slot_count);
  Status readGroups(std::string_view bytes, uint64_t order_offset);
  void renderGroup(size_t group, const std::vector<std::string>& key_names,
                   const std::vector<std::string>& agg_names,
                   const std::vector<SortMember>& sort_members,
                   std::string& row) const;

  std::vector<AggSpec> specs_;
  size_t key_count_;
  std::vector<std::unique_ptr<AggColumn>> columns_;  ///< one per spec
  std::vector<OwnedValue> keys_;                     ///< key_count_ per group
  std::vector<uint64_t> key_orders_;  ///< order of the record spelling the keys
  std::vector<uint64_t> hashes_;      ///< hashKeys() per group
  /// Open addressing, linear probing: high 32 bits of the hash, low 32 bits
  /// group + 1 (0 = free). Power-of-two size, at most half full.
  std::vector<uint64_t> slots_;
};

}  // namespace clusterproc
