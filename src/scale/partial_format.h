#pragma once
// The partial file format: the mergeable state of one summary, count or
// aggregate run, with the job that made it and the run's totals. Versioned,
// checksummed; described byte by byte in docs/partials.md. Integers are
// little-endian.
//
//   0   8  magic 89 43 4C 50 41 52 54 0A ("\x89CLPART\n")
//   8   2  u16 format version (kPartialVersion)
//  10   2  u16 flags, 0 (a reader refuses other values)
//  12   8  u64 body length B
//  20   B  body: u64 job fingerprint, u32 n + n job words (u64 length +
//          bytes), u32 t + t u64 totals, u64 order span, u64 length + state
//          bytes, u32 e + e extensions (key, value: u64 length + bytes)
//  20+B 4  u32 CRC-32 (zlib's crc32) of bytes [0, 20 + B)
//
// Several partials may follow one another in a file or stream.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "job.h"
#include "job_state.h"
#include "status.h"

namespace clusterproc {

/// The format version this build writes, and the newest it reads. 2: the
/// summary's state gained quantile sketches, string bounds and array
/// elements (its version byte 3); other jobs' states are as in version 1.
inline constexpr uint16_t kPartialVersion = 2;
/// The oldest version whose summary state this build reads.
inline constexpr uint16_t kSummaryPartialVersion = 2;

/// One decoded (or to be encoded) partial.
struct Partial {
  /// The format version it was written in (decodePartials()).
  uint16_t version = kPartialVersion;
  /// The job as command-line words (jobWords()); the summary has none.
  std::vector<std::string> job;
  /// records, matched, bad_records, bytes, lines of the run(s); rows unused.
  RunTotals totals;
  /// Every input position (chunk << 32 | line) in state is below this; a
  /// later partial's positions are shifted by it when merged.
  uint64_t order_span = 0;
  std::string state;  ///< JobState::serialize()
  /// Named extras, e.g. "inputs" (NUL-separated names), "shard" ("K/N").
  /// Readers ignore keys they do not know.
  std::vector<std::pair<std::string, std::string>> extensions;
};

/// The canonical words of the options that define job's state and result:
/// --count, each --where, --select, --group-by, --agg, --sort, --limit and a
/// non-default --max-record, in that order, values as given.
std::vector<std::string> jobWords(const Job& job);

/// FNV-1a 64 of the words, each followed by a NUL byte.
uint64_t jobFingerprint(const std::vector<std::string>& words);

/// The words as one shell-quoted line, for messages ("the summary (no job
/// option)" when there is none).
std::string jobText(const std::vector<std::string>& words);

/// The partial as bytes (the layout above).
std::string encodePartial(const Partial& p);

/// Every partial of bytes (one or more, one after the other). name is the
/// file the bytes came from: errors name it, and the partial's number and
/// byte offset when it is not the first. Errors have ExitCode::kInput.
Result<std::vector<Partial>> decodePartials(std::string_view bytes,
                                            const std::string& name);

}  // namespace clusterproc
