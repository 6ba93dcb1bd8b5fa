// A build without MPI: --mpi is a usage error that says how to get it.

#include "command.h"
#include "mpi_run.h"

namespace clusterproc {

bool mpiBuiltIn() { return false; }

std::string mpiVersionLine() {
  return "MPI: not built in (cmake -DCLUSTERPROC_MPI=ON enables clusterproc "
         "--mpi)";
}

int runMpiRank(const Job&) {
  return reportError(Status::error(
      ExitCode::kUsage, "--mpi: this clusterproc was built without MPI"));
}

}  // namespace clusterproc
