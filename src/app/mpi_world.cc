#include "mpi_world.h"

// The C API only: no deprecated C++ bindings (their library is not linked).
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#include <poll.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>

#include "signals.h"

namespace clusterproc {

namespace {

/// Pieces of the large-gather path: far below MPI's int count limit.
constexpr size_t kLargePiece = size_t{1} << 30;
constexpr int kPieceTag = 8;

Status mpiError(const char* call, int rc) {
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS) len = 0;
  return Status::error(
      ExitCode::kWorkerFailed,
      std::string("MPI: ") + call + ": " +
          (len > 0 ? std::string(text, static_cast<size_t>(len))
                   : "error " + std::to_string(rc)));
}

size_t testPiece() {
  const char* v = std::getenv(kMpiPieceEnv);
  if (v == nullptr) return 0;
  long long n = std::atoll(v);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

}  // namespace

Result<std::unique_ptr<MpiWorld>> MpiWorld::init() {
  // OpenMPI's handlers for SIGSEGV, SIGBUS, ... print a back trace; a worker
  // forked from this rank would inherit them and print it for a crash that
  // clusterproc handles (it retries the chunk). The user's setting wins.
  ::setenv("OMPI_MCA_opal_signal", "", 0);
  // InfiniBand verbs: registered pages stay valid in the parent after fork().
  ::setenv("RDMAV_FORK_SAFE", "1", 0);
  int flag = 0;
  MPI_Initialized(&flag);
  if (flag)
    return Status::error(ExitCode::kWorkerFailed, "MPI: already initialised");
  int rc = MPI_Init(nullptr, nullptr);
  if (rc != MPI_SUCCESS) return mpiError("MPI_Init", rc);
  std::unique_ptr<MpiWorld> w(new MpiWorld());
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &w->rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &w->size_);
  return w;
}

MpiWorld::~MpiWorld() {
  if (finalize_) MPI_Finalize();
}

Result<int> MpiWorld::waitForAll() {
  MPI_Request req;
  int rc = MPI_Ibarrier(MPI_COMM_WORLD, &req);
  if (rc != MPI_SUCCESS) return mpiError("MPI_Ibarrier", rc);
  for (;;) {
    int done = 0;
    rc = MPI_Test(&req, &done, MPI_STATUS_IGNORE);
    if (rc != MPI_SUCCESS) return mpiError("MPI_Test", rc);
    if (done) return 0;
    if (int sig = pendingSignal()) return sig;
    // A blocking barrier would spin at 100% CPU; a signal wakes this at once.
    struct pollfd p = {signalWakeFd(), POLLIN, 0};
    ::poll(&p, 1, 2);
  }
}

Result<MpiVerdict> MpiWorld::agree(int code, bool failed) {
  struct {
    int value;
    int rank;
  } in{encodeOutcome(code, failed), rank_}, out{0, 0};
  // MPI_MAXLOC: the largest value, and the lowest rank among equal ones.
  int rc = MPI_Allreduce(&in, &out, 1, MPI_2INT, MPI_MAXLOC, MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS) return mpiError("MPI_Allreduce", rc);
  return decodeOutcome(out.value, out.rank);
}

Status MpiWorld::broadcastFromRoot(std::vector<uint64_t>& values) {
  uint64_t n = values.size();
  int rc = MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS) return mpiError("MPI_Bcast", rc);
  values.resize(n);
  // The counts are small (one per input); chunk anyway to respect int counts.
  for (uint64_t at = 0; at < n; at += INT_MAX / 8) {
    int len = static_cast<int>(std::min<uint64_t>(n - at, INT_MAX / 8));
    rc = MPI_Bcast(values.data() + at, len, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) return mpiError("MPI_Bcast", rc);
  }
  return Status();
}

Result<uint64_t> MpiWorld::sum(uint64_t value) {
  uint64_t total = 0;
  int rc =
      MPI_Allreduce(&value, &total, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS) return mpiError("MPI_Allreduce", rc);
  return total;
}

Result<std::vector<std::string>> MpiWorld::gatherAtRoot(std::string_view mine) {
  uint64_t n = mine.size();
  std::vector<uint64_t> sizes(static_cast<size_t>(size_));
  int rc = MPI_Allgather(&n, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T,
                         MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS) return mpiError("MPI_Allgather", rc);
  uint64_t total = 0;
  for (uint64_t s : sizes) total += s;
  std::vector<std::string> all;
  if (rank_ == 0) {
    all.resize(sizes.size());
    for (size_t i = 0; i < sizes.size(); ++i) all[i].resize(sizes[i]);
  }
  // Every rank takes the same path: it depends only on the gathered sizes.
  size_t piece = testPiece();
  if (piece == 0 && total > static_cast<uint64_t>(INT_MAX)) piece = kLargePiece;
  if (piece > 0) {
    Status s = rank_ == 0 ? receivePieces(all, piece) : sendPieces(mine, piece);
    if (!s.ok()) return s;
    if (rank_ == 0) all[0].assign(mine);
    return all;
  }
  std::vector<int> counts, displs;
  std::string flat;
  if (rank_ == 0) {
    flat.resize(total);
    int at = 0;
    for (uint64_t s : sizes) {
      counts.push_back(static_cast<int>(s));
      displs.push_back(at);
      at += static_cast<int>(s);
    }
  }
  rc = MPI_Gatherv(mine.data(), static_cast<int>(n), MPI_BYTE, flat.data(),
                   counts.data(), displs.data(), MPI_BYTE, 0, MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS) return mpiError("MPI_Gatherv", rc);
  for (size_t i = 0; rank_ == 0 && i < all.size(); ++i) {
    all[i].assign(flat, static_cast<size_t>(displs[i]), all[i].size());
  }
  return all;
}

Status MpiWorld::sendPieces(std::string_view mine, size_t piece) {
  for (size_t at = 0; at < mine.size(); at += piece) {
    size_t len = std::min(piece, mine.size() - at);
    int rc = MPI_Send(mine.data() + at, static_cast<int>(len), MPI_BYTE, 0,
                      kPieceTag, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) return mpiError("MPI_Send", rc);
  }
  return Status();
}

Status MpiWorld::receivePieces(std::vector<std::string>& all, size_t piece) {
  for (size_t r = 1; r < all.size(); ++r) {
    std::string& buf = all[r];
    for (size_t at = 0; at < buf.size(); at += piece) {
      size_t len = std::min(piece, buf.size() - at);
      int rc = MPI_Recv(buf.data() + at, static_cast<int>(len), MPI_BYTE,
                        static_cast<int>(r), kPieceTag, MPI_COMM_WORLD,
                        MPI_STATUS_IGNORE);
      if (rc != MPI_SUCCESS) return mpiError("MPI_Recv", rc);
    }
  }
  return Status();
}

std::string MpiWorld::libraryVersion() {
  char text[MPI_MAX_LIBRARY_VERSION_STRING];
  int len = 0;
  if (MPI_Get_library_version(text, &len) != MPI_SUCCESS) return "unknown MPI";
  std::string v(text, static_cast<size_t>(len));
  size_t cut = v.find_first_of(",\n");
  return cut == std::string::npos ? v : v.substr(0, cut);
}

}  // namespace clusterproc
