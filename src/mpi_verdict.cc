#include "mpi_verdict.h"

namespace clusterproc {

int exitSeverity(int code, bool failed) {
  int level = 4;  // an unexpected status counts as a worker failure
  switch (code) {
    case 0: level = 0; break;
    case 3: level = 1; break;
    case 1: level = 2; break;
    case 2: level = 3; break;
    case 4: level = 4; break;
    case 141: level = 5; break;  // the reader of stdout went away
    case 129: level = 6; break;
    case 130: level = 7; break;
    case 143: level = 8; break;
  }
  bool no_result = (code == 0 || code == 3) ? failed : true;
  return 2 * level + (no_result ? 1 : 0);
}

int encodeOutcome(int code, bool failed) { return exitSeverity(code, failed) * 256 + (code & 255); }

MpiVerdict decodeOutcome(int value, int rank) {
  return MpiVerdict{value & 255, (value / 256) % 2 == 1, rank};
}

}  // namespace clusterproc
