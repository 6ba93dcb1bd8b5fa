#include "chunker.h"

#include <cstring>

namespace clusterproc {

size_t chunkEnd(const char* data, size_t size, size_t begin, size_t target) {
  if (target == 0) target = 1;
  if (size - begin <= target) return size;
  size_t from = begin + target - 1;
  const void* nl = std::memchr(data + from, '\n', size - from);
  if (nl == nullptr) return size;
  return static_cast<size_t>(static_cast<const char*>(nl) - data) + 1;
}

size_t lastLineEnd(const char* data, size_t size) {
  const void* nl = ::memrchr(data, '\n', size);
  if (nl == nullptr) return 0;
  return static_cast<size_t>(static_cast<const char*>(nl) - data) + 1;
}

bool isBlank(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

bool LineCursor::next(Line& line) {
  if (pos_ >= size_) return false;
  const char* start = data_ + pos_;
  const void* nl = std::memchr(start, '\n', size_ - pos_);
  size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - start)
                  : size_ - pos_;
  line.offset = pos_;
  pos_ += len + (nl ? 1 : 0);
  if (len > 0 && start[len - 1] == '\r') --len;
  line.text = std::string_view(start, len);
  // Most lines start with '{': skip the blank scan for them.
  line.blank =
      len == 0 || ((start[0] == ' ' || start[0] == '\t' || start[0] == '\r') &&
                   isBlank(line.text));
  ++count_;
  return true;
}

}  // namespace clusterproc
