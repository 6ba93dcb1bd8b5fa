#pragma once
// The exit code the ranks of an --mpi run agree on: each rank's outcome is
// encoded as one int so that an MPI_MAXLOC reduction picks the most severe
// one (and the lowest rank that had it). Plain code, no MPI: unit-tested in
// every build.

namespace clusterproc {

/// The exit code the ranks agreed on and the lowest rank that had it.
struct MpiVerdict {
  int code = 0;
  bool failed = false;  ///< that rank has no result (it printed why)
  int rank = 0;
};

/// How bad an outcome is: success < bad records seen (results complete) <
/// stopped by --max-errors (exit 3 too, no result) < usage < input/output
/// error < worker failed < broken pipe < signals. Only 0 and 3 can come
/// with a result; every other code counts as failed.
int exitSeverity(int code, bool failed);

/// One rank's outcome as an int whose order is the severity's.
int encodeOutcome(int code, bool failed);

/// The verdict from the largest encoded outcome and its rank.
MpiVerdict decodeOutcome(int value, int rank);

}  // namespace clusterproc
