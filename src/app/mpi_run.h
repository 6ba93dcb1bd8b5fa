#pragma once
// The MPI launch, `mpirun -n R clusterproc --mpi [job options] FILE...`: each
// rank runs shard rank/R of the input with its own forked workers, rank 0
// gathers the ranks' partials, merges them and writes the result, and every
// rank exits with the code they agreed on. Built with -DCLUSTERPROC_MPI=ON
// (mpi_run.cc); without it mpi_off.cc says how to get it.

#include <string>

#include "job.h"
#include "status.h"

namespace clusterproc {

/// True when this clusterproc was built with MPI.
bool mpiBuiltIn();

/// The line --version prints about MPI.
std::string mpiVersionLine();

/// The whole life of one rank of an --mpi run; returns the exit code every
/// rank agreed on. Errors are printed (reportError) by the rank that met
/// them, naming the rank and its host.
int runMpiRank(const Job& job);

}  // namespace clusterproc
