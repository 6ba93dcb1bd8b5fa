#include "mpi_run.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "command.h"
#include "input.h"
#include "mpi_world.h"
#include "output.h"
#include "partial.h"
#include "result_sink.h"
#include "shard.h"
#include "signals.h"
#include "sys.h"

namespace clusterproc {

namespace {

bool interrupted(int code) { return code == 129 || code == 130 || code == 143; }

/// "rank 1 of 3 (node7)", for messages.
std::string rankName(const MpiWorld& world) {
  char host[256] = "?";
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '?';
  host[sizeof host - 1] = '\0';
  return "rank " + std::to_string(world.rank()) + " of " +
         std::to_string(world.size()) + " (" + host + ")";
}

/// Prints s as main does, naming the rank when there are several.
int report(const MpiWorld& world, const Status& s) {
  if (world.size() == 1 || s.code() == ExitCode::kBrokenPipe)
    return reportError(s);
  return reportError(
      Status::error(s.code(), rankName(world) + ": " + s.message()));
}

/// What one rank brings to the merge.
struct RankPart {
  int code = 0;         ///< 0, or 3 when bad records were seen and skipped
  bool failed = false;  ///< no partial: the rank printed why
  std::string partial;
  std::string bad_lines;  ///< its --bad-records lines
  uint64_t bad_records = 0;
};

/// The sizes of the inputs as this rank sees them; a missing file is this
/// rank's error (on a cluster, a path not shared by every node).
Status inputSizes(const Job& job, std::vector<uint64_t>& sizes) {
  Result<std::vector<Input>> inputs = openInputs(job.inputs);
  if (!inputs.ok()) return inputs.status();
  Status s = requireMappedInputs(inputs.value(), "--mpi");
  for (const Input& in : inputs.value()) sizes.push_back(in.size);
  closeInputs(inputs.value());
  return s;
}

/// Rank 0's files can be written (a plain run opens them before it starts).
Status outputsWritable(const Job& job) {
  for (const std::string* path :
       {&job.output_path, &job.partial_path, &job.bad_records_path}) {
    if (Status s = OutputFile::checkWritable(*path); !s.ok()) return s;
  }
  return Status();
}

/// Every rank must cut the same bytes: compares this rank's sizes with
/// rank 0's (collective).
Status sameAsRoot(MpiWorld& world, const Job& job,
                  const std::vector<uint64_t>& sizes) {
  std::vector<uint64_t> root = sizes;
  Status s = world.broadcastFromRoot(root);
  if (!s.ok()) return s;
  if (root.size() != sizes.size()) {
    return Status::error(ExitCode::kUsage,
                         "--mpi: " + std::to_string(sizes.size()) +
                             " inputs here, " + std::to_string(root.size()) +
                             " on rank 0: every rank must read the same files");
  }
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (root[i] == sizes[i]) continue;
    return Status::error(
        ExitCode::kInput,
        job.inputs[i] + ": " + std::to_string(sizes[i]) + " bytes here, " +
            std::to_string(root[i]) +
            " bytes on rank 0: every rank must read the same files");
  }
  return Status();
}

/// A node-local file for this rank's --bad-records lines.
std::string badTempPath(const MpiWorld& world) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir && *dir ? dir : "/tmp") + "/clusterproc-bad-" +
         std::to_string(::getpid()) + "-" + std::to_string(world.rank()) +
         ".jsonl";
}

/// --checkpoint DIR: each rank keeps its own checkpoint in DIR/rank-R-of-N,
/// so a rerun with as many ranks resumes every shard where it stopped.
Result<std::string> rankCheckpoint(const MpiWorld& world,
                                   const std::string& dir) {
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
    return Status::error(ExitCode::kInput,
                         errnoText("cannot create checkpoint folder", dir));
  }
  return dir + "/rank-" + std::to_string(world.rank()) + "-of-" +
         std::to_string(world.size());
}

/// This rank's shard run to its partial; errors are printed here.
RankPart runShard(MpiWorld& world, const Job& job) {
  RankPart part;
  auto failWith = [&](const Status& s) {
    part.code = report(world, s);
    part.failed = true;
    return part;
  };
  Job local = job;
  local.mpi = false;
  local.shard_index = static_cast<uint64_t>(world.rank());
  local.shard_count = static_cast<uint64_t>(world.size());
  local.output_path.clear();
  local.partial_path.clear();
  local.stats = false;
  local.stats_json_path.clear();
  if (!job.bad_records_path.empty())
    local.bad_records_path = badTempPath(world);
  if (!job.checkpoint_dir.empty()) {
    Result<std::string> dir = rankCheckpoint(world, job.checkpoint_dir);
    if (!dir.ok()) return failWith(dir.status());
    local.checkpoint_dir = dir.value();
  }
  Result<PartialRun> run = runToPartial(local);
  if (!local.bad_records_path.empty()) {
    // Written (committed) on success and after --max-errors; gathered below.
    Status r = readFile(local.bad_records_path, part.bad_lines);
    ::unlink(local.bad_records_path.c_str());
    if (run.ok() && !r.ok()) return failWith(r);
  }
  if (!run.ok()) return failWith(run.status());
  part.code = run.value().exit_code;
  part.partial = std::move(run.value().bytes);
  part.bad_records = run.value().counts.totals.bad_records;
  return part;
}

/// Rank 0: the --bad-records file of the whole run, in rank (input) order.
Status writeBadRecords(const std::string& path,
                       const std::vector<std::string>& lines) {
  Result<OutputFile> out = OutputFile::open(path);
  if (!out.ok()) return out.status();
  for (const std::string& l : lines) {
    Status s = out.value().write(l);
    if (!s.ok()) return s;
  }
  return out.value().commit();
}

/// Rank 0: merges the partials and writes the result as a plain run would;
/// returns the exit code (errors printed).
int finish(MpiWorld& world, const Job& job, std::vector<std::string> partials,
           const std::vector<std::string>& bad_lines, uint64_t bad_records) {
  if (job.max_errors >= 0 &&
      bad_records > static_cast<uint64_t>(job.max_errors)) {
    return report(
        world,
        Status::error(ExitCode::kBadRecords,
                      "stopped: the ranks saw " + std::to_string(bad_records) +
                          " bad records (--max-errors " +
                          std::to_string(job.max_errors) + ")"));
  }
  if (!job.bad_records_path.empty()) {
    Status s = writeBadRecords(job.bad_records_path, bad_lines);
    if (!s.ok()) return report(world, s);
  }
  NamedPartials named;
  for (size_t r = 0; r < partials.size(); ++r) {
    named.emplace_back("rank " + std::to_string(r), std::move(partials[r]));
  }
  Job out = job;
  out.mpi = false;
  // A rank's stdout is mpirun's pseudo-terminal, whatever mpirun's own
  // stdout is: no table unless asked for; -o's extension as in a plain run.
  if (out.format.empty()) {
    Result<Format> f = resolveFormat(out, false);
    if (!f.ok()) return report(world, f.status());
    out.format = f.value() == Format::kJson  ? "json"
                 : f.value() == Format::kCsv ? "csv"
                 : f.value() == Format::kTsv ? "tsv"
                                             : "jsonl";
  }
  return finishFromPartials(out, std::move(named));
}

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

/// Once the shard is done (no workers, no temporary file) a signal may end
/// the rank at once, also inside a blocking MPI call, where a handler that
/// only sets a flag would leave it waiting until the launcher kills it.
/// Returns the signal that arrived before, if any.
int defaultSignals() {
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  for (int sig : kStopSignals) ::sigaction(sig, &dfl, nullptr);
  return pendingSignal();
}

/// Holds the stop signals while rank 0 writes the result, so that its
/// temporary output is either renamed into place or removed; a signal held
/// meanwhile ends the rank when released.
void holdSignals(bool hold) {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : kStopSignals) sigaddset(&set, sig);
  ::sigprocmask(hold ? SIG_BLOCK : SIG_UNBLOCK, &set, nullptr);
}

/// The end of a rank that has its code: an interrupted rank leaves without
/// MPI_Finalize (the others may never get there; the launcher ends them).
int leave(MpiWorld& world, int code) {
  if (interrupted(code)) world.abandon();
  return code;
}

}  // namespace

bool mpiBuiltIn() { return true; }

std::string mpiVersionLine() {
  return "MPI: built in (" + MpiWorld::libraryVersion() + ")";
}

/// Every rank takes part in each collective step, whatever happened to it;
/// a step's local error is printed by its rank, then all agree on it.
int runMpiRank(const Job& job) {
  // A rank whose launcher dies (mpirun killed while it was still starting
  // the job, or by SIGKILL) must not run on as an orphan: the kernel sends it
  // SIGTERM then. mpirun, orted and slurmstepd are the parents of the ranks.
  pid_t launcher = ::getppid();
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != launcher) return static_cast<int>(ExitCode::kTerminated);
  Result<std::unique_ptr<MpiWorld>> w = MpiWorld::init();
  if (!w.ok()) return reportError(w.status());
  MpiWorld& world = *w.value();
  std::vector<uint64_t> sizes;
  for (int step = 0; step < 2; ++step) {
    Status s =
        step == 0 ? inputSizes(job, sizes) : sameAsRoot(world, job, sizes);
    if (s.ok() && step == 0 && world.rank() == 0) s = outputsWritable(job);
    Result<MpiVerdict> v =
        world.agree(s.ok() ? 0 : static_cast<int>(s.code()), !s.ok());
    if (!v.ok()) return leave(world, report(world, v.status()));
    if (!v.value().failed) continue;
    // One message, not one per rank (a usage error is everybody's): the
    // lowest rank with the worst error says it.
    if (world.rank() == v.value().rank) (void)report(world, s);
    return leave(world, v.value().code);
  }
  RankPart mine = runShard(world, job);
  if (interrupted(mine.code)) return leave(world, mine.code);
  if (int early = defaultSignals()) return leave(world, 128 + early);

  // Wait for the slowest rank without spinning.
  Result<int> sig = world.waitForAll();
  if (!sig.ok()) return leave(world, report(world, sig.status()));
  if (sig.value() != 0) return leave(world, 128 + sig.value());

  Result<MpiVerdict> verdict = world.agree(mine.code, mine.failed);
  if (!verdict.ok()) return leave(world, report(world, verdict.status()));
  // A failed rank printed why; the others say nothing more and exit alike.
  if (verdict.value().failed) return leave(world, verdict.value().code);

  Result<uint64_t> bad = world.sum(mine.bad_records);
  if (!bad.ok()) return leave(world, report(world, bad.status()));
  Result<std::vector<std::string>> partials = world.gatherAtRoot(mine.partial);
  if (!partials.ok()) return leave(world, report(world, partials.status()));
  mine.partial.clear();
  Result<std::vector<std::string>> bad_lines =
      world.gatherAtRoot(mine.bad_lines);
  if (!bad_lines.ok()) return leave(world, report(world, bad_lines.status()));
  int code = verdict.value().code;
  bool failed = false;
  if (world.rank() == 0) {
    holdSignals(true);
    code = finish(world, job, std::move(partials.value()), bad_lines.value(),
                  bad.value());
    holdSignals(false);
    failed = code != 0 && code != 3;
  }
  // Rank 0's write can fail (disk full): every rank exits with that code.
  Result<MpiVerdict> end = world.agree(code, failed);
  if (!end.ok()) return leave(world, report(world, end.status()));
  // Each rank removed its finished checkpoint; the folder goes when empty.
  if (world.rank() == 0 && !job.checkpoint_dir.empty())
    (void)::rmdir(job.checkpoint_dir.c_str());
  return leave(world, end.value().code);
}

}  // namespace clusterproc
