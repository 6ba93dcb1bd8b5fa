#include "expr_lexer.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace clusterproc::expr {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
// Bytes of UTF-8 sequences count as letters: région is a key like region.
bool isIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void appendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool isKeyword(std::string_view w) {
  if (w.size() < 2 || w.size() > 3) return false;
  std::string lower(w);
  for (char& c : lower) c = static_cast<char>(c | 0x20);
  return lower == "and" || lower == "or" || lower == "not" || lower == "in";
}

}  // namespace

bool isWordChar(char c) { return isIdentStart(c) || isDigit(c); }

Token Lexer::error(size_t at, std::string message) {
  Token t;
  t.type = Tok::kError;
  t.begin = at;
  t.end = at;
  t.error_at = at;
  t.str = std::move(message);
  pos_ = text_.size();  // nothing after an error is read
  return t;
}

Token Lexer::next() {
  while (pos_ < text_.size() && isSpace(text_[pos_])) ++pos_;
  Token t;
  t.begin = pos_;
  if (pos_ >= text_.size()) {
    t.end = pos_;
    return t;
  }
  const char c = text_[pos_];
  const char n = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
  if (isIdentStart(c)) {
    size_t e = pos_ + 1;
    while (e < text_.size() && isWordChar(text_[e])) ++e;
    if (e + 1 < text_.size() && text_[e] == '-' && isIdentStart(text_[e + 1])) {
      return hyphenatedWord(pos_);
    }
    t.type = Tok::kIdent;
    t.end = pos_ = e;
    return t;
  }
  if (isDigit(c)) return lexNumber(pos_);
  if (c == '"' || c == '\'') return lexString(pos_);
  size_t len = 1;
  switch (c) {
    case '(':
      t.type = Tok::kLParen;
      break;
    case ')':
      t.type = Tok::kRParen;
      break;
    case '[':
      t.type = Tok::kLBracket;
      break;
    case ']':
      t.type = Tok::kRBracket;
      break;
    case ',':
      t.type = Tok::kComma;
      break;
    case '+':
      t.type = Tok::kPlus;
      break;
    case '-':
      t.type = Tok::kMinus;
      break;
    case '*':
      t.type = Tok::kStar;
      break;
    case '/':
      t.type = Tok::kSlash;
      break;
    case '%':
      t.type = Tok::kPercent;
      break;
    case '.':
      if (isDigit(n)) return error(pos_, "invalid number (write 0.5, not .5)");
      t.type = Tok::kDot;
      break;
    case '<':
      t.type = n == '=' ? Tok::kLe : Tok::kLt;
      len = n == '=' ? 2 : 1;
      break;
    case '>':
      t.type = n == '=' ? Tok::kGe : Tok::kGt;
      len = n == '=' ? 2 : 1;
      break;
    case '=':
      if (n == '=') {
        t.type = Tok::kEq;
      } else if (n == '~') {
        t.type = Tok::kMatch;
      } else {
        return error(pos_, "unexpected character '=' (did you mean '=='?)");
      }
      len = 2;
      break;
    case '!':
      if (n != '=')
        return error(pos_, "unexpected character '!' (did you mean 'not'?)");
      t.type = Tok::kNe;
      len = 2;
      break;
    case '&':
      return error(pos_, "unexpected character '&' (did you mean 'and'?)");
    case '|':
      return error(pos_, "unexpected character '|' (did you mean 'or'?)");
    default: {
      auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7F)
        return error(pos_, "unexpected control character");
      return error(pos_, std::string("unexpected character '") + c + "'");
    }
  }
  t.end = pos_ = pos_ + len;
  return t;
}

// "extra-field" would read as extra - field, two missing keys: a key with a
// '-' is far more likely than a subtraction written without spaces.
Token Lexer::hyphenatedWord(size_t start) {
  size_t e = start;
  do {
    ++e;
    while (e < text_.size() && isWordChar(text_[e])) ++e;
  } while (e + 1 < text_.size() && text_[e] == '-' &&
           isIdentStart(text_[e + 1]));
  const std::string word(text_.substr(start, e - start));
  std::string minus = word;
  for (size_t i = 0; (i = minus.find('-', i)) != std::string::npos; i += 3) {
    minus.replace(i, 1, " - ");
  }
  // After a dot the word is a key of a path: a.user-agent is a["user-agent"].
  size_t path = start;
  while (path > 0 && (isWordChar(text_[path - 1]) || text_[path - 1] == '.'))
    --path;
  std::string key = "[\"" + word + "\"]";
  if (start > 0 && text_[start - 1] == '.') {
    std::string_view base = text_.substr(path, start - 1 - path);
    key = std::string(base.empty() ? "." : base) + key;
  } else {
    key = "." + key;
  }
  return error(start, "'" + word + "' reads as " + minus + "; write " + key +
                          " for a key with a '-' (or " + minus +
                          " to subtract)");
}

// JSON number syntax: -? is a separate token; int frac? exp?.
Token Lexer::lexNumber(size_t start) {
  size_t p = start;
  auto digits = [&] {
    size_t s = p;
    while (p < text_.size() && isDigit(text_[p])) ++p;
    return p - s;
  };
  const size_t int_digits = digits();
  bool integral = true;
  bool bad = int_digits > 1 && text_[start] == '0';
  if (p < text_.size() && text_[p] == '.') {
    ++p;
    integral = false;
    if (digits() == 0) bad = true;
  }
  if (p < text_.size() && (text_[p] == 'e' || text_[p] == 'E')) {
    ++p;
    integral = false;
    if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
    if (digits() == 0) bad = true;
  }
  while (p < text_.size() && (isWordChar(text_[p]) || text_[p] == '.')) {
    ++p;
    bad = true;
  }
  std::string_view s = text_.substr(start, p - start);
  if (bad) return error(start, "invalid number '" + std::string(s) + "'");
  Token t;
  t.type = Tok::kNumber;
  t.begin = start;
  t.end = pos_ = p;
  if (integral) {
    uint64_t u = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), u);
    if (r.ec == std::errc()) {
      t.num = Value::uinteger(u);
      return t;
    }
    t.num = Value::big(s);  // beyond uint64: exact, as in records
    return t;
  }
  double d = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), d);
  if (r.ec == std::errc::result_out_of_range && std::isinf(Value::big(s).d)) {
    t.num = Value::big(s);  // beyond the double range, as in records
    return t;
  }
  if (r.ec != std::errc() || !std::isfinite(d)) {
    return error(start,
                 "invalid number '" + std::string(s) + "' (out of range)");
  }
  t.num = Value::number(d);
  return t;
}

// JSON string syntax; single-quoted strings also accept \' and a raw ".
Token Lexer::lexString(size_t start) {
  const char quote = text_[start];
  Token t;
  t.type = Tok::kString;
  t.begin = start;
  size_t p = start + 1;
  while (true) {
    if (p >= text_.size()) return error(start, "unterminated string");
    const char c = text_[p];
    if (c == quote) break;
    if (static_cast<unsigned char>(c) < 0x20) {
      return error(p, "control character in string (escape it)");
    }
    if (c != '\\') {
      t.str.push_back(c);
      ++p;
      continue;
    }
    if (p + 1 >= text_.size()) return error(start, "unterminated string");
    const char e = text_[p + 1];
    const size_t esc = p;
    p += 2;
    switch (e) {
      case '"':
        t.str.push_back('"');
        break;
      case '\\':
        t.str.push_back('\\');
        break;
      case '/':
        t.str.push_back('/');
        break;
      case 'b':
        t.str.push_back('\b');
        break;
      case 'f':
        t.str.push_back('\f');
        break;
      case 'n':
        t.str.push_back('\n');
        break;
      case 'r':
        t.str.push_back('\r');
        break;
      case 't':
        t.str.push_back('\t');
        break;
      case '\'':
        if (quote != '\'') return error(esc, "invalid escape '\\''");
        t.str.push_back('\'');
        break;
      case 'u': {
        auto hex4 = [&](size_t at, uint32_t& out) {
          if (at + 4 > text_.size()) return false;
          out = 0;
          for (size_t i = at; i < at + 4; ++i) {
            int h = hexValue(text_[i]);
            if (h < 0) return false;
            out = out * 16 + static_cast<uint32_t>(h);
          }
          return true;
        };
        uint32_t cp = 0;
        if (!hex4(p, cp)) return error(esc, "invalid \\u escape");
        p += 4;
        if (cp >= 0xDC00 && cp <= 0xDFFF)
          return error(esc, "invalid \\u escape (lone surrogate)");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t lo = 0;
          if (p + 1 >= text_.size() || text_[p] != '\\' ||
              text_[p + 1] != 'u' || !hex4(p + 2, lo) || lo < 0xDC00 ||
              lo > 0xDFFF) {
            return error(esc, "invalid \\u escape (lone surrogate)");
          }
          p += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        }
        appendUtf8(t.str, cp);
        break;
      }
      default:
        return error(esc, std::string("invalid escape '\\") + e + "'");
    }
  }
  t.end = pos_ = p + 1;
  return t;
}

// Token by token, so that white space inside strings stays and the result
// reads back as the same tokens.
std::string compactText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  Lexer lexer(text);
  Token prev;
  bool prev_is_key =
      false;  // an identifier right after a dot: a key, not a keyword
  bool first = true;
  for (Token t = lexer.next(); t.type != Tok::kEnd; t = lexer.next()) {
    if (t.type == Tok::kError) {  // not expected: the text was parsed before
      out.append(text.substr(t.begin));
      break;
    }
    const std::string_view word = text.substr(t.begin, t.end - t.begin);
    const bool is_key =
        t.type == Tok::kIdent && prev.type == Tok::kDot && prev.end == t.begin;
    if (!first && t.begin > prev.end) {
      const std::string_view prev_word =
          text.substr(prev.begin, prev.end - prev.begin);
      const bool words =
          isWordChar(prev_word.back()) && isWordChar(word.front());
      const bool number_dot = prev.type == Tok::kNumber && t.type == Tok::kDot;
      const bool keyword =
          (prev.type == Tok::kIdent && !prev_is_key && isKeyword(prev_word)) ||
          (t.type == Tok::kIdent && isKeyword(word));
      if (words || number_dot || keyword) out.push_back(' ');
    }
    out.append(word);
    prev = std::move(t);
    prev_is_key = is_key;
    first = false;
  }
  return out;
}

}  // namespace clusterproc::expr
