#include "hll.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>

namespace clusterproc {

namespace {

// Encodings: nothing added; every register; (index, value) of the set ones.
constexpr uint8_t kEmptyForm = 0;
constexpr uint8_t kDenseForm = 1;
constexpr uint8_t kSparseForm = 2;

void putU16(ByteWriter& w, size_t v) {
  w.u8(static_cast<uint8_t>(v & 0xff));
  w.u8(static_cast<uint8_t>(v >> 8));
}

size_t getU16(ByteReader& r) {
  const size_t lo = r.u8();
  return lo | size_t{r.u8()} << 8;
}

Status malformed(const char* what) {
  return Status::error(
      ExitCode::kInput,
      std::string("malformed partial state: HyperLogLog ") + what);
}

// Ertl's sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1), for the zero registers.
double sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1.0;
  double z = x;
  double prev;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (z != prev);
  return z;
}

// Ertl's tau(x), for the registers at the maximum rank.
double tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0;
  double z = 1.0 - x;
  double prev;
  do {
    x = std::sqrt(x);
    prev = z;
    y *= 0.5;
    z -= (1.0 - x) * (1.0 - x) * y;
  } while (z != prev);
  return z / 3.0;
}

}  // namespace

void Hll::merge(const Hll& other) {
  if (other.registers_.empty()) return;
  other.settle();
  if (registers_.empty()) {
    registers_ = other.registers_;
    return;
  }
  settle();
  for (size_t i = 0; i < kRegisters; ++i) {
    registers_[i] = std::max(registers_[i], other.registers_[i]);
  }
}

double Hll::estimate() const {
  if (registers_.empty()) return 0.0;
  settle();
  int histogram[kMaxRank + 1] = {};
  for (uint8_t r : registers_) ++histogram[r];
  const double m = static_cast<double>(kRegisters);
  double z = m * tau(1.0 - histogram[kMaxRank] / m);
  for (int k = kMaxRank - 1; k >= 1; --k) z = 0.5 * (z + histogram[k]);
  z += m * sigma(histogram[0] / m);
  const double alpha_inf = 0.5 / std::log(2.0);
  return alpha_inf * m * m / z;
}

void Hll::serialize(ByteWriter& w) const {
  if (registers_.empty()) {
    w.u8(kEmptyForm);
    return;
  }
  settle();
  const size_t set =
      kRegisters - std::count(registers_.begin(), registers_.end(), uint8_t{0});
  if (set * 3 + 2 < kRegisters) {
    w.u8(kSparseForm);
    putU16(w, set);
    for (size_t i = 0; i < kRegisters; ++i) {
      if (registers_[i] == 0) continue;
      putU16(w, i);
      w.u8(registers_[i]);
    }
    return;
  }
  w.u8(kDenseForm);
  w.raw(registers_.data(), kRegisters);
}

Result<Hll> Hll::deserialize(ByteReader& r) {
  const uint8_t form = r.u8();
  if (r.failed()) return malformed("truncated");
  Hll h;
  if (form == kEmptyForm) return h;
  h.registers_.assign(kRegisters, 0);
  if (form == kDenseForm) {
    // Eight registers a read: u64() yields the bytes in memory order.
    for (size_t i = 0; i < kRegisters; i += 8) {
      const uint64_t word = r.u64();
      for (size_t j = 0; j < 8; ++j) {
        const unsigned shift =
            std::endian::native == std::endian::little ? 8 * j : 56 - 8 * j;
        const auto reg = static_cast<uint8_t>(word >> shift);
        if (reg > kMaxRank) return malformed("register out of range");
        h.registers_[i + j] = reg;
      }
    }
    if (r.failed()) return malformed("truncated");
    return h;
  }
  if (form != kSparseForm) return malformed("unknown form");
  const size_t n = getU16(r);
  if (n > kRegisters) return malformed("too many registers");
  for (size_t k = 0; k < n; ++k) {
    const size_t index = getU16(r);
    const uint8_t value = r.u8();
    if (r.failed()) return malformed("truncated");
    if (index >= kRegisters || value == 0 || value > kMaxRank) {
      return malformed("register out of range");
    }
    h.registers_[index] = value;
  }
  return h;
}

bool Hll::operator==(const Hll& other) const {
  if (!registers_.empty()) settle();
  if (!other.registers_.empty()) other.settle();
  if (registers_.empty() || other.registers_.empty()) {
    const auto& r = registers_.empty() ? other.registers_ : registers_;
    return std::all_of(r.begin(), r.end(), [](uint8_t v) { return v == 0; });
  }
  return registers_ == other.registers_;
}

}  // namespace clusterproc
