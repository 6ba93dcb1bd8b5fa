#pragma once
// Newline-aligned chunks and the lines inside them.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace clusterproc {

/// End (exclusive) of the chunk that starts at begin and holds about target
/// bytes: just past the first '\n' at or after begin + target - 1, or size.
/// A line longer than target extends the chunk to its end.
size_t chunkEnd(const char* data, size_t size, size_t begin, size_t target);

/// Offset just past the last '\n' in [0, size), or 0 when there is none.
size_t lastLineEnd(const char* data, size_t size);

/// One line of a chunk: its text without "\n" or "\r\n", and where it starts.
struct Line {
  std::string_view text;
  size_t offset;  ///< from the chunk start
  bool blank;     ///< empty or only spaces, tabs and \r
};

/// Iterates the lines of a chunk; the last one may lack its newline.
class LineCursor {
 public:
  LineCursor(const char* data, size_t size) : data_(data), size_(size) {}
  /// Fills line and returns true, or returns false at the end.
  bool next(Line& line);
  /// Number of lines returned so far.
  uint64_t count() const { return count_; }
  /// Bytes consumed so far: the start of the next line.
  size_t consumed() const { return pos_; }

 private:
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
  uint64_t count_ = 0;
};

/// True when s holds only JSON white space other than '\n'.
bool isBlank(std::string_view s);

}  // namespace clusterproc
