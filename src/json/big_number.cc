#include "big_number.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "json_diagnose.h"
#include "json_write.h"

namespace clusterproc {

namespace big_detail {

thread_local size_t g_marked = 0;

namespace {

/// Per parser, the addresses of the strings that stand for big numbers.
struct Marks {
  const simdjson::dom::parser* parser;
  std::vector<const char*> bytes;  ///< sorted
};
/// The marks of this thread. A parser may outlive them (a static one, or a
/// thread_local one made first): when they go, g_marked drops to 0, so such
/// a parser's destructor does not look for them (JsonParser::~JsonParser).
struct MarkTable : std::vector<Marks> {
  ~MarkTable() { g_marked = 0; }
};
thread_local MarkTable g_marks;

}  // namespace

bool isMarked(const char* bytes) {
  for (const Marks& m : g_marks) {
    if (std::binary_search(m.bytes.begin(), m.bytes.end(), bytes)) return true;
  }
  return false;
}

void forget(const simdjson::dom::parser* parser) {
  for (size_t i = 0; i < g_marks.size(); ++i) {
    if (g_marks[i].parser != parser) continue;
    g_marked -= g_marks[i].bytes.size();
    g_marks.erase(g_marks.begin() + static_cast<ptrdiff_t>(i));
    return;
  }
}

namespace {

// Collects, in document order, the bytes of the strings (keys included)
// whose ordinal is in wanted (sorted).
void collectStrings(simdjson::dom::element e, const std::vector<size_t>& wanted,
                    size_t& ordinal, std::vector<const char*>& out) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::STRING:
      if (std::binary_search(wanted.begin(), wanted.end(), ordinal)) {
        out.push_back(e.get_string().value_unsafe().data());
      }
      ++ordinal;
      break;
    case T::ARRAY: {
      const simdjson::dom::array array = e.get_array().value_unsafe();
      for (simdjson::dom::element child : array) {
        collectStrings(child, wanted, ordinal, out);
      }
      break;
    }
    case T::OBJECT: {
      const simdjson::dom::object object = e.get_object().value_unsafe();
      for (auto field : object) {
        ++ordinal;  // the key
        collectStrings(field.value, wanted, ordinal, out);
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace

}  // namespace big_detail

simdjson::error_code JsonParser::parse(const char* text, size_t size,
                                       bool realloc,
                                       simdjson::dom::element& root) {
  simdjson::dom::parser& parser = parser_;
  if (big_detail::g_marked != 0) big_detail::forget(&parser);
  simdjson::error_code err = parser.parse(text, size, realloc).get(root);
  if (err != simdjson::NUMBER_ERROR && err != simdjson::NUMBER_OUT_OF_RANGE) {
    return err;
  }
  // Rare: is the text valid with numbers beyond simdjson's range?
  const std::string_view view(text, size);
  const JsonProblem problem = diagnoseJson(view);
  if (problem.found || problem.big_numbers.empty()) return err;
  static thread_local std::string quoted;
  quoted.clear();
  std::vector<size_t> ordinals;
  size_t at = 0;
  for (const JsonProblem::BigNumber& n : problem.big_numbers) {
    quoted.append(view.substr(at, n.offset - at));
    quoted += '"';
    quoted.append(view.substr(n.offset, n.size));
    quoted += '"';
    at = n.offset + n.size;
    ordinals.push_back(n.strings_before + ordinals.size());
  }
  quoted.append(view.substr(at));
  err = parser.parse(quoted).get(root);
  if (err) return err;
  std::vector<const char*> bytes;
  size_t ordinal = 0;
  big_detail::collectStrings(root, ordinals, ordinal, bytes);
  std::sort(bytes.begin(), bytes.end());
  big_detail::g_marked += bytes.size();
  big_detail::g_marks.push_back({&parser, std::move(bytes)});
  return simdjson::SUCCESS;
}

void appendElementJson(std::string& out, simdjson::dom::element e) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::STRING: {
      const std::string_view s = e.get_string().value_unsafe();
      if (isBigNumber(s)) {
        out.append(s);
      } else {
        appendJsonString(out, s);
      }
      return;
    }
    case T::ARRAY: {
      out += '[';
      bool first = true;
      const simdjson::dom::array array = e.get_array().value_unsafe();
      for (simdjson::dom::element child : array) {
        if (!first) out += ',';
        first = false;
        appendElementJson(out, child);
      }
      out += ']';
      return;
    }
    case T::OBJECT: {
      out += '{';
      bool first = true;
      const simdjson::dom::object object = e.get_object().value_unsafe();
      for (auto field : object) {
        if (!first) out += ',';
        first = false;
        appendJsonString(out, field.key);
        out += ':';
        appendElementJson(out, field.value);
      }
      out += '}';
      return;
    }
    default:
      out += simdjson::minify(e);
      return;
  }
}

bool isIntegerText(std::string_view number) {
  return number.find_first_of(".eE") == std::string_view::npos;
}

Decimal decimalOfText(std::string_view t) {
  Decimal d;
  size_t i = 0;
  if (i < t.size() && t[i] == '-') {
    d.negative = true;
    ++i;
  }
  int64_t scale = 0;
  bool fraction = false;
  for (; i < t.size() && t[i] != 'e' && t[i] != 'E'; ++i) {
    const char c = t[i];
    if (c == '.') {
      fraction = true;
    } else if (!d.digits.empty() || c != '0') {
      d.digits += c;
      if (!fraction) ++scale;
    } else if (fraction) {
      --scale;  // a leading zero after the point
    }
  }
  if (i < t.size()) {
    ++i;
    bool negative = false;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) negative = t[i++] == '-';
    int64_t exponent = 0;
    for (; i < t.size(); ++i) {
      // Saturates far beyond any length of digits.
      if (exponent < 1'000'000'000'000'000)
        exponent = exponent * 10 + (t[i] - '0');
    }
    scale += negative ? -exponent : exponent;
  }
  while (!d.digits.empty() && d.digits.back() == '0') d.digits.pop_back();
  if (d.digits.empty()) {
    d.negative = false;
    d.scale = 0;
  } else {
    d.scale = scale;
  }
  return d;
}

Decimal decimalOfDouble(double v) {
  // glibc prints the exact binary value; 767 significant digits are enough
  // for any double.
  char buf[1100];
  std::snprintf(buf, sizeof buf, "%.800e", v);
  return decimalOfText(buf);
}

int compareDecimals(const Decimal& a, const Decimal& b) {
  const int sa = a.digits.empty() ? 0 : a.negative ? -1 : 1;
  const int sb = b.digits.empty() ? 0 : b.negative ? -1 : 1;
  if (sa != sb || sa == 0) return sa < sb ? -1 : sa > sb ? 1 : 0;
  int magnitude = 0;
  if (a.scale != b.scale) {
    magnitude = a.scale < b.scale ? -1 : 1;
  } else {
    const int c = a.digits.compare(b.digits);
    magnitude = c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  return sa * magnitude;
}

std::string canonicalText(const Decimal& d) {
  if (d.digits.empty()) return "0";
  std::string s = d.negative ? "-0." : "0.";
  s += d.digits;
  s += 'e';
  s += std::to_string(d.scale);
  return s;
}

namespace {

constexpr uint32_t kLimbBase = 1'000'000'000;

std::vector<uint32_t> limbsOfDigits(std::string_view digits) {
  std::vector<uint32_t> limbs;
  for (size_t end = digits.size(); end > 0;) {
    const size_t begin = end >= 9 ? end - 9 : 0;
    uint32_t limb = 0;
    for (size_t i = begin; i < end; ++i)
      limb = limb * 10 + static_cast<uint32_t>(digits[i] - '0');
    limbs.push_back(limb);
    end = begin;
  }
  while (!limbs.empty() && limbs.back() == 0) limbs.pop_back();
  return limbs;
}

// -1, 0, 1: |a| against |b|.
int compareMagnitudes(const std::vector<uint32_t>& a,
                      const std::vector<uint32_t>& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = a.size(); i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

}  // namespace

void BigIntSum::addMagnitude(bool negative,
                             const std::vector<uint32_t>& limbs) {
  if (limbs.empty()) return;
  if (limbs_.empty() || negative == negative_) {
    negative_ = limbs_.empty() ? negative : negative_;
    uint32_t carry = 0;
    for (size_t i = 0; i < limbs.size() || carry != 0; ++i) {
      if (i == limbs_.size()) limbs_.push_back(0);
      uint32_t x = limbs_[i] + carry + (i < limbs.size() ? limbs[i] : 0);
      carry = x >= kLimbBase;
      if (carry) x -= kLimbBase;
      limbs_[i] = x;
    }
    return;
  }
  // Opposite signs: the larger magnitude minus the smaller.
  std::vector<uint32_t> big = limbs_, small = limbs;
  bool sign = negative_;
  if (compareMagnitudes(big, small) < 0) {
    std::swap(big, small);
    sign = negative;
  }
  int64_t borrow = 0;
  for (size_t i = 0; i < big.size(); ++i) {
    int64_t x =
        int64_t{big[i]} - borrow - (i < small.size() ? int64_t{small[i]} : 0);
    borrow = x < 0;
    if (borrow) x += kLimbBase;
    big[i] = static_cast<uint32_t>(x);
  }
  while (!big.empty() && big.back() == 0) big.pop_back();
  limbs_ = std::move(big);
  negative_ = !limbs_.empty() && sign;
}

void BigIntSum::addText(std::string_view integer) {
  const bool negative = !integer.empty() && integer[0] == '-';
  if (negative) integer.remove_prefix(1);
  addMagnitude(negative, limbsOfDigits(integer));
}

void BigIntSum::add(__int128 v) {
  if (v == 0) return;
  const bool negative = v < 0;
  auto m = static_cast<unsigned __int128>(v);
  if (negative) m = ~m + 1;
  std::vector<uint32_t> limbs;
  while (m != 0) {
    limbs.push_back(static_cast<uint32_t>(m % kLimbBase));
    m /= kLimbBase;
  }
  addMagnitude(negative, limbs);
}

void BigIntSum::merge(const BigIntSum& other) {
  addMagnitude(other.negative_, other.limbs_);
}

std::string BigIntSum::toString() const {
  if (limbs_.empty()) return "0";
  std::string s = negative_ ? "-" : "";
  s += std::to_string(limbs_.back());
  char buf[16];
  for (size_t i = limbs_.size() - 1; i-- > 0;) {
    std::snprintf(buf, sizeof buf, "%09u", limbs_[i]);
    s += buf;
  }
  return s;
}

double BigIntSum::toDouble() const {
  return std::strtod(toString().c_str(), nullptr);
}

void BigIntSum::serialize(ByteWriter& w) const {
  w.u8(negative_);
  w.u64(limbs_.size());
  for (uint32_t limb : limbs_) w.u32(limb);
}

bool BigIntSum::deserialize(ByteReader& r) {
  const uint8_t sign = r.u8();
  const uint64_t n = r.u64();
  if (r.failed() || sign > 1 || n > (uint64_t{1} << 24)) return false;
  limbs_.clear();
  for (uint64_t i = 0; i < n && !r.failed(); ++i) {
    const uint32_t limb = r.u32();
    if (limb >= kLimbBase) return false;
    limbs_.push_back(limb);
  }
  negative_ = sign == 1;
  if (r.failed() || (!limbs_.empty() && limbs_.back() == 0) ||
      (limbs_.empty() && negative_)) {
    return false;
  }
  return true;
}

}  // namespace clusterproc
