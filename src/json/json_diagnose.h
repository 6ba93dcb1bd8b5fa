#pragma once
// Precise reasons for rejected lines. simdjson only says TAPE_ERROR and the
// like; for a line already known to be bad, a slow but strict RFC 8259
// validator finds the first violation and names it, with its column.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace clusterproc {

/// Where and why a JSON text is invalid.
struct JsonProblem {
  bool found = false;  ///< false if the validator accepts the text
  /// 1-based byte column of the offending byte (size + 1 at the end).
  size_t column = 0;
  std::string what;  ///< e.g. "expected ',' or '}', found end of line"
  /// Valid text only: the numbers beyond simdjson's range (integers outside
  /// [-2^63, 2^64), floats that round to infinity), in text order.
  struct BigNumber {
    size_t offset = 0;  ///< of its first byte
    size_t size = 0;
    size_t strings_before = 0;  ///< strings (keys included) before it
  };
  std::vector<BigNumber> big_numbers;
};

/// Finds the first RFC 8259 violation in text (one JSON value with optional
/// surrounding white space). max_depth: nesting limit (1024 as simdjson).
///
/// Agrees with simdjson 3.0.1's DOM parser on what is valid, including its
/// limits (escapes must not leave a surrogate unpaired, and no value may sit
/// deeper than max_depth levels: the root is level 1; an empty container adds
/// no level below itself), except numbers: any size is valid, and those that
/// simdjson rejects (integers outside [-2^63, 2^64), floats that round to
/// infinity) are listed in big_numbers. Iterative and O(text.size()) in time
/// and memory.
///
/// Columns: a bad escape or unpaired surrogate points at its backslash, an
/// unterminated string at its opening quote, invalid UTF-8 at the first byte
/// of the bad sequence, a bad literal at its first byte, a malformed number
/// at the byte where it goes wrong.
JsonProblem diagnoseJson(std::string_view text, size_t max_depth = 1024);

/// "invalid JSON at column N: " + problem.what.
std::string describeJsonProblem(const JsonProblem& problem);

}  // namespace clusterproc
