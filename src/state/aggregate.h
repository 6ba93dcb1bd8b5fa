#pragma once
// Aggregate functions (SPEC section 4): their names, and the per-group states
// a GroupTable keeps for each of them. Every state merges exactly and
// independently of order, so results are byte-identical for any split of the
// records among workers. docs/aggregates.md describes each result.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aggregates.h"
#include "bytes.h"
#include "status.h"
#include "value.h"

namespace clusterproc {

/// The function called `name`. "count" with no argument is kCount; "count"
/// with one is kCountOf. Unknown names, and a missing or unexpected argument,
/// are usage errors.
Result<AggFunc> aggFuncFromName(std::string_view name, bool has_arg);

/// The function's name as written in --agg ("count" for kCountOf too).
std::string_view aggFuncName(AggFunc func);

/// One aggregate of a job.
struct AggSpec {
  AggFunc func;
  double param =
      0;  ///< q for quantile and quantile_exact (median: 0.5), k for top
};

/// Checks the parameter: q in [0, 1] for quantile/quantile_exact, k an integer
/// in [1, 2^31) for top. Usage error otherwise. (A column built from an
/// unchecked spec clamps q into [0, 1] and k into [0, 2^31).)
Status checkAggSpec(const AggSpec& spec);

/// The states of one aggregate for every group of a table, indexed by group
/// number (0, 1, ... in order of creation).
class AggColumn {
 public:
  virtual ~AggColumn() = default;
  /// Appends the empty state of a new group.
  virtual void addGroup() = 0;
  /// Accounts the argument v of the record at input position `order`.
  virtual void add(size_t group, const Value& v, uint64_t order) = 0;
  /// Folds the state `other_group` of other (a column of the same spec) into
  /// `group`.
  virtual void merge(size_t group, const AggColumn& other,
                     size_t other_group) = 0;
  /// Appends the state of `group` to w.
  virtual void write(size_t group, ByteWriter& w) const = 0;
  /// Reads a state written by write() into `group`, which must be empty;
  /// false on malformed bytes (the reader may then be failed or not).
  virtual bool read(size_t group, ByteReader& r) = 0;
  /// Adds offset to the input positions `group` keeps (a partial of a run
  /// whose input comes after others', see docs/partials.md).
  virtual void shiftOrders(size_t /*group*/, uint64_t /*offset*/) {}
  /// Appends the result of `group` as JSON.
  virtual void render(size_t group, std::string& out) const = 0;
};

/// A column for spec.
std::unique_ptr<AggColumn> makeAggColumn(const AggSpec& spec);

/// Appends v to w: u8 kind (ValueKind), then u8 for a bool, u64 for an int,
/// a uint or a double's IEEE bits, length-prefixed bytes for a string, array
/// or object (its text); a big number (Value::big) is u8 8 and its text.
void writeValue(ByteWriter& w, const Value& v);

/// Reads writeValue()'s output into out (owned); false on malformed bytes
/// (unknown kind, non-finite double, a uint that fits int64, truncation).
bool readValue(ByteReader& r, OwnedValue& out);

/// Makes dst an owned copy of src, reusing dst's storage (no allocation when
/// its capacity suffices).
void assignOwned(OwnedValue& dst, const Value& src);

/// Reads T::deserialize(r) (ExactFloatSum, ExactIntSum, Hll, ...) into x;
/// false on malformed bytes.
template <typename T>
bool readInto(ByteReader& r, T& x) {
  Result<T> parsed = T::deserialize(r);
  if (!parsed.ok()) return false;
  x = std::move(parsed.value());
  return true;
}

/// Base of the columns: one State per group, in a vector.
template <typename State>
class StateColumn : public AggColumn {
 public:
  void addGroup() override { states_.emplace_back(); }

 protected:
  /// The state `group` of other, a column of the same type.
  static const State& stateOf(const AggColumn& other, size_t group) {
    return static_cast<const StateColumn&>(other).states_[group];
  }
  std::vector<State> states_;
};

}  // namespace clusterproc
