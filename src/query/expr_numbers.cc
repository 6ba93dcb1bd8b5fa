// The numeric functions round(x, digits), log, ln, exp, sqrt, pow, least,
// greatest and hash (docs/expressions.md).

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "expr_functions.h"
#include "json_write.h"

namespace clusterproc::expr {

namespace {

constexpr double kTwo63 = 9223372036854775808.0;

/// A double with no fraction as an int when it fits int64.
Value integral(double r) {
  if (r >= -kTwo63 && r < kTwo63)
    return Value::integer(static_cast<int64_t>(r));
  return Value::number(r);
}

/// An integer value as __int128 (kInt and kUint).
__int128 wide(const Value& v) {
  return v.kind == ValueKind::kUint ? static_cast<__int128>(v.u)
                                    : static_cast<__int128>(v.i);
}

/// An __int128 as a Value: int64, uint64, or the nearest double beyond.
Value fromWide(__int128 r) {
  if (r >= std::numeric_limits<int64_t>::min() &&
      r <= std::numeric_limits<int64_t>::max()) {
    return Value::integer(static_cast<int64_t>(r));
  }
  if (r > 0 &&
      r <= static_cast<__int128>(std::numeric_limits<uint64_t>::max())) {
    return Value::uinteger(static_cast<uint64_t>(r));
  }
  return Value::number(static_cast<double>(r));
}

/// Whether x * 10^d lies exactly halfway between two integers: x = M * 2^E
/// with M odd makes x * 2 * 10^d = M * 5^d * 2^(E + 1 + d), an odd integer
/// exactly when E + 1 + d == 0.
bool exactTie(double x, int d) {
  if (x == 0) return false;
  int e = 0;
  const double f = std::frexp(std::fabs(x), &e);
  auto m = static_cast<uint64_t>(std::ldexp(f, 53));
  int exp2 = e - 53;
  const int tz = std::countr_zero(m);
  exp2 += tz;
  return exp2 + 1 + d == 0;
}

/// round(x, d) of a double, d >= 1: the decimal rounding of x's exact
/// value, half away from zero, read back as the nearest double.
double roundDigits(double x, int d) {
  char buf[400];
  // printf rounds the exact binary value correctly, ties to even.
  int n = std::snprintf(buf, sizeof buf, "%.*f", d, x);
  if (n <= 0 || static_cast<size_t>(n) >= sizeof buf) return x;
  if (exactTie(x, d)) {
    const double printed = std::strtod(buf, nullptr);
    if (std::fabs(printed) < std::fabs(x)) {
      // Rounded toward zero: add one unit in the last place of the text.
      int i = n - 1;
      for (; i >= 0; --i) {
        if (buf[i] == '.') continue;
        if (buf[i] == '-') break;
        if (buf[i] != '9') {
          ++buf[i];
          break;
        }
        buf[i] = '0';
      }
      if (i < 0 || buf[i] == '-') {  // all nines: one more digit in front
        const size_t at = i < 0 ? 0 : 1;
        std::memmove(buf + at + 1, buf + at, static_cast<size_t>(n) + 1 - at);
        buf[at] = '1';
      }
    }
  }
  return std::strtod(buf, nullptr);
}

Value roundTo(const Value& x, const Value& digits) {
  if (!x.isNumber() ||
      (digits.kind != ValueKind::kInt && digits.kind != ValueKind::kUint)) {
    return {};
  }
  const int64_t d = digits.kind == ValueKind::kUint
                        ? 400
                        : std::clamp<int64_t>(digits.i, -400, 400);
  if (x.kind != ValueKind::kDouble) {
    if (d >= 0) return x;
    if (d < -38) return Value::integer(0);
    __int128 p = 1;
    for (int64_t k = 0; k < -d; ++k) p *= 10;
    const __int128 v = wide(x);
    const __int128 q = v / p, r = v % p;  // truncated toward zero
    __int128 out = q;
    if (2 * (r < 0 ? -r : r) >= p) out += v < 0 ? -1 : 1;
    return fromWide(out * p);
  }
  if (d <= 0) {
    const double p = std::pow(10.0, static_cast<double>(-d));
    return integral(std::round(x.d / p) * p);
  }
  if (d > 330) return x;  // beyond the last digit of any double
  return Value::number(roundDigits(x.d, static_cast<int>(d)));
}

/// pow(a, b): exact for an integer base and a non-negative integer exponent
/// while the result fits 64 bits; else the double std::pow gives.
Value power(const Value& a, const Value& b) {
  if (!a.isNumber() || !b.isNumber()) return {};
  if (a.kind != ValueKind::kDouble && b.kind == ValueKind::kInt && b.i >= 0) {
    const __int128 base = wide(a);
    __int128 r = 1;
    bool fits = true;
    constexpr __int128 kLimit =
        static_cast<__int128>(std::numeric_limits<uint64_t>::max());
    for (int64_t k = 0; k < b.i && fits; ++k) {
      r *= base;
      if (r > kLimit || r < -kLimit) fits = false;
      if (r == 0 || r == 1) break;
      if (r == -1) {
        r = (b.i % 2 == 0) ? 1 : -1;
        break;
      }
    }
    if (fits) return fromWide(r);
  }
  return Value::number(std::pow(a.asDouble(), b.asDouble()));
}

/// FNV-1a, 64 bits: simple enough to recompute anywhere (docs show it in
/// Python), and independent of the machine's byte order.
uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

/// The text hash() reads: compact JSON, with a double that holds an
/// integer written as that integer (so 53 and 53.0 hash alike, as they
/// compare equal).
void canonicalText(std::string& out, const Value& v) {
  if (v.kind == ValueKind::kDouble && v.d == std::trunc(v.d) &&
      v.d >= -kTwo63 && v.d < 18446744073709551616.0) {
    if (v.d < 0) {
      appendJsonInt(out, static_cast<int64_t>(v.d));
    } else {
      appendJsonUint(out, static_cast<uint64_t>(v.d));
    }
    return;
  }
  if (v.kind == ValueKind::kDouble && v.d == 0) {
    out.push_back('0');
    return;
  }
  appendValueJson(out, v);
}

class NumberNode : public Node {
 public:
  NumberNode(Fn fn, std::vector<NodePtr> args)
      : fn_(fn), args_(std::move(args)) {}

  Datum eval(const Ctx& c) const override {
    switch (fn_) {
      case Fn::kLeast:
      case Fn::kGreatest:
        return extreme(c);
      case Fn::kHash: {
        const Value v = materialize(args_[0]->eval(c), c.arena);
        ScratchString buf;
        canonicalText(buf.str(), v);
        return Value::integer(static_cast<int64_t>(fnv1a(buf.str()) >> 1));
      }
      default:
        break;
    }
    const Value a = args_[0]->eval(c).v;
    if (!a.isNumber()) return Datum();
    switch (fn_) {
      case Fn::kLn:
        return a.asDouble() > 0 ? Value::number(std::log(a.asDouble()))
                                : Value();
      case Fn::kExp:
        return Value::number(std::exp(a.asDouble()));
      case Fn::kSqrt:
        return a.asDouble() >= 0 ? Value::number(std::sqrt(a.asDouble()))
                                 : Value();
      case Fn::kLog:
        if (args_.size() == 1) {
          return a.asDouble() > 0 ? Value::number(std::log10(a.asDouble()))
                                  : Value();
        } else {
          // log(b, x): base b.
          const Value x = args_[1]->eval(c).v;
          if (!x.isNumber() || x.asDouble() <= 0 || a.asDouble() <= 0 ||
              a.asDouble() == 1) {
            return Datum();
          }
          return Value::number(std::log(x.asDouble()) / std::log(a.asDouble()));
        }
      case Fn::kPow:
        return power(a, args_[1]->eval(c).v);
      case Fn::kRound:
        return roundTo(a, args_[1]->eval(c).v);
      default:
        return Datum();
    }
  }
  bool foldable() const override { return allConstant(args_); }

 private:
  /// least/greatest: by the order of comparisons, nulls left out.
  Datum extreme(const Ctx& c) const {
    Datum best;
    for (const NodePtr& n : args_) {
      Datum d = n->eval(c);
      if (d.v.isNull()) continue;
      if (best.v.isNull()) {
        best = d;
        continue;
      }
      const int cmp = compareData(d, best, c.arena);
      if (fn_ == Fn::kLeast ? cmp < 0 : cmp > 0) best = d;
    }
    return best;
  }

  Fn fn_;
  std::vector<NodePtr> args_;
};

}  // namespace

NodePtr makeNumberCall(Fn fn, std::vector<NodePtr>& args, CallError&) {
  return std::make_unique<NumberNode>(fn, std::move(args));
}

}  // namespace clusterproc::expr
