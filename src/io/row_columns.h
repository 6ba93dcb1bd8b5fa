#pragma once
// The cells of output rows for csv, tsv and table (docs/output-formats.md).
// The columns are the job's output names (--select, --group-by/--agg), or,
// for whole records, the union of the top-level keys of every row in order
// of first appearance: no value is ever left out.

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "status.h"

namespace clusterproc {

/// Most columns a row set may have: beyond it the records are not a table.
inline constexpr size_t kMaxColumns = 16384;  // a spreadsheet's width

/// The columns of a row set, and the splitting of rows into their cells.
class RowColumns {
 public:
  /// fixed: the job's output names; empty: the columns grow with the keys
  /// of the rows. short_floats: numbers with a fraction or an exponent are
  /// shown as shortFloat() does (table) rather than as written.
  RowColumns(std::vector<std::string> fixed, bool short_floats);

  /// Splits row (one JSON text) into cells, one per column: a string as its
  /// bytes, null or a missing key as "", any other value as its JSON text
  /// without white space (numbers byte for byte). A row that is not an
  /// object is one cell under the column ".". A key repeated in a row fills
  /// as many columns of that name. When growing, the row's new keys become
  /// columns first; with fixed columns, a key outside them is an error.
  /// numeric, when given, gets 1 for each cell that holds a number.
  Status split(std::string_view row, std::vector<std::string>& cells,
               std::vector<char>* numeric = nullptr);

  /// The column names, in order.
  const std::vector<std::string>& names() const { return names_; }
  /// Whether the columns were given (they never grow).
  bool fixed() const { return fixed_; }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const {
      return std::hash<std::string_view>{}(s);
    }
  };
  /// The column for the next occurrence of key in the current row, or -1.
  ptrdiff_t columnFor(std::string_view key, std::vector<std::string>& cells,
                      std::vector<char>* numeric);
  Status cell(std::string_view key, std::string_view text, bool number,
              std::vector<std::string>& cells, std::vector<char>* numeric);

  std::vector<std::string> names_;
  bool fixed_;
  bool short_floats_;
  /// Each name's columns, one per occurrence in a row.
  std::unordered_map<std::string, std::vector<size_t>, Hash, std::equal_to<>>
      index_;
  std::vector<char> filled_;  ///< per column: set by the current row
  std::string padded_;        ///< the row with simdjson's padding
  std::string text_;          ///< a nested value without white space
};

/// Appends json without the white space outside its strings.
void appendCompactJson(std::string& out, std::string_view json);

/// A float token shown to 7 significant digits ("%.7g"), or rounded to a
/// whole number from 10^7 to 10^15; a token that is not a finite double is
/// returned as it is.
std::string shortFloat(std::string_view token);

}  // namespace clusterproc
