#include "json_raw.h"

#include <cstring>

namespace clusterproc {

namespace {

bool isJsonSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// End (exclusive) of the string whose opening quote is at pos.
size_t stringEnd(std::string_view text, size_t pos) {
  const char* base = text.data();
  size_t at = pos + 1;
  for (;;) {
    const void* q = std::memchr(base + at, '"', text.size() - at);
    if (q == nullptr) return text.size();  // not valid JSON; stay in bounds
    const size_t quote =
        static_cast<size_t>(static_cast<const char*>(q) - base);
    // The quote closes the string unless an odd run of backslashes escapes it.
    size_t slashes = 0;
    while (quote - slashes > pos + 1 && base[quote - slashes - 1] == '\\')
      ++slashes;
    if (slashes % 2 == 0) return quote + 1;
    at = quote + 1;
  }
}

/// End (exclusive) of the array or object that opens at pos.
size_t containerEnd(std::string_view text, size_t pos) {
  size_t depth = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    switch (text[i]) {
      case '"':
        i = stringEnd(text, i) - 1;
        break;
      case '{':
      case '[':
        ++depth;
        break;
      case '}':
      case ']':
        if (--depth == 0) return i + 1;
        break;
      default:
        break;
    }
  }
  return text.size();
}

/// After a member or element: past the ',' to the next one's start, or past
/// the closing bracket. Returns false at the closing bracket.
bool nextItem(std::string_view text, size_t& pos) {
  pos = rawSkipSpace(text, pos);
  if (pos >= text.size()) return false;
  if (text[pos] == ',') {
    pos = rawSkipSpace(text, pos + 1);
    return true;
  }
  ++pos;  // '}' or ']'
  return false;
}

}  // namespace

size_t rawSkipSpace(std::string_view text, size_t pos) {
  while (pos < text.size() && isJsonSpace(text[pos])) ++pos;
  return pos;
}

size_t rawValueEnd(std::string_view text, size_t pos) {
  if (pos >= text.size()) return text.size();
  switch (text[pos]) {
    case '"':
      return stringEnd(text, pos);
    case '{':
    case '[':
      return containerEnd(text, pos);
    default:
      break;
  }
  // A number or a literal: up to the next delimiter.
  size_t end = pos;
  while (end < text.size() && !isJsonSpace(text[end]) && text[end] != ',' &&
         text[end] != '}' && text[end] != ']') {
    ++end;
  }
  return end;
}

bool RawObjectCursor::next(std::string_view& key, std::string_view& value) {
  if (pos_ == std::string_view::npos) return false;
  pos_ = rawSkipSpace(text_, pos_);
  if (pos_ >= text_.size() || text_[pos_] != '"') {  // '}': no (more) members
    pos_ = std::string_view::npos;
    return false;
  }
  const size_t key_end = stringEnd(text_, pos_);
  key = text_.substr(pos_, key_end - pos_);
  const size_t colon = rawSkipSpace(text_, key_end);
  const size_t start = rawSkipSpace(text_, colon + 1);
  const size_t end = rawValueEnd(text_, start);
  value = text_.substr(start, end - start);
  pos_ = end;
  if (!nextItem(text_, pos_)) pos_ = std::string_view::npos;
  return true;
}

bool RawArrayCursor::next(std::string_view& value) {
  if (pos_ == std::string_view::npos) return false;
  pos_ = rawSkipSpace(text_, pos_);
  if (pos_ >= text_.size() || text_[pos_] == ']') {
    pos_ = std::string_view::npos;
    return false;
  }
  const size_t end = rawValueEnd(text_, pos_);
  value = text_.substr(pos_, end - pos_);
  pos_ = end;
  if (!nextItem(text_, pos_)) pos_ = std::string_view::npos;
  return true;
}

}  // namespace clusterproc
