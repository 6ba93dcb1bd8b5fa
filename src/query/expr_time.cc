// The time functions strptime, strftime, date_trunc and time_bucket
// (docs/expressions.md). All in UTC, with the proleptic Gregorian calendar
// of expr_text; no time zone database and no locale (month and day names
// are English).

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>

#include "expr_functions.h"
#include "expr_text.h"
#include "json_write.h"

namespace clusterproc::expr {

namespace {

constexpr std::array<std::string_view, 12> kMonths{
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};
constexpr std::array<std::string_view, 7> kDays{
    "Monday", "Tuesday",  "Wednesday", "Thursday",
    "Friday", "Saturday", "Sunday"};

/// A moment: whole seconds since the epoch and microseconds in [0, 10^6).
struct Moment {
  int64_t secs = 0;
  int64_t micros = 0;
};

/// The broken-down UTC time of a moment.
struct Civil {
  int64_t year;
  int month, day, hour, minute, second;
  int yday;     ///< 1..366
  int weekday;  ///< 0 = Monday .. 6 = Sunday
};

int64_t floorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

Civil civilOf(int64_t secs) {
  const int64_t days = floorDiv(secs, 86400);
  const int64_t rem = secs - days * 86400;
  // H. Hinnant's civil_from_days.
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  Civil c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2);
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem / 60 % 60);
  c.second = static_cast<int>(rem % 60);
  c.yday = static_cast<int>(days - daysFromCivil(c.year, 1, 1)) + 1;
  c.weekday =
      static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
  return c;
}

/// The moment of a time argument: epoch seconds or an RFC 3339 string.
std::optional<Moment> momentOf(const Value& v, bool* was_string) {
  Value n = v;
  if (v.kind == ValueKind::kString) {
    n = parseRfc3339(v.s);
    if (was_string) *was_string = true;
  } else if (was_string) {
    *was_string = false;
  }
  switch (n.kind) {
    case ValueKind::kInt:
      return Moment{n.i, 0};
    case ValueKind::kDouble: {
      if (!(std::fabs(n.d) < 9e15)) return std::nullopt;
      double whole = std::floor(n.d);
      auto micros = static_cast<int64_t>(std::llround((n.d - whole) * 1e6));
      if (micros >= 1000000) {
        whole += 1;
        micros -= 1000000;
      }
      return Moment{static_cast<int64_t>(whole), micros};
    }
    default:
      return std::nullopt;
  }
}

void pad(std::string& out, int64_t v, int width, char fill = '0') {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v < 0 ? -v : v);
  if (v < 0) out.push_back('-');
  for (int n = static_cast<int>(r.ptr - buf); n < width; ++n)
    out.push_back(fill);
  out.append(buf, r.ptr);
}

/// Appends t formatted by fmt (strftime's directives); false on an unknown
/// directive.
bool format(std::string& out, const Moment& t, std::string_view fmt) {
  const Civil c = civilOf(t.secs);
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') {
      out.push_back(fmt[i]);
      continue;
    }
    if (++i == fmt.size()) return false;
    switch (fmt[i]) {
      case 'Y':
        pad(out, c.year, 4);
        break;
      case 'y':
        pad(out, ((c.year % 100) + 100) % 100, 2);
        break;
      case 'm':
        pad(out, c.month, 2);
        break;
      case 'd':
        pad(out, c.day, 2);
        break;
      case 'e':
        pad(out, c.day, 2, ' ');
        break;
      case 'H':
        pad(out, c.hour, 2);
        break;
      case 'I':
        pad(out, (c.hour + 11) % 12 + 1, 2);
        break;
      case 'p':
        out.append(c.hour < 12 ? "AM" : "PM");
        break;
      case 'M':
        pad(out, c.minute, 2);
        break;
      case 'S':
        pad(out, c.second, 2);
        break;
      case 'f':
        pad(out, t.micros, 6);
        break;
      case 'j':
        pad(out, c.yday, 3);
        break;
      case 'a':
        out.append(kDays[c.weekday].substr(0, 3));
        break;
      case 'A':
        out.append(kDays[c.weekday]);
        break;
      case 'b':
      case 'h':
        out.append(kMonths[c.month - 1].substr(0, 3));
        break;
      case 'B':
        out.append(kMonths[c.month - 1]);
        break;
      case 'u':
        pad(out, c.weekday + 1, 1);
        break;
      case 'w':
        pad(out, (c.weekday + 1) % 7, 1);
        break;
      case 's':
        pad(out, t.secs, 1);
        break;
      case 'z':
        out.append("+0000");
        break;
      case 'Z':
        out.append("UTC");
        break;
      case 'F':
        format(out, t, "%Y-%m-%d");
        break;
      case 'T':
        format(out, t, "%H:%M:%S");
        break;
      case '%':
        out.push_back('%');
        break;
      default:
        return false;
    }
  }
  return true;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool equalFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  }
  return true;
}

/// Reads 1..max digits at s[p] (a leading sign when signed).
bool number(std::string_view s, size_t& p, int max, int64_t& out,
            bool is_signed = false) {
  bool neg = false;
  if (is_signed && p < s.size() && (s[p] == '-' || s[p] == '+'))
    neg = s[p++] == '-';
  const size_t start = p;
  out = 0;
  while (p < s.size() && isDigit(s[p]) && static_cast<int>(p - start) < max) {
    out = out * 10 + (s[p++] - '0');
  }
  if (neg) out = -out;
  return p > start;
}

/// A month or day name (full or its first three letters) at s[p].
template <size_t N>
bool name(std::string_view s, size_t& p,
          const std::array<std::string_view, N>& names, int& out) {
  for (size_t k = 0; k < N; ++k) {
    for (std::string_view n : {names[k], names[k].substr(0, 3)}) {
      if (equalFold(s.substr(p, n.size()), n)) {
        p += n.size();
        out = static_cast<int>(k);
        return true;
      }
    }
  }
  return false;
}

/// The directives that strptime() understands.
bool knownParseDirective(char c) {
  return std::string_view("YymdeHIpMSfjaAbhBzsFT%").find(c) !=
         std::string_view::npos;
}

/// strptime(s, fmt): epoch seconds, or null when s does not match fmt.
Value parseTime(std::string_view s, std::string_view fmt) {
  int64_t year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0,
          yday = 0;
  int64_t offset = 0, hour12 = -1, epoch = 0;
  bool pm = false, has_epoch = false;
  std::string_view frac;
  size_t p = 0;
  auto parse = [&](auto& self, std::string_view f) -> bool {
    for (size_t i = 0; i < f.size(); ++i) {
      const char fc = f[i];
      if (fc == ' ' || fc == '\t') {
        // White space in the format matches any white space, even none.
        while (p < s.size() && (s[p] == ' ' || s[p] == '\t')) ++p;
        continue;
      }
      if (fc != '%') {
        if (p >= s.size() || s[p] != fc) return false;
        ++p;
        continue;
      }
      if (++i == f.size()) return false;
      int name_index = 0;
      int64_t v = 0;
      switch (f[i]) {
        case 'Y':
          if (!number(s, p, 4, year)) return false;
          break;
        case 'y':
          if (!number(s, p, 2, v)) return false;
          year = v < 69 ? 2000 + v : 1900 + v;
          break;
        case 'm':
          if (!number(s, p, 2, month)) return false;
          break;
        case 'd':
        case 'e':
          if (p < s.size() && s[p] == ' ') ++p;
          if (!number(s, p, 2, day)) return false;
          break;
        case 'H':
          if (!number(s, p, 2, hour)) return false;
          break;
        case 'I':
          if (!number(s, p, 2, hour12) || hour12 < 1 || hour12 > 12)
            return false;
          break;
        case 'p':
          if (equalFold(s.substr(p, 2), "AM")) {
            pm = false;
          } else if (equalFold(s.substr(p, 2), "PM")) {
            pm = true;
          } else {
            return false;
          }
          p += 2;
          break;
        case 'M':
          if (!number(s, p, 2, minute)) return false;
          break;
        case 'S':
          if (!number(s, p, 2, second)) return false;
          break;
        case 'f': {
          const size_t start = p;
          while (p < s.size() && isDigit(s[p]) && p - start < 9) ++p;
          if (p == start) return false;
          frac = s.substr(start, p - start);
          break;
        }
        case 'j':
          if (!number(s, p, 3, yday) || yday < 1 || yday > 366) return false;
          break;
        case 'a':
        case 'A':
          if (!name(s, p, kDays, name_index)) return false;
          break;
        case 'b':
        case 'h':
        case 'B':
          if (!name(s, p, kMonths, name_index)) return false;
          month = name_index + 1;
          break;
        case 'z': {
          if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
            ++p;
            offset = 0;
            break;
          }
          if (p >= s.size() || (s[p] != '+' && s[p] != '-')) return false;
          const bool neg = s[p++] == '-';
          int64_t oh = 0, om = 0;
          size_t q = p;
          if (!number(s, q, 2, oh) || q - p != 2) return false;
          p = q;
          if (p < s.size() && s[p] == ':') ++p;
          q = p;
          if (!number(s, q, 2, om) || q - p != 2 || oh > 23 || om > 59)
            return false;
          p = q;
          offset = (neg ? -1 : 1) * (oh * 3600 + om * 60);
          break;
        }
        case 's':
          if (!number(s, p, 18, epoch, true)) return false;
          has_epoch = true;
          break;
        case 'F':
          if (!self(self, "%Y-%m-%d")) return false;
          break;
        case 'T':
          if (!self(self, "%H:%M:%S")) return false;
          break;
        case '%':
          if (p >= s.size() || s[p] != '%') return false;
          ++p;
          break;
        default:
          return false;
      }
    }
    return true;
  };
  if (!parse(parse, fmt) || p != s.size()) return Value::null();
  if (has_epoch) return secondsValue(epoch, frac);
  if (hour12 >= 0) hour = hour12 % 12 + (pm ? 12 : 0);
  if (yday > 0) {
    if (yday > (isLeap(static_cast<int>(year)) ? 366 : 365))
      return Value::null();
    month = 1;
    day = yday;
  } else if (month < 1 || month > 12 || day < 1 ||
             day >
                 daysInMonth(static_cast<int>(year), static_cast<int>(month))) {
    return Value::null();
  }
  if (hour > 23 || minute > 59 || second > 60) return Value::null();
  const int64_t secs =
      (daysFromCivil(year, static_cast<int>(month), 1) + day - 1) * 86400 +
      hour * 3600 + minute * 60 + second - offset;
  return secondsValue(secs, frac);
}

/// Checks a constant format: every % directive known.
bool validFormat(std::string_view fmt, bool parsing) {
  for (size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') continue;
    if (++i == fmt.size()) return false;
    if (parsing ? !knownParseDirective(fmt[i])
                : std::string_view("YymdeHIpMSfjaAbhBuwszZFT%").find(fmt[i]) ==
                      std::string_view::npos) {
      return false;
    }
  }
  return true;
}

/// The units of date_trunc().
enum class Unit {
  kSecond,
  kMinute,
  kHour,
  kDay,
  kWeek,
  kMonth,
  kQuarter,
  kYear
};

std::optional<Unit> unitOf(std::string_view u) {
  static constexpr std::array<std::pair<std::string_view, Unit>, 8> kUnits{{
      {"second", Unit::kSecond},
      {"minute", Unit::kMinute},
      {"hour", Unit::kHour},
      {"day", Unit::kDay},
      {"week", Unit::kWeek},
      {"month", Unit::kMonth},
      {"quarter", Unit::kQuarter},
      {"year", Unit::kYear},
  }};
  if (u.size() > 1 && (u.back() == 's' || u.back() == 'S')) u.remove_suffix(1);
  for (const auto& [n, unit] : kUnits) {
    if (equalFold(u, n)) return unit;
  }
  return std::nullopt;
}

/// time_bucket()'s width in seconds: "30s", "5m", "1h", "1d"; 0 when invalid.
int64_t widthOf(std::string_view w) {
  if (w.size() < 2) return 0;
  int64_t n = 0;
  size_t p = 0;
  if (!number(w, p, 9, n) || n <= 0 || p != w.size() - 1) return 0;
  switch (w.back()) {
    case 's':
      return n;
    case 'm':
      return n * 60;
    case 'h':
      return n * 3600;
    case 'd':
      return n * 86400;
    default:
      return 0;
  }
}

int64_t truncate(int64_t secs, Unit unit) {
  switch (unit) {
    case Unit::kSecond:
      return secs;
    case Unit::kMinute:
      return floorDiv(secs, 60) * 60;
    case Unit::kHour:
      return floorDiv(secs, 3600) * 3600;
    case Unit::kDay:
      return floorDiv(secs, 86400) * 86400;
    case Unit::kWeek: {
      const Civil c = civilOf(secs);
      return (floorDiv(secs, 86400) - c.weekday) * 86400;  // back to Monday
    }
    default:
      break;
  }
  const Civil c = civilOf(secs);
  int month = 1;
  if (unit == Unit::kMonth) month = c.month;
  if (unit == Unit::kQuarter) month = (c.month - 1) / 3 * 3 + 1;
  return daysFromCivil(c.year, month, 1) * 86400;
}

/// A truncated time as its argument was given: a string argument gives an
/// RFC 3339 string ("2024-03-01T12:00:00Z"), a number an integer.
Value timeResult(int64_t secs, bool as_string, EvalArena& arena) {
  if (!as_string) return Value::integer(secs);
  const Civil c = civilOf(secs);
  if (c.year < 0 || c.year > 9999) return Value::null();
  std::string& out = arena.scratch();
  format(out, Moment{secs, 0}, "%Y-%m-%dT%H:%M:%SZ");
  return Value::string(arena.commit());
}

class TimeNode : public Node {
 public:
  TimeNode(Fn fn, std::vector<NodePtr> args, Unit unit, int64_t width)
      : fn_(fn), args_(std::move(args)), unit_(unit), width_(width) {}

  Datum eval(const Ctx& c) const override {
    switch (fn_) {
      case Fn::kStrptime: {
        const Datum s = args_[0]->eval(c);
        const Datum f = args_[1]->eval(c);
        if (s.v.kind != ValueKind::kString || f.v.kind != ValueKind::kString)
          return Datum();
        return parseTime(s.v.s, f.v.s);
      }
      case Fn::kStrftime: {
        const auto t = momentOf(args_[0]->eval(c).v, nullptr);
        const Datum f = args_[1]->eval(c);
        if (!t || f.v.kind != ValueKind::kString) return Datum();
        ScratchString buf;
        if (!format(buf.str(), *t, f.v.s)) return Datum();
        return Value::string(c.arena.store(buf.str()));
      }
      case Fn::kDateTrunc: {
        bool as_string = false;
        const auto t = momentOf(args_[1]->eval(c).v, &as_string);
        if (!t) return Datum();
        return timeResult(truncate(t->secs, unit_), as_string, c.arena);
      }
      default: {
        bool as_string = false;
        const auto t = momentOf(args_[0]->eval(c).v, &as_string);
        if (!t) return Datum();
        return timeResult(floorDiv(t->secs, width_) * width_, as_string,
                          c.arena);
      }
    }
  }
  bool foldable() const override { return allConstant(args_); }

 private:
  Fn fn_;
  std::vector<NodePtr> args_;
  Unit unit_;
  int64_t width_;
};

const Value* constantString(const NodePtr& n) {
  const Value* v = n->constant();
  return v && v->kind == ValueKind::kString ? v : nullptr;
}

}  // namespace

NodePtr makeTimeCall(Fn fn, std::vector<NodePtr>& args, CallError& err) {
  Unit unit = Unit::kSecond;
  int64_t width = 0;
  switch (fn) {
    case Fn::kStrptime:
    case Fn::kStrftime:
      if (const Value* f = constantString(args[1]);
          f && !validFormat(f->s, fn == Fn::kStrptime)) {
        err = {1, "unknown directive in the format (see docs/expressions.md)"};
        return nullptr;
      }
      break;
    case Fn::kDateTrunc: {
      const Value* u = constantString(args[0]);
      std::optional<Unit> parsed;
      if (u) parsed = unitOf(u->s);
      if (!parsed) {
        err = {0,
               "date_trunc() takes a constant unit: 'second', 'minute', "
               "'hour', 'day', "
               "'week', 'month', 'quarter' or 'year'"};
        return nullptr;
      }
      unit = *parsed;
      break;
    }
    default: {
      // time_bucket(t, width); DuckDB's order time_bucket(width, t) too.
      if (const Value* w = constantString(args[0]); w && widthOf(w->s) > 0) {
        std::swap(args[0], args[1]);
      }
      const Value* w = constantString(args[1]);
      if (w) width = widthOf(w->s);
      if (width <= 0) {
        err = {1,
               "time_bucket() takes a constant width such as '30s', '5m', '1h' "
               "or '1d'"};
        return nullptr;
      }
      break;
    }
  }
  return std::make_unique<TimeNode>(fn, std::move(args), unit, width);
}

}  // namespace clusterproc::expr
