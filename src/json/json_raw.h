#pragma once
// The byte ranges of a record's values in its JSON text. simdjson's DOM keeps
// no source positions, so jobs that copy or replace parts of a record as
// they were written (--select '*', --exclude, --explode) walk the text
// itself. The text must be valid JSON (the scanner has validated it): the
// walk checks nothing and never reads past the end of the text.

#include <cstddef>
#include <string_view>

namespace clusterproc {

/// Offset of the first byte at or after pos that is not JSON white space.
size_t rawSkipSpace(std::string_view text, size_t pos);

/// End (exclusive) of the JSON value that starts at pos (no white space
/// before it).
size_t rawValueEnd(std::string_view text, size_t pos);

/// The members of an object, in the order they are written.
class RawObjectCursor {
 public:
  /// text[pos] is the object's '{'.
  RawObjectCursor(std::string_view text, size_t pos)
      : text_(text), pos_(pos + 1) {}
  /// The next member: its key as written (quotes and escapes included) and
  /// its value's text. False after the last one.
  bool next(std::string_view& key, std::string_view& value);

 private:
  std::string_view text_;
  size_t pos_;
};

/// The elements of an array, in order.
class RawArrayCursor {
 public:
  /// text[pos] is the array's '['.
  RawArrayCursor(std::string_view text, size_t pos)
      : text_(text), pos_(pos + 1) {}
  /// The next element's text; false after the last one.
  bool next(std::string_view& value);

 private:
  std::string_view text_;
  size_t pos_;
};

}  // namespace clusterproc
