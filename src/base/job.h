#pragma once
// The Job: every option of a run as plain data. Only cli.cc fills it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace clusterproc {

/// What a run computes (SPEC section 2).
enum class JobKind {
  kSummary,    ///< no job option: the summary profile
  kCount,      ///< --count [--where]
  kWhere,      ///< --where only: matching lines as they are
  kSelect,     ///< --select LIST
  kAggregate,  ///< --group-by and/or --agg
  kExec,       ///< --exec CMD: each chunk's (matching) lines piped to a command
};

/// Options of one run, already validated.
struct Job {
  JobKind kind = JobKind::kSummary;
  std::vector<std::string> inputs;  ///< "-" is standard input
  unsigned workers = 1;             ///< -j
  uint64_t chunk_size = 0;          ///< 0: chosen per input (auto)
  uint64_t max_record = 64ull << 20;
  int64_t max_errors = -1;       ///< -1: unlimited
  std::string bad_records_path;  ///< --bad-records
  std::string output_path;       ///< -o; empty: stdout
  std::string partial_path;      ///< --partial FILE ("-": stdout); empty: none
  bool merge = false;            ///< `clusterproc merge`: inputs are partials
  unsigned retries = 2;
  uint64_t flush_after_ms =
      100;  ///< --flush-after: longest wait of a record read from a stream

  std::vector<std::string> explode;  ///< --explode PATH, in the order given
  std::vector<std::string> where;    ///< --where, all must hold
  std::string select;                ///< --select LIST
  std::string exclude;     ///< --exclude LIST: keys dropped from --select '*'
  std::string group_by;    ///< --group-by LIST
  std::string agg;         ///< --agg LIST
  std::string sort;        ///< --sort LIST
  int64_t limit = -1;      ///< --limit; -1: none
  std::string format;      ///< -f; empty: jsonl, or table on a terminal
  std::string exec;        ///< --exec CMD
  bool unordered = false;  ///< --unordered: --exec output as it finishes

  std::optional<bool> progress;  ///< --progress / --no-progress; unset: auto
  bool stats = false;            ///< --stats: run summary on stderr
  std::string stats_json_path;   ///< --stats-json FILE

  uint64_t shard_index = 0;    ///< --shard K/N: K
  uint64_t shard_count = 0;    ///< --shard K/N: N; 0: the whole input
  std::string checkpoint_dir;  ///< --checkpoint DIR

  bool mpi = false;  ///< --mpi: one rank of an MPI launch (mpi_run.h)
};

/// Default chunk size when --chunk-size is not given (see
/// docs/architecture.md).
inline constexpr uint64_t kDefaultChunkSize = 4ull << 20;
/// Smallest chunk the automatic choice uses for small inputs.
inline constexpr uint64_t kMinAutoChunkSize = 64ull << 10;
/// Largest chunk the automatic choice uses for a file with --exec: each
/// chunk starts the command anew (sh and the command: about 1 ms of CPU),
/// so fewer, larger chunks pay (docs/performance.md).
inline constexpr uint64_t kExecAutoChunkSize = 8ull << 20;

/// The largest chunk the automatic choice gives a mapped file for job.
inline uint64_t autoChunkCap(const Job& job) {
  return job.kind == JobKind::kExec ? kExecAutoChunkSize : kDefaultChunkSize;
}

}  // namespace clusterproc
