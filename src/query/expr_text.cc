#include "expr_text.h"

#include <cctype>
#include <charconv>
#include <cstdint>

namespace clusterproc::expr {

namespace {

bool isContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Letters with a one-to-one case pair of the same UTF-8 length (all below
// U+0800). Letters whose other case has another length (ß, ı, İ, ſ) stay.
uint32_t upperOf(uint32_t c) {
  if (c >= 'a' && c <= 'z') return c - 0x20;
  if (c < 0x80) return c;
  if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 0x20;
  if (c == 0xFF) return 0x178;
  if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) ||
      (c >= 0x14A && c <= 0x177)) {
    return c & 1 ? c - 1 : c;
  }
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
    return c & 1 ? c : c - 1;
  if (c >= 0x3B1 && c <= 0x3C9) return c == 0x3C2 ? 0x3A3 : c - 0x20;
  if (c == 0x3AC) return 0x386;
  if (c >= 0x3AD && c <= 0x3AF) return c - 0x25;
  if (c == 0x3CC) return 0x38C;
  if (c == 0x3CD || c == 0x3CE) return c - 0x3F;
  if (c >= 0x430 && c <= 0x44F) return c - 0x20;
  if (c >= 0x450 && c <= 0x45F) return c - 0x50;
  return c;
}

uint32_t lowerOf(uint32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 0x20;
  if (c < 0x80) return c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;
  if (c == 0x178) return 0xFF;
  if ((c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) ||
      (c >= 0x14A && c <= 0x177)) {
    return c & 1 ? c : c + 1;
  }
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
    return c & 1 ? c + 1 : c;
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 0x20;
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 0x25;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 0x3F;
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;
  return c;
}

/// Reads exactly n digits at s[at...]; false if any is not a digit.
bool digits(std::string_view s, size_t at, size_t n, int& out) {
  if (at + n > s.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

bool isLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

int64_t daysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

size_t utf8Length(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += !isContinuation(static_cast<unsigned char>(c));
  return n;
}

size_t utf8Offset(std::string_view s, size_t n) {
  size_t i = 0;
  for (; i < s.size(); ++i) {
    if (!isContinuation(static_cast<unsigned char>(s[i]))) {
      if (n == 0) return i;
      --n;
    }
  }
  return i;
}

std::string asciiLowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool changeCase(std::string_view s, bool upper, std::string& out) {
  // Find the first byte that may change; most strings need no copy.
  size_t first = 0;
  for (; first < s.size(); ++first) {
    const auto c = static_cast<unsigned char>(s[first]);
    if (c >= 0x80 || (upper ? (c >= 'a' && c <= 'z') : (c >= 'A' && c <= 'Z')))
      break;
  }
  if (first == s.size()) return false;
  out.clear();
  out.append(s.substr(0, first));
  bool changed = false;
  for (size_t i = first; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      const char m = static_cast<char>(upper ? upperOf(c) : lowerOf(c));
      changed |= m != s[i];
      out.push_back(m);
      continue;
    }
    // Only two-byte sequences have letters that change here.
    if ((c & 0xE0) == 0xC0 && i + 1 < s.size() &&
        isContinuation(static_cast<unsigned char>(s[i + 1]))) {
      const uint32_t cp =
          ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
      const uint32_t m = upper ? upperOf(cp) : lowerOf(cp);
      changed |= m != cp;
      out.push_back(static_cast<char>(0xC0 | (m >> 6)));
      out.push_back(static_cast<char>(0x80 | (m & 0x3F)));
      ++i;
      continue;
    }
    out.push_back(s[i]);
  }
  return changed;
}

// date-time = YYYY-MM-DD ("T" / "t" / " ") HH:MM:SS [.frac] ["Z" / "z" / +HH:MM
// / -HH:MM]
Value parseRfc3339(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (s.size() < 19 || !digits(s, 0, 4, year) || s[4] != '-' ||
      !digits(s, 5, 2, month) || s[7] != '-' || !digits(s, 8, 2, day) ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(s, 11, 2, hour) || s[13] != ':' || !digits(s, 14, 2, minute) ||
      s[16] != ':' || !digits(s, 17, 2, second)) {
    return Value::null();
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) ||
      hour > 23 || minute > 59 || second > 60) {
    return Value::null();
  }
  size_t p = 19;
  std::string_view frac;
  if (p < s.size() && s[p] == '.') {
    const size_t start = ++p;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
    if (p == start) return Value::null();
    frac = s.substr(start, p - start);
  }
  int offset = 0;
  if (p == s.size()) {
    // No zone: read as UTC (docs/expressions.md).
  } else if (s[p] == 'Z' || s[p] == 'z') {
    ++p;
  } else if (s[p] == '+' || s[p] == '-') {
    int oh, om;
    if (!digits(s, p + 1, 2, oh) || p + 3 >= s.size() || s[p + 3] != ':' ||
        !digits(s, p + 4, 2, om) || oh > 23 || om > 59) {
      return Value::null();
    }
    offset = (s[p] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    p += 6;
  } else {
    return Value::null();
  }
  if (p != s.size()) return Value::null();

  // A leap second (:60) counts as the first second of the next minute.
  const int64_t secs = daysFromCivil(year, month, day) * 86400 + hour * 3600 +
                       minute * 60 + second - offset;
  return secondsValue(secs, frac);
}

Value secondsValue(int64_t secs, std::string_view frac) {
  // Beyond 18 digits (attoseconds) the digits cannot change a double here.
  if (frac.size() > 18) frac = frac.substr(0, 18);
  uint64_t f = 0;
  for (char c : frac) f = f * 10 + static_cast<uint64_t>(c - '0');
  if (f == 0) return Value::integer(secs);

  // secs + f / 10^n in one correctly rounded division when both are exact
  // doubles (milli- and microseconds of this era).
  uint64_t scale = 1;
  for (size_t i = 0; i < frac.size(); ++i) scale *= 10;
  constexpr int64_t kExact = int64_t{1} << 53;
  if (frac.size() <= 15 && secs > -kExact && secs < kExact) {
    const __int128 scaled =
        static_cast<__int128>(secs) * static_cast<__int128>(scale) + f;
    if (scaled > -kExact && scaled < kExact) {
      return Value::number(static_cast<double>(static_cast<int64_t>(scaled)) /
                           static_cast<double>(scale));
    }
  }
  // Else secs + 0.frac as decimal text, so that from_chars rounds once.
  char buf[64];
  char* out = buf;
  uint64_t fdigits = f;
  int64_t whole = secs;
  if (secs < 0) {
    // -(|secs| - 0.frac) = -((|secs| - 1) + (1 - 0.frac))
    fdigits = scale - f;
    whole = -(secs + 1);
    *out++ = '-';
  }
  out = std::to_chars(out, buf + sizeof buf, whole).ptr;
  *out++ = '.';
  char fbuf[20];
  char* fend = std::to_chars(fbuf, fbuf + sizeof fbuf, fdigits).ptr;
  for (size_t pad = static_cast<size_t>(fend - fbuf); pad < frac.size(); ++pad)
    *out++ = '0';
  for (char* q = fbuf; q < fend; ++q) *out++ = *q;
  double d = 0;
  std::from_chars(buf, out, d);
  return Value::number(d);
}

}  // namespace clusterproc::expr
