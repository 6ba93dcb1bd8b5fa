#pragma once
// Partials: running a job to its mergeable state, and finishing a job from
// such states (`--partial FILE`, `clusterproc merge`; docs/partials.md).
//
// API for other launchers (the MPI launch, a job array driver):
//
//   Result<PartialRun> runToPartial(const Job& job);
//     Runs job as `clusterproc` does (forked workers, bad records reported on
//     stderr and to --bad-records as usual) and returns the encoded partial
//     (the bytes `--partial FILE` writes) with the exit code the run would
//     have: 0, or 3 when bad records were seen. Nothing is written to -o,
//     --partial or standard output; --stats/--stats-json are the caller's.
//     An error (input, worker, interrupt, or a streaming job: usage) comes
//     back as a Status for the caller to print (reportError() in command.h
//     prints it and gives the exit code).
//
//   int finishFromPartials(const Job& output_options, NamedPartials partials);
//     Merges the partials (each entry: a name for messages and bytes holding
//     one or more partials, in input order) and writes the result exactly as
//     `clusterproc merge` does: output_options gives -o, -f, --partial,
//     --stats and --stats-json; the job comes from the partials (job fields
//     of output_options are ignored). Prints any error and the bad-record
//     note, writes the statistics, returns the exit code (0, 1 usage, 2 bad
//     partials or I/O, 3 bad records in the partials, 130/143 interrupted).
//
// Merging is exact and associative; the partials' order is the input order
// (first/last and the spelling of equal keys follow it), as with INPUT...

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "job.h"
#include "job_state.h"
#include "partial_format.h"
#include "query.h"
#include "run_job.h"
#include "status.h"

namespace clusterproc {

/// A job run to its partial.
struct PartialRun {
  std::string bytes;  ///< the encoded partial (partial_format.h)
  int exit_code = 0;  ///< 0, or 3 when bad records were seen (and reported)
  RunCounts counts;   ///< the run's counts
};

/// Partials to merge, in input order: a name for messages (a file name, a
/// rank) and bytes holding one or more partials.
using NamedPartials = std::vector<std::pair<std::string, std::string>>;

/// Runs job to its partial (see the top of this file).
Result<PartialRun> runToPartial(const Job& job);

/// Merges partials and writes the result as `merge` does; returns the exit
/// code (see the top of this file).
int finishFromPartials(const Job& output_options, NamedPartials partials);

/// Partials merged into one state, ready to render or encode.
struct MergedPartials {
  Job job;                       ///< the output options with the partials' job
  std::unique_ptr<Query> query;  ///< the job compiled
  std::unique_ptr<JobState> state;  ///< the merged state (refers to *query)
  /// The partials' job words, summed totals and order spans, and their
  /// "inputs" joined; state empty until serialized.
  Partial partial;
};

/// Decodes inputs, checks that they are partials of one job and merges
/// them in order. Errors (kInput) name the file: not a partial, truncated,
/// corrupt, unsupported version, partials of different jobs.
Result<MergedPartials> mergePartials(const Job& options, NamedPartials inputs);

/// A usage error unless job's result is a merged state (the summary,
/// --count, --group-by/--agg): the streaming jobs have no partial.
Status checkPartialJob(const Job& job);

/// `clusterproc --partial FILE ...`: runs job, writes its partial to
/// job.partial_path ("-": standard output) atomically; the exit code.
int partialCommand(const Job& job);

/// `clusterproc merge ... PARTIAL...`: reads job.inputs ("-": standard
/// input) and finishes from them; the exit code.
int mergeCommand(const Job& job);

}  // namespace clusterproc
