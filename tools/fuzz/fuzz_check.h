#pragma once
// CHECK(cond) for the fuzz targets: assert() disappears with NDEBUG; a fuzz
// check must never. A failed check prints where and aborts (libFuzzer keeps
// the input).

#include <cstdio>
#include <cstdlib>

#define CHECK(cond)                                                         \
  do {                                                                      \
    if (!(cond)) {                                                          \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                   #cond);                                                  \
      std::abort();                                                         \
    }                                                                       \
  } while (0)
