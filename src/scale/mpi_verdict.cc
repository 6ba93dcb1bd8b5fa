#include "mpi_verdict.h"

#include <algorithm>
#include <iterator>

namespace clusterproc {

namespace {

/// Exit codes from the least to the most severe; 141: the reader of stdout
/// went away; 129, 130, 143: SIGHUP, SIGINT, SIGTERM.
constexpr int kBySeverity[] = {0, 3, 1, 2, 4, 141, 129, 130, 143};
/// An unexpected status counts as a worker failure (exit 4).
constexpr int kUnknownLevel = 4;

}  // namespace

int exitSeverity(int code, bool failed) {
  const int* at =
      std::find(std::begin(kBySeverity), std::end(kBySeverity), code);
  int level = at == std::end(kBySeverity)
                  ? kUnknownLevel
                  : static_cast<int>(at - std::begin(kBySeverity));
  bool no_result = (code == 0 || code == 3) ? failed : true;
  return 2 * level + (no_result ? 1 : 0);
}

int encodeOutcome(int code, bool failed) {
  return exitSeverity(code, failed) * 256 + (code & 255);
}

MpiVerdict decodeOutcome(int value, int rank) {
  return MpiVerdict{value & 255, (value / 256) % 2 == 1, rank};
}

}  // namespace clusterproc
