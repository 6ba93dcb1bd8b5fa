#pragma once
// The payloads of the pipe protocol (see channel.h and docs/architecture.md).

#include <cstdint>
#include <string>
#include <string_view>

#include "chunk_report.h"
#include "status.h"

namespace clusterproc {

/// Marks an assignment whose bytes are in a mapped input, not a ring slot.
inline constexpr uint32_t kNoSlot = 0xffffffffu;
/// Marks an assignment of compressed bytes [offset, offset + size) of a
/// file, whole frames or members, that the worker decodes itself.
inline constexpr uint32_t kPieceSlot = 0xfffffffeu;

/// master -> worker: where the bytes of one chunk are.
struct Assign {
  uint64_t chunk_id = 0;    ///< echoed in the report (a probe has its own id)
  uint32_t input = 0;       ///< index into the run's inputs
  uint32_t slot = kNoSlot;  ///< ring slot, or kNoSlot for a mapped input
  uint64_t offset = 0;      ///< within the mapped input, or within the slot
  uint64_t size = 0;
  uint64_t order_id = 0;   ///< the chunk whose records these are (input order)
  uint64_t line_base = 0;  ///< lines of that chunk before these bytes
  /// Lines of the input before the chunk's first byte, for line(); counted
  /// only for jobs that use it (ChunkSource::setCountLines), else 0.
  uint64_t file_line = 0;
};

std::string encodeAssign(const Assign& a);
Result<Assign> decodeAssign(std::string_view payload);

std::string encodeReport(const ChunkReport& r);
/// Sends encodeReport(r) as a Done frame without copying r.output (large
/// for --exec and --where) into the frame first.
Status writeReport(int fd, const ChunkReport& r, const std::string& peer);
Result<ChunkReport> decodeReport(std::string_view payload);

/// worker -> master: how writing a held --exec output went (Emitted); the
/// Emit that asks for it carries only the chunk id (encodeChunkId).
struct Emitted {
  uint64_t chunk_id = 0;
  Status status;  ///< the write's error, as the master's own write says it
};

std::string encodeChunkId(uint64_t id);
Result<uint64_t> decodeChunkId(std::string_view payload);
std::string encodeEmitted(const Emitted& e);
Result<Emitted> decodeEmitted(std::string_view payload);

}  // namespace clusterproc
