#pragma once
// Output formats (SPEC section 9): rows, each one JSON text, written as
// jsonl, json, csv, tsv or an aligned table.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "output.h"
#include "status.h"

namespace clusterproc {

/// -f values.
enum class Format { kJsonl, kJson, kCsv, kTsv, kTable };

/// Parses "jsonl", "json", "csv", "tsv" or "table".
Result<Format> parseFormat(std::string_view name);

/// Receives rows in output order.
class RowWriter {
 public:
  virtual ~RowWriter() = default;
  /// One row: the compact JSON text of an object (or any value).
  virtual Status write(std::string_view row) = 0;
  /// Writes what is buffered (a table, json's closing bracket).
  virtual Status finish() = 0;
};

/// A writer for format f into out. columns: the column names when the job
/// knows them (select, group-by); empty: the union of the rows' keys
/// (row_columns.h).
/// width: terminal columns for table (0: unlimited).
std::unique_ptr<RowWriter> makeRowWriter(Format f, OutputFile& out,
                                         std::vector<std::string> columns,
                                         size_t width);

/// Appends field quoted per RFC 4180 when it holds ',', '"', CR or LF.
void appendCsvField(std::string& out, std::string_view field);

/// Appends field with tab, newline, CR and backslash escaped as \t \n \r \\.
void appendTsvField(std::string& out, std::string_view field);

/// Display width of UTF-8 text in terminal columns (code points; East Asian
/// wide characters count two).
size_t displayWidth(std::string_view text);

/// The aligned table writer (table_writer.cc). To fit width, the first keep
/// columns are cut only once the others are as narrow as they go.
std::unique_ptr<RowWriter> makeTableWriter(OutputFile& out,
                                           std::vector<std::string> columns,
                                           size_t width, size_t keep = 0);

/// The width of the terminal on stdout (COLUMNS first), or 0 if none.
size_t terminalWidth();

}  // namespace clusterproc
