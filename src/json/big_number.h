#pragma once
// Numbers beyond simdjson's range: integers outside [-2^63, 2^64) and floats
// beyond the double range (SPEC section 1: every valid RFC 8259 value is a
// record). simdjson 3.0.1's DOM parser rejects them (NUMBER_ERROR), so a
// text it rejects is checked by the strict validator (json_diagnose.h); when
// the only trouble is such numbers, a copy with each of them quoted is parsed
// instead, and the strings that stand for numbers are remembered (by the
// address of their bytes in the parser's string buffer) until that parser
// parses again or goes: JsonParser (below) is the only way to parse with big
// numbers, and it owns its marks. isBigNumber() tells them apart from real
// strings.
//
// A big number is a Value of kind kDouble whose `s` holds its JSON text
// (Value::big): it is the nearest double (+-inf beyond the double range) in
// float contexts, compares exactly, and prints as written.

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bytes.h"

namespace clusterproc {

namespace big_detail {
/// Strings that stand for big numbers, in all parsers of this thread.
extern thread_local size_t g_marked;
bool isMarked(const char* bytes);
void forget(const simdjson::dom::parser* parser);
}  // namespace big_detail

/// Whether a string of a parsed document stands for a big number (its bytes
/// are then the number's JSON text). Only a number's text can be one.
[[gnu::always_inline]] inline bool isBigNumber(std::string_view s) {
  return big_detail::g_marked != 0 && !s.empty() &&
         (s[0] == '-' || (s[0] >= '0' && s[0] <= '9')) &&
         big_detail::isMarked(s.data());
}
/// Whether any document of this thread holds a big number.
inline bool bigNumbersSeen() { return big_detail::g_marked != 0; }

/// A simdjson DOM parser that also reads numbers beyond simdjson's range.
/// The marks of its documents' big numbers live as long as those documents:
/// until it parses again or goes. Not movable: the marks are keyed by its
/// address.
class JsonParser {
 public:
  JsonParser() = default;
  JsonParser(const JsonParser&) = delete;
  JsonParser& operator=(const JsonParser&) = delete;
  ~JsonParser() {
    if (big_detail::g_marked != 0) big_detail::forget(&parser_);
  }
  /// Parses [text, text + size); text must be followed by simdjson's padding
  /// when realloc is false.
  simdjson::error_code parse(const char* text, size_t size, bool realloc,
                             simdjson::dom::element& root);
  simdjson::error_code parse(std::string_view text,
                             simdjson::dom::element& root) {
    return parse(text.data(), text.size(), true, root);
  }

 private:
  simdjson::dom::parser parser_;
};

/// e as compact JSON, big numbers as written (simdjson::minify would quote
/// them).
void appendElementJson(std::string& out, simdjson::dom::element e);

/// Whether JSON number text is an integer (no fraction, no exponent).
bool isIntegerText(std::string_view number);

/// A number as sign, significant digits and scale: the value is
/// 0.DIGITS * 10^scale, DIGITS without leading or trailing zeros (empty for
/// zero, which is never negative).
struct Decimal {
  bool negative = false;
  std::string digits;
  int64_t scale = 0;
};
/// The exact value of well-formed JSON number text.
Decimal decimalOfText(std::string_view number);
/// The exact value of a finite double.
Decimal decimalOfDouble(double d);
/// Exact comparison: -1, 0 or 1.
int compareDecimals(const Decimal& a, const Decimal& b);
/// A spelling that equal values share ("-0.123e45"), for hashing.
std::string canonicalText(const Decimal& d);

/// Exact sum of integers of any size (for the integers of big-number
/// text): sign and magnitude in base 10^9, least significant limb first.
class BigIntSum {
 public:
  /// Adds JSON integer text.
  void addText(std::string_view integer);
  /// Adds a 128-bit integer.
  void add(__int128 v);
  void merge(const BigIntSum& other);
  bool isZero() const { return limbs_.empty(); }
  /// The sum in decimal.
  std::string toString() const;
  /// The sum rounded to the nearest double (+-inf beyond the range).
  double toDouble() const;
  /// u8 sign, u64 n, n x u32 limbs.
  void serialize(ByteWriter& w) const;
  bool deserialize(ByteReader& r);

 private:
  void addMagnitude(bool negative, const std::vector<uint32_t>& limbs);
  bool negative_ = false;
  std::vector<uint32_t> limbs_;  ///< base 10^9, no leading (top) zero limb
};

}  // namespace clusterproc
