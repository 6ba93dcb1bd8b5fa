#pragma once
// Internal: text helpers of the expression functions: UTF-8 code points,
// case mapping, and RFC 3339 time stamps.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "value.h"

namespace clusterproc::expr {

/// Number of code points of UTF-8 text (bytes that do not continue a
/// sequence; invalid bytes count one each).
size_t utf8Length(std::string_view s);

/// Byte offset of code point n of s (s.size() when s has n or fewer).
size_t utf8Offset(std::string_view s, size_t n);

/// s with ASCII letters in lower case (keywords, function and column names).
std::string asciiLowercase(std::string_view s);

/// Maps s to upper (or lower) case into out: ASCII, Latin-1, Latin
/// Extended-A, Greek and Cyrillic letters; other bytes are kept. Returns
/// false when nothing changes (out is then not to be used).
bool changeCase(std::string_view s, bool upper, std::string& out);

/// Seconds since 1970-01-01T00:00:00Z of an RFC 3339 date-time
/// ("2024-03-01T12:00:00.25+02:00"; without a zone, UTC): an int when it has
/// no fractional part, else a double; null when s is not a valid time stamp.
Value parseRfc3339(std::string_view s);

/// secs + 0.frac (frac: decimal digits) as parseRfc3339 gives it: an int
/// when frac is zero, else the double nearest the exact decimal value.
Value secondsValue(int64_t secs, std::string_view frac);

/// The proleptic Gregorian calendar.
bool isLeap(int y);
int daysInMonth(int y, int m);
/// Days from 1970-01-01 to y-m-d (H. Hinnant's algorithm).
int64_t daysFromCivil(int64_t y, int m, int d);

}  // namespace clusterproc::expr
