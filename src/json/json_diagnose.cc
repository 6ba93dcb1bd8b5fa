#include "json_diagnose.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace clusterproc {
namespace {

// Long tokens are cut in messages; the column still says where they start.
constexpr size_t kMaxShown = 32;

// The smallest decimal that rounds to infinity, as 0.DIGITS * 10^309:
// 2^1024 - 2^970, halfway between DBL_MAX and 2^1024 (a tie rounds to even,
// which is 2^1024).
constexpr std::string_view kOverflowDigits =
    "179769313486231580793728971405303415079934132710037826936173778980444968"
    "292764750946649017977587207096330286416692887910946555547851940402630657"
    "488671505820681908902000708383676273854845817711531764475730270069855571"
    "366959622842914819860834936475292719074168444365510704342711559699508093"
    "042880177904174497792";
constexpr int64_t kOverflowScale = 309;

// Byte tests take an int so that -1 can stand for the end of the text.
bool isSpace(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool isDigit(int c) { return c >= '0' && c <= '9'; }
bool isLetter(int c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isPrintable(int c) { return c >= 0x20 && c < 0x7f; }
int hexValue(int c) {
  if (isDigit(c)) return c - '0';
  if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
    return (c | 0x20) - 'a' + 10;
  return -1;
}

std::string hexByte(int c) {
  const char* hex = "0123456789abcdef";
  return {'0', 'x', hex[c >> 4], hex[c & 15]};
}

// A token as shown in a message (printable ASCII only), cut when long.
std::string shown(std::string_view token) {
  std::string out(token.substr(0, kMaxShown));
  return token.size() > kMaxShown ? out + "..." : out;
}

// Length (1 to 4) of the well-formed UTF-8 sequence at pos (Unicode table
// 3-7), or 0 with *why set.
size_t utf8Length(std::string_view text, size_t pos, std::string* why) {
  auto byte = [&](size_t i) -> unsigned {
    return pos + i < text.size() ? static_cast<unsigned char>(text[pos + i])
                                 : 0;
  };
  unsigned lead = byte(0);
  if (lead < 0x80) return 1;
  auto bad = [&](const char* reason) {
    *why = "invalid UTF-8 byte " + hexByte(lead) + reason;
    return 0;
  };
  const char* overlong = " (overlong encoding)";
  if (lead < 0xc0) return bad(" (continuation byte without a lead byte)");
  if (lead < 0xc2) return bad(overlong);
  if (lead > 0xf4) return bad("");
  size_t length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  // The second byte's range rules out overlongs, surrogates and > U+10FFFF.
  unsigned low = lead == 0xe0 ? 0xa0 : lead == 0xf0 ? 0x90 : 0x80;
  unsigned high = lead == 0xed ? 0x9f : lead == 0xf4 ? 0x8f : 0xbf;
  const char* narrowed = lead == 0xed   ? " (encodes a surrogate)"
                         : lead == 0xf4 ? " (above U+10FFFF)"
                                        : overlong;
  if ((byte(1) & 0xc0) == 0x80 && (byte(1) < low || byte(1) > high)) {
    return bad(narrowed);
  }
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return bad(" (truncated sequence)");
  }
  return length;
}

class Validator {
 public:
  Validator(std::string_view text, size_t max_depth)
      : text_(text), max_depth_(max_depth) {}
  JsonProblem run();

 private:
  enum class State {
    kValue,       // a value must follow
    kFirstValue,  // after '[': a value or ']'
    kFirstName,   // after '{': a member name or '}'
    kName,        // after ',' in an object: a member name
    kAfterValue,  // ',' or the close of the container, or the end
  };

  // The byte at i, or -1 at the end.
  int byteAt(size_t i) const {
    return i < text_.size() ? static_cast<unsigned char>(text_[i]) : -1;
  }
  // "'x'", "byte 0xff" or "end of line".
  std::string describeAt(size_t i) const;
  bool fail(size_t pos, std::string what);
  // Fails with "<expected>, found X", unless X starts invalid UTF-8.
  bool failFound(size_t pos, const std::string& expected);
  void skipSpace();
  // Fails if the value or member name at pos_ is nested too deep.
  bool tooDeep();
  size_t tokenEnd(size_t start) const;
  // Consumes close and its container if close is next.
  bool closes(char close);
  bool value(State* state);
  bool member();
  bool string();
  bool escape(size_t open, size_t* i);
  bool hex4(size_t open, size_t backslash, unsigned* unit);
  bool number();
  bool numberInRange(size_t start, size_t int_begin, size_t end, bool integer,
                     int64_t exponent);
  bool literal();

  std::string_view text_;
  size_t max_depth_;
  size_t pos_ = 0;
  std::vector<char> stack_;  // '[' or '{' for each open container
  size_t strings_ = 0;       // strings begun so far, keys included
  JsonProblem problem_;
};

std::string Validator::describeAt(size_t i) const {
  int c = byteAt(i);
  if (c < 0) return "end of line";
  if (isPrintable(c)) return std::string("'") + static_cast<char>(c) + "'";
  return "byte " + hexByte(c);
}

bool Validator::fail(size_t pos, std::string what) {
  problem_.found = true;
  problem_.column = pos + 1;
  problem_.what = std::move(what);
  return false;
}

bool Validator::failFound(size_t pos, const std::string& expected) {
  std::string why;
  if (pos < text_.size() && utf8Length(text_, pos, &why) == 0) {
    return fail(pos, why);
  }
  return fail(pos, expected + ", found " + describeAt(pos));
}

void Validator::skipSpace() {
  while (isSpace(byteAt(pos_))) ++pos_;
}

bool Validator::tooDeep() {
  // The root is level 1: what max_depth containers enclose is too deep, which
  // is where simdjson stops too (an empty container encloses nothing).
  if (stack_.empty() || stack_.size() < max_depth_) return false;
  fail(pos_, "nested deeper than " + std::to_string(max_depth_) + " levels");
  return true;
}

// Numbers and literals are shown whole in messages, with what sticks to
// them: "0x10", "1.5.3", "truex".
size_t Validator::tokenEnd(size_t start) const {
  int c = byteAt(start);
  while (isDigit(c) || isLetter(c) || c == '.' || c == '+' || c == '-' ||
         c == '_') {
    c = byteAt(++start);
  }
  return start;
}

bool Validator::closes(char close) {
  if (byteAt(pos_) != close) return false;
  stack_.pop_back();
  ++pos_;
  return true;
}

JsonProblem Validator::run() {
  skipSpace();
  if (pos_ == text_.size()) fail(pos_, "no JSON value");
  State state = State::kValue;
  while (!problem_.found) {
    skipSpace();
    switch (state) {
      case State::kFirstValue:
        state = closes(']') ? State::kAfterValue : State::kValue;
        break;
      case State::kValue:
        value(&state);
        break;
      case State::kFirstName:
        state = closes('}') ? State::kAfterValue : State::kName;
        break;
      case State::kName:
        member();
        state = State::kValue;
        break;
      case State::kAfterValue: {
        if (stack_.empty()) {
          if (pos_ == text_.size()) return problem_;  // valid
          failFound(pos_, "unexpected text after the value");
          break;
        }
        char close = stack_.back() == '[' ? ']' : '}';
        if (byteAt(pos_) == ',') {
          ++pos_;
          state = close == ']' ? State::kValue : State::kName;
        } else if (!closes(close)) {
          failFound(pos_, std::string("expected ',' or '") + close + "'");
        }
        break;
      }
    }
  }
  return problem_;
}

// One value at pos_; a container is only opened (*state says what follows).
bool Validator::value(State* state) {
  if (tooDeep()) return false;
  int c = byteAt(pos_);
  *state = State::kAfterValue;
  if (c == '[' || c == '{') {
    stack_.push_back(static_cast<char>(c));
    ++pos_;
    *state = c == '[' ? State::kFirstValue : State::kFirstName;
    return true;
  }
  if (c == '"') return string();
  if (isDigit(c) || c == '-' || c == '+' || c == '.') return number();
  if (isLetter(c)) return literal();
  return failFound(pos_, "expected a value");
}

// A member name and its colon.
bool Validator::member() {
  if (tooDeep()) return false;
  if (byteAt(pos_) != '"') {
    return failFound(pos_, "expected '\"' to start a member name");
  }
  if (!string()) return false;
  skipSpace();
  if (byteAt(pos_) != ':') {
    return failFound(pos_, "expected ':' after a member name");
  }
  ++pos_;
  return true;
}

bool Validator::string() {
  ++strings_;
  size_t open = pos_;
  for (size_t i = open + 1; i < text_.size();) {
    int c = byteAt(i);
    if (c == '"') {
      pos_ = i + 1;
      return true;
    }
    if (c == '\\') {
      if (!escape(open, &i)) return false;
    } else if (c < 0x20) {
      return fail(i, "control character " + hexByte(c) + " in string");
    } else if (c < 0x80) {
      ++i;
    } else {
      std::string why;
      size_t length = utf8Length(text_, i, &why);
      if (length == 0) return fail(i, why);
      i += length;
    }
  }
  return fail(open, "unterminated string");
}

// The escape at *i (a backslash) in the string opened at open; moves *i
// past it. A line cut inside an escape is an unterminated string.
bool Validator::escape(size_t open, size_t* i) {
  size_t backslash = *i;
  int c = byteAt(backslash + 1);
  if (c < 0) return fail(open, "unterminated string");
  if (c != 'u') {
    *i += 2;
    if (std::string_view("\"\\/bfnrt").find(static_cast<char>(c)) !=
        std::string_view::npos) {
      return true;
    }
    if (isPrintable(c)) {
      return fail(backslash, std::string("invalid escape '\\") +
                                 static_cast<char>(c) + "'");
    }
    return fail(backslash,
                "invalid escape: '\\' followed by byte " + hexByte(c));
  }
  unsigned unit = 0;
  if (!hex4(open, backslash, &unit)) return false;
  *i += 6;
  auto unpaired = [&] {
    return fail(backslash, "unpaired surrogate " +
                               std::string(text_.substr(backslash, 6)));
  };
  if (unit >= 0xdc00 && unit <= 0xdfff) return unpaired();
  if (unit < 0xd800 || unit > 0xdbff) return true;
  // A high surrogate: "\uDC00" to "\uDFFF" must follow.
  if (byteAt(*i) < 0 || (byteAt(*i) == '\\' && byteAt(*i + 1) < 0)) {
    return fail(open, "unterminated string");
  }
  if (byteAt(*i) != '\\' || byteAt(*i + 1) != 'u') return unpaired();
  if (!hex4(open, *i, &unit)) return false;
  if (unit < 0xdc00 || unit > 0xdfff) return unpaired();
  *i += 6;
  return true;
}

// The four hex digits of the "\u" escape at backslash.
bool Validator::hex4(size_t open, size_t backslash, unsigned* unit) {
  size_t first = backslash + 2;
  *unit = 0;
  for (size_t i = first; i < first + 4; ++i) {
    int digit = hexValue(byteAt(i));
    if (digit >= 0) {
      *unit = *unit * 16 + digit;
      continue;
    }
    if (byteAt(i) < 0) return fail(open, "unterminated string");
    return fail(backslash, "invalid escape '\\u" +
                               std::string(text_.substr(first, i - first)) +
                               "', expected 4 hex digits, found " +
                               describeAt(i));
  }
  return true;
}

bool Validator::number() {
  size_t start = pos_;
  size_t end = tokenEnd(start);
  std::string prefix =
      "invalid number '" + shown(text_.substr(start, end - start)) + "'";
  auto expected = [&](size_t i, const char* what) {
    return fail(i, prefix + ", expected " + what + ", found " + describeAt(i));
  };
  size_t i = start + (byteAt(start) == '-');
  if (!isDigit(byteAt(i))) {
    return expected(i, i > start ? "a digit after '-'" : "a digit or '-'");
  }
  size_t int_begin = i;
  if (byteAt(i) == '0' && isDigit(byteAt(i + 1))) {
    return fail(i + 1, prefix + ": leading zeros are not allowed");
  }
  while (isDigit(byteAt(i))) ++i;
  bool integer = true;
  if (byteAt(i) == '.') {
    integer = false;
    if (!isDigit(byteAt(++i))) return expected(i, "a digit after '.'");
    while (isDigit(byteAt(i))) ++i;
  }
  int64_t exponent = 0;
  if (byteAt(i) == 'e' || byteAt(i) == 'E') {
    integer = false;
    bool negative = byteAt(++i) == '-';
    if (byteAt(i) == '-' || byteAt(i) == '+') ++i;
    if (!isDigit(byteAt(i))) return expected(i, "a digit in the exponent");
    // Saturates: past 10^15 the value is 0 or infinite whatever the digits.
    for (; isDigit(byteAt(i)); ++i) {
      if (exponent < 1'000'000'000'000'000) {
        exponent = exponent * 10 + (byteAt(i) - '0');
      }
    }
    if (negative) exponent = -exponent;
  }
  if (i < end) return fail(i, prefix + ", unexpected " + describeAt(i));
  if (!numberInRange(start, int_begin, end, integer, exponent)) {
    problem_.big_numbers.push_back({start, end - start, strings_});
  }
  pos_ = end;
  return true;
}

// Whether simdjson reads [start, end), a well-formed number: it rejects
// integers outside [-2^63, 2^64) and floats that round to infinity.
bool Validator::numberInRange(size_t start, size_t int_begin, size_t end,
                              bool integer, int64_t exponent) {
  if (integer) {
    std::string_view digits = text_.substr(int_begin, end - int_begin);
    std::string_view limit =
        int_begin > start ? "9223372036854775808" : "18446744073709551615";
    if (digits.size() < limit.size() ||
        (digits.size() == limit.size() && digits <= limit)) {
      return true;
    }
    return false;
  }
  // The value as 0.DIGITS * 10^scale with DIGITS[0] != '0'.
  std::string digits;
  int64_t scale = exponent;
  bool fraction = false;
  for (size_t i = int_begin; isDigit(byteAt(i)) || byteAt(i) == '.'; ++i) {
    char c = text_[i];
    if (c == '.') {
      fraction = true;
    } else if (!digits.empty() || c != '0') {
      digits += c;
      if (!fraction) ++scale;
    } else if (fraction) {
      --scale;  // a leading zero after the point
    }
  }
  if (digits.empty() || scale < kOverflowScale) return true;  // zero or small
  if (scale == kOverflowScale) {
    digits.resize(std::max(digits.size(), kOverflowDigits.size()), '0');
    if (digits < kOverflowDigits) return true;
  }
  return false;
}

bool Validator::literal() {
  size_t start = pos_;
  size_t end = tokenEnd(start);
  std::string_view word = text_.substr(start, end - start);
  if (word == "true" || word == "false" || word == "null") {
    pos_ = end;
    return true;
  }
  return fail(start, "invalid literal '" + shown(word) +
                         "', expected true, false or null");
}

}  // namespace

JsonProblem diagnoseJson(std::string_view text, size_t max_depth) {
  return Validator(text, max_depth).run();
}

std::string describeJsonProblem(const JsonProblem& problem) {
  return "invalid JSON at column " + std::to_string(problem.column) + ": " +
         problem.what;
}

}  // namespace clusterproc
