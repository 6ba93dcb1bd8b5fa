#include "scalar.h"

#include <cmath>

#include "json_write.h"

namespace clusterproc {

namespace {

template <typename T>
int threeWay(const T& a, const T& b) {
  return (b < a) - (a < b);
}

// Compares an int with a finite double, exactly.
int compareIntDouble(const Scalar& a, double d) {
  const __int128 i = a.integer();
  if (d < -0x1p63) return 1;
  if (d >= 0x1p64) return -1;
  if (d >= 0x1p63) {  // an integer: doubles this large have no fraction
    return threeWay(i, static_cast<__int128>(static_cast<uint64_t>(d)));
  }
  // t is d truncated toward zero; an integer other than t compares with d
  // as with t, and t itself by the sign of d's fraction (exact: d - t).
  const auto t = static_cast<int64_t>(d);
  if (i != t) return threeWay(i, static_cast<__int128>(t));
  const double frac = d - static_cast<double>(t);
  return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

}  // namespace

int compareNumbers(const Scalar& a, const Scalar& b) {
  const bool ai = a.kind == ScalarKind::kInt;
  const bool bi = b.kind == ScalarKind::kInt;
  if (ai && bi) return intBelow(a, b) ? -1 : intBelow(b, a) ? 1 : 0;
  if (!ai && !bi) return threeWay(a.d(), b.d());
  return ai ? compareIntDouble(a, b.d()) : -compareIntDouble(b, a.d());
}

int compareScalars(const Scalar& a, const Scalar& b) {
  auto rank = [](ScalarKind k) {
    return k == ScalarKind::kBool ? 0 : k == ScalarKind::kString ? 2 : 1;
  };
  if (rank(a.kind) != rank(b.kind)) return threeWay(rank(a.kind), rank(b.kind));
  if (a.kind == ScalarKind::kString) return threeWay(a.s.compare(b.s), 0);
  if (a.kind == ScalarKind::kBool) return threeWay(a.bits, b.bits);
  if (const int c = compareNumbers(a, b)) return c;
  return threeWay(a.kind, b.kind);
}

void appendScalar(std::string& out, const Scalar& v) {
  switch (v.kind) {
    case ScalarKind::kBool:
      out += v.bits ? "true" : "false";
      break;
    case ScalarKind::kInt:
      if (v.negative) {
        appendJsonInt(out, static_cast<int64_t>(v.bits));
      } else {
        appendJsonUint(out, v.bits);
      }
      break;
    case ScalarKind::kFloat:
      appendJsonDouble(out, v.d());
      break;
    case ScalarKind::kString:
      appendJsonString(out, v.s);
      break;
  }
}

void writeScalar(ByteWriter& w, const Scalar& v) {
  w.u8(static_cast<uint8_t>(v.kind));
  if (v.kind == ScalarKind::kString) {
    w.bytes(v.s);
    return;
  }
  w.u64(v.bits);
  if (v.kind != ScalarKind::kFloat) {
    w.u64(v.negative ? ~uint64_t{0} : 0);  // the high half of an __int128
  }
}

bool readScalar(ByteReader& r, Scalar* v) {
  const uint8_t kind = r.u8();
  if (r.failed() || kind > static_cast<uint8_t>(ScalarKind::kString)) {
    return false;
  }
  *v = Scalar();
  v->kind = static_cast<ScalarKind>(kind);
  if (v->kind == ScalarKind::kString) {
    v->s = r.bytes();
    return !r.failed();
  }
  v->bits = r.u64();
  if (v->kind == ScalarKind::kFloat) {
    const double d = v->d();
    return !r.failed() && std::isfinite(d) && !(d == 0 && std::signbit(d));
  }
  const uint64_t high = r.u64();
  if (r.failed()) return false;
  if (v->kind == ScalarKind::kBool) return high == 0 && v->bits <= 1;
  // [-2^63, 2^64): the high half extends the sign of a negative int64_t, or
  // is zero.
  v->negative = high != 0;
  return high == 0 || (high == ~uint64_t{0} && (v->bits >> 63) != 0);
}

}  // namespace clusterproc
