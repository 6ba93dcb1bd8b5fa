#pragma once
// One rank's view of an MPI job (MPI_COMM_WORLD): init and finalize, rank and
// size, the exit code all ranks agree on, and byte strings gathered at rank 0.
// Only mpi_world.cc calls MPI; the forked workers of a rank never do.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mpi_verdict.h"
#include "status.h"

namespace clusterproc {

/// Test hook: gather with point-to-point sends of at most this many bytes
/// each (instead of MPI_Gatherv), to exercise the path taken above 2 GiB.
inline constexpr const char* kMpiPieceEnv = "CLUSTERPROC_TEST_MPI_PIECE";

/// MPI_COMM_WORLD of this process. MPI_Finalize runs when the object dies,
/// unless abandon() was called.
class MpiWorld {
 public:
  /// MPI_Init. Before it, asks OpenMPI (unless the user set these) not to
  /// install its crash handlers, which forked workers would inherit, and
  /// the verbs library to keep registered memory safe across fork().
  static Result<std::unique_ptr<MpiWorld>> init();
  ~MpiWorld();
  MpiWorld(const MpiWorld&) = delete;
  MpiWorld& operator=(const MpiWorld&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  /// Waits until every rank got here, sleeping rather than spinning (other
  /// ranks' workers may share this node's CPUs). Returns the terminating
  /// signal if one arrived while waiting (the caller then abandons), else 0.
  Result<int> waitForAll();
  /// Every rank gives its exit code and whether it failed (has no result);
  /// all get the most severe outcome and the lowest rank that had it.
  Result<MpiVerdict> agree(int code, bool failed);
  /// Every rank gets rank 0's values (values is resized to rank 0's count).
  Status broadcastFromRoot(std::vector<uint64_t>& values);
  /// The sum of every rank's value, on every rank.
  Result<uint64_t> sum(uint64_t value);
  /// Rank 0 gets every rank's bytes in rank order (its own first); the
  /// other ranks get an empty vector. Sizes go first, then MPI_Gatherv, or
  /// point-to-point pieces when the total does not fit MPI's int counts.
  Result<std::vector<std::string>> gatherAtRoot(std::string_view mine);
  /// The process leaves without MPI_Finalize (an interrupted rank: the
  /// others may never reach it; the launcher ends the job).
  void abandon() { finalize_ = false; }

  /// "Open MPI v4.1.4, ..." (first line of MPI_Get_library_version).
  static std::string libraryVersion();

 private:
  MpiWorld() = default;
  Status sendPieces(std::string_view mine, size_t piece);
  Status receivePieces(std::vector<std::string>& all, size_t piece);

  int rank_ = 0;
  int size_ = 1;
  bool finalize_ = true;
};

}  // namespace clusterproc
