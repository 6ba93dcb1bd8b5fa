#pragma once
// Short builders of Values for the tests of job states and groups:
// I(1), U(2), D(0.5), S("x"), B(true), A("[1,2]"), N.

#include <cstdint>
#include <string_view>

#include "value.h"

namespace clusterproc::testing {

inline Value I(int64_t v) { return Value::integer(v); }
inline Value U(uint64_t v) { return Value::uinteger(v); }
inline Value D(double v) { return Value::number(v); }
inline Value S(std::string_view v) { return Value::string(v); }
inline Value B(bool v) { return Value::boolean(v); }
/// An array Value over its JSON text.
inline Value A(std::string_view json) {
  return Value::container(ValueKind::kArray, json);
}
inline const Value N = Value::null();

}  // namespace clusterproc::testing
