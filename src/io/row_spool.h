#pragma once
// Rows kept for a second pass (csv, tsv and table of whole records: the
// header needs the keys of every row): in memory up to a limit, then in an
// unlinked temporary file under $TMPDIR (default /tmp), so memory stays
// bounded whatever the output's size and nothing is left behind on any exit.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "fd.h"
#include "status.h"

namespace clusterproc {

/// An append-only sequence of rows (each without a newline), replayed once.
class RowSpool {
 public:
  /// memory: bytes kept in memory before the rows go to a file.
  explicit RowSpool(size_t memory = 8u << 20) : memory_(memory) {}
  RowSpool(const RowSpool&) = delete;
  RowSpool& operator=(const RowSpool&) = delete;

  /// Keeps row (which holds no newline).
  Status append(std::string_view row);
  /// Calls f on each row in order; stops at f's first error.
  Status replay(const std::function<Status(std::string_view)>& f);
  /// Rows appended.
  uint64_t rows() const { return rows_; }
  /// Whether the rows went to a file.
  bool spilled() const { return fd_.valid(); }

 private:
  Status spill();
  size_t memory_;
  std::string buf_;
  UniqueFd fd_;
  std::string path_;  ///< the file's name, for messages (already unlinked)
  uint64_t rows_ = 0;
};

}  // namespace clusterproc
