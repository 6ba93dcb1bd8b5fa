#include "scalar.h"

#include <climits>
#include <cmath>

#include "json_write.h"

namespace clusterproc {

namespace {

template <typename T>
int threeWay(const T& a, const T& b) {
  return (b < a) - (a < b);
}

// Compares an integer in [-2^63, 2^64) with a finite double, exactly.
int compareIntDouble(__int128 i, double d) {
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
  if (ai && bi) return threeWay(a.i, b.i);
  if (!ai && !bi) return threeWay(a.d, b.d);
  return ai ? compareIntDouble(a.i, b.d) : -compareIntDouble(b.i, a.d);
}

int compareScalars(const Scalar& a, const Scalar& b) {
  auto rank = [](ScalarKind k) {
    return k == ScalarKind::kBool ? 0 : k == ScalarKind::kString ? 2 : 1;
  };
  if (rank(a.kind) != rank(b.kind)) return threeWay(rank(a.kind), rank(b.kind));
  if (a.kind == ScalarKind::kString) return threeWay(a.s.compare(b.s), 0);
  if (a.kind == ScalarKind::kBool) return threeWay(a.i, b.i);
  if (const int c = compareNumbers(a, b)) return c;
  return threeWay(a.kind, b.kind);
}

void appendScalar(std::string& out, const Scalar& v) {
  switch (v.kind) {
    case ScalarKind::kBool:
      out += v.i ? "true" : "false";
      break;
    case ScalarKind::kInt:
      if (v.i < 0) {
        appendJsonInt(out, static_cast<int64_t>(v.i));
      } else {
        appendJsonUint(out, static_cast<uint64_t>(v.i));
      }
      break;
    case ScalarKind::kFloat:
      appendJsonDouble(out, v.d);
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
  } else if (v.kind == ScalarKind::kFloat) {
    w.u64(std::bit_cast<uint64_t>(v.d));
  } else {
    const auto u = static_cast<unsigned __int128>(v.i);
    w.u64(static_cast<uint64_t>(u));
    w.u64(static_cast<uint64_t>(u >> 64));
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
  const uint64_t lo = r.u64();
  if (v->kind == ScalarKind::kFloat) {
    v->d = std::bit_cast<double>(lo);
    return !r.failed() && std::isfinite(v->d) &&
           !(v->d == 0 && std::signbit(v->d));
  }
  const uint64_t hi = r.u64();
  if (r.failed()) return false;
  v->i = static_cast<__int128>((static_cast<unsigned __int128>(hi) << 64) | lo);
  if (v->kind == ScalarKind::kBool) return v->i == 0 || v->i == 1;
  return v->i >= INT64_MIN && v->i <= static_cast<__int128>(UINT64_MAX);
}

}  // namespace clusterproc
