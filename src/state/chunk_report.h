#pragma once
// What the work on one chunk produces: its bad records, its output rows and
// its job state. The worker fills it (engine/record_scanner.h), the job
// states append to it, and the master merges it in input order.

#include <cstdint>
#include <string>
#include <vector>

namespace clusterproc {

/// An invalid line; line and offset are relative to its chunk until the
/// master rebases them.
struct BadRecord {
  uint64_t line = 0;    ///< 1-based within the chunk
  uint64_t offset = 0;  ///< byte offset of the line within the chunk
  std::string reason;
  std::string raw;  ///< the line, when --bad-records asks for it
};

/// What a worker tells the master about one chunk.
struct ChunkReport {
  uint64_t chunk_id = 0;
  uint64_t lines = 0;    ///< lines in the chunk, blank ones included
  uint64_t records = 0;  ///< valid records
  uint64_t matched = 0;  ///< valid records that passed --where
  std::vector<BadRecord> bad;
  std::string output;               ///< streaming jobs: rows, one per line
  std::vector<uint64_t> row_lines;  ///< line (in the chunk) of each output row
  std::string exec_error;           ///< --exec: why the command failed
  bool exec_fatal = false;          ///< --exec: the command cannot run at all
  std::string exec_stderr;          ///< --exec: the successful command's stderr
  /// --exec with direct output: bytes of output the worker holds and writes
  /// to the output itself when the master says it is this chunk's turn.
  uint64_t held_output = 0;
  std::string partial;  ///< the job state of this chunk's records
  /// A piece of a compressed file decoded by the worker (kPieceSlot): see
  /// DecodedPiece (piece_decoder.h); offsets from the piece's first
  /// decoded byte.
  uint64_t piece_skip = 0;
  uint64_t piece_end = 0;
  uint64_t piece_decoded = 0;
  std::string input_error;  ///< damage met: the input ends there
  uint64_t cut_bytes = 0;   ///< with input_error: bytes of the cut line
  /// A gzip piece whose last member goes on past its end: nothing else is
  /// set (DecodedPiece::open).
  bool piece_open = false;
};

}  // namespace clusterproc
