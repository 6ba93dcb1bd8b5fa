#pragma once
// Writing JSON text: strings escaped, numbers in their shortest round-trip
// form.

#include <cstdint>
#include <string>
#include <string_view>

namespace clusterproc {

/// Appends s (UTF-8 bytes) as a JSON string literal, quotes included.
void appendJsonString(std::string& out, std::string_view s);
/// Appends a double in the shortest form that reads back to the same value
/// (std::to_chars); from 2^53 on always in scientific form (1e+20), so that
/// it reads back as a double; non-finite values are written as null.
void appendJsonDouble(std::string& out, double v);
/// Appends a signed or unsigned integer in decimal.
void appendJsonInt(std::string& out, int64_t v);
void appendJsonUint(std::string& out, uint64_t v);

}  // namespace clusterproc
