#pragma once
// Reporting bad records: "FILE:LINE: reason" on stderr for the first ten,
// then a count at the end; every one as a JSON line with --bad-records.

#include <cstdint>
#include <optional>
#include <string>

#include "chunk_report.h"
#include "output.h"

namespace clusterproc {

/// Receives bad records in input order with their final line numbers.
class BadRecordReporter {
 public:
  /// file: --bad-records output, if any. show: how many to print in full.
  BadRecordReporter(std::optional<OutputFile> file, uint64_t show);
  /// One bad record at line (1-based, per file) and byte offset of file.
  Status report(const std::string& file, uint64_t line, uint64_t offset,
                const BadRecord& bad);
  /// Prints the count of those not shown; commits the --bad-records file.
  Status finish();
  uint64_t count() const { return count_; }

 private:
  std::optional<OutputFile> file_;
  uint64_t show_;
  uint64_t count_ = 0;
  std::string line_;
};

/// Appends s as a JSON string; invalid UTF-8 bytes become U+FFFD.
void appendJsonStringLossy(std::string& out, std::string_view s);

}  // namespace clusterproc
