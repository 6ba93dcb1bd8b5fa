#pragma once
// Values of the expression language (SPEC section 3): what an expression
// yields for one record. Strings and containers are views; their bytes live
// in the parsed record or in the evaluation arena, both valid until the next
// record. Nothing here allocates on the heap.

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace clusterproc {

/// JSON types in jq's order: null < false < true < numbers < strings <
/// arrays < objects. Int, Uint and Double are all "numbers".
enum class ValueKind : uint8_t {
  kNull,
  kBool,
  kInt,     ///< fits int64
  kUint,    ///< above INT64_MAX, fits uint64
  kDouble,  ///< finite, or a big number (Value::big)
  kString,
  kArray,
  kObject,
};

/// One value. For kString, `s` holds the unescaped UTF-8 bytes. For kArray
/// and kObject, `s` holds the value's compact JSON text. A kDouble with a
/// non-empty `s` is a big number (big_number.h): `s` is its JSON text, `d` the
/// nearest double, +-inf beyond the double range.
struct Value {
  ValueKind kind = ValueKind::kNull;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  std::string_view s;

  static Value null() { return {}; }
  static Value boolean(bool v) {
    Value x;
    x.kind = ValueKind::kBool;
    x.b = v;
    return x;
  }
  static Value integer(int64_t v) {
    Value x;
    x.kind = ValueKind::kInt;
    x.i = v;
    return x;
  }
  static Value uinteger(uint64_t v);  ///< kInt when it fits int64
  static Value number(double v);      ///< kDouble; non-finite becomes null
  /// A number beyond int64/uint64 or the double range, given by its text.
  static Value big(std::string_view text);
  static Value string(std::string_view v) {
    Value x;
    x.kind = ValueKind::kString;
    x.s = v;
    return x;
  }
  /// An array or object given by its JSON text.
  static Value container(ValueKind k, std::string_view json) {
    Value x;
    x.kind = k;
    x.s = json;
    return x;
  }

  bool isNull() const { return kind == ValueKind::kNull; }
  bool isNumber() const {
    return kind == ValueKind::kInt || kind == ValueKind::kUint ||
           kind == ValueKind::kDouble;
  }
  bool isBig() const { return kind == ValueKind::kDouble && !s.empty(); }
  /// The number as a double (rounded for large integers).
  double asDouble() const;
};

/// --where's truth: neither false nor null.
bool truthy(const Value& v);

/// Total order of SPEC section 3: by type rank, numbers numerically and
/// exactly (int64/uint64/double compared without rounding), strings by bytes,
/// arrays element-wise, objects by sorted keys then values (as jq).
/// Returns <0, 0, >0.
int compareValues(const Value& a, const Value& b);

/// Equality consistent with compareValues (1 == 1.0).
inline bool equalValues(const Value& a, const Value& b) {
  return compareValues(a, b) == 0;
}

/// A hash consistent with equalValues: equal numbers hash alike whatever
/// their kind.
uint64_t hashValue(const Value& v);

/// Appends v as JSON text: integers in decimal, doubles in shortest
/// round-trip form, strings escaped, containers as their text.
void appendValueJson(std::string& out, const Value& v);

class EvalArena;
/// Converts a parsed element. Strings and big numbers are views into the
/// parser's buffer; containers are minified into arena. Both stay valid until
/// the next record.
Value fromElement(simdjson::dom::element e, EvalArena& arena);

/// Where the record being evaluated comes from, for file() and line(): the
/// input's name as given ("-" for standard input) and its 1-based line in
/// that input; empty and 0 where no record is at hand (constant folding,
/// sorting output rows).
struct RecordOrigin {
  std::string_view file;
  uint64_t line = 0;
};

/// Storage for strings and container texts made while evaluating one record;
/// cleared before the next record, keeping its capacity (no allocation per
/// record once warm).
class EvalArena {
 public:
  /// Copies s into the arena and returns a view that stays valid until clear().
  std::string_view store(std::string_view s);
  /// A scratch buffer to build a string in; finish with commit().
  std::string& scratch() {
    scratch_.clear();
    return scratch_;
  }
  /// Stores scratch() and returns its view.
  std::string_view commit() { return store(scratch_); }
  void clear();
  /// The record's origin; set by whoever hands records to expressions, not
  /// touched by clear().
  RecordOrigin& origin() { return origin_; }

 private:
  static constexpr size_t kBlock = 64 * 1024;
  RecordOrigin origin_;
  std::vector<std::string> blocks_;  ///< each reserved once, never reallocated
  size_t used_blocks_ = 0;
  std::string scratch_;
};

/// An owned copy of a value, for group keys and aggregate states that outlive
/// the record.
struct OwnedValue {
  Value v;
  std::string storage;
  OwnedValue() = default;
  explicit OwnedValue(const Value& from);
  OwnedValue(const OwnedValue& o) : OwnedValue(o.v) {}
  OwnedValue& operator=(const OwnedValue& o);
  OwnedValue(OwnedValue&& o) noexcept;
  OwnedValue& operator=(OwnedValue&& o) noexcept;
};

}  // namespace clusterproc
