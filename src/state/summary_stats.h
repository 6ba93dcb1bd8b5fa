#pragma once
// The statistics the summary profile keeps for one path.

#include <cstdint>
#include <string>
#include <string_view>

#include "bytes.h"
#include "ddsketch.h"
#include "exact_sum.h"
#include "scalar.h"
#include "value_set.h"

namespace clusterproc {

/// Statistics of one path (SPEC section 5): occurrences by JSON type, min,
/// max and exact sum of the numbers, their quantile sketch (p50, p99), the
/// least and greatest string (by bytes), distinct scalar values. merge() is
/// exact, commutative and associative (the sketch only counts).
struct FieldStats {
  /// JSON types, in output order.
  enum Type { kNull, kBool, kInt, kFloat, kString, kArray, kObject, kTypes };

  // Members in the order of use by add*(): every value touches the first
  // cache lines only.
  uint64_t count = 0;
  uint64_t types[kTypes] = {};
  ValueSet values;
  Scalar min, max;  ///< meaningful when numbers() > 0; never strings
  ExactFloatSum sum;
  DDSketch quantiles;  ///< the numbers as doubles (big ones clamped)
  /// Meaningful when types[kString] > 0: the least and greatest string by
  /// bytes (UTF-8 byte order is code point order).
  std::string min_string, max_string;

  /// Occurrences of ints and floats.
  uint64_t numbers() const { return types[kInt] + types[kFloat]; }

  /// Counts one occurrence of a value of each kind; a float is never -0.0.
  void addNull() { countType(kNull); }
  [[gnu::always_inline]] void addBool(bool b) {
    countType(kBool);
    values.add(Scalar::boolean(b));
  }
  [[gnu::always_inline]] void addInt(int64_t i) {
    addNumber(kInt, Scalar::integer(i), static_cast<double>(i));
    sum.addInteger(i);
  }
  [[gnu::always_inline]] void addUint(uint64_t u) {
    addNumber(kInt, Scalar::integer(u), static_cast<double>(u));
    sum.addInteger(u);
  }
  [[gnu::always_inline]] void addFloat(double d) {
    addNumber(kFloat, Scalar::floating(d), d);
    sum.add(d);
  }
  /// A number beyond int64/uint64 or the double range (big_number.h): an int
  /// or a float as written; d is its nearest double (+-inf beyond the range:
  /// the mean is then null), clamped is d clamped to +-DBL_MAX (min, max and
  /// the values).
  void addBig(bool integer, double d, double clamped) {
    addNumber(integer ? kInt : kFloat, Scalar::floating(clamped), clamped);
    sum.add(d);
  }
  [[gnu::always_inline]] void addString(std::string_view s) {
    countType(kString);
    if (types[kString] == 1) {
      min_string = s;
      max_string = s;
    } else if (lessBytes(s, min_string)) {
      min_string = s;
    } else if (lessBytes(max_string, s)) {
      max_string = s;
    }
    values.add(Scalar::string(s));
  }
  void addArray() { countType(kArray); }
  void addObject() { countType(kObject); }

  /// Folds another path's statistics into these.
  void merge(const FieldStats& o);
  /// Appends the STATS JSON object.
  void render(std::string& out) const {
    renderOpen(out);
    out += '}';
  }
  /// Appends the STATS JSON object without its closing brace, for the
  /// caller to add members.
  void renderOpen(std::string& out) const;
  /// Appends the encoding: u64 count, 7 x u64 type counts, then when
  /// numbers() > 0 min and max (writeScalar), the sum and the quantile
  /// sketch (DDSketch::write), when types[kString] > 0 the least and the
  /// greatest string (bytes), then the values.
  void serialize(ByteWriter& w) const;
  /// Reads serialize()'s output into empty statistics; false on malformed
  /// bytes.
  bool deserialize(ByteReader& r);

 private:
  void countType(Type t) {
    ++count;
    ++types[t];
  }
  // a < b by bytes; the first bytes decide most pairs without a memcmp call.
  [[gnu::always_inline]] static bool lessBytes(std::string_view a,
                                               std::string_view b) {
    if (!a.empty() && !b.empty() && a[0] != b[0]) {
      return static_cast<unsigned char>(a[0]) <
             static_cast<unsigned char>(b[0]);
    }
    return a < b;
  }
  // Counts a number (d: as a finite double) and updates min, max, the
  // sketch and the values; the caller adds it to sum.
  [[gnu::always_inline]] void addNumber(Type t, const Scalar& v, double d) {
    countType(t);
    quantiles.add(d);
    if (numbers() == 1) {
      min = max = v;
    } else {
      if (betterMin(v, min)) min = v;
      if (betterMax(v, max)) max = v;
    }
    values.add(v);
  }
};

}  // namespace clusterproc
