#include "messages.h"

#include "channel.h"

namespace clusterproc {

namespace {
Status malformed(const char* what) {
  return Status::error(
      ExitCode::kWorkerFailed,
      std::string("malformed ") + what + " message on a worker pipe");
}
}  // namespace

std::string encodeAssign(const Assign& a) {
  ByteWriter w;
  w.u64(a.chunk_id);
  w.u32(a.input);
  w.u32(a.slot);
  w.u64(a.offset);
  w.u64(a.size);
  w.u64(a.order_id);
  w.u64(a.line_base);
  w.u64(a.file_line);
  return std::move(w.str());
}

Result<Assign> decodeAssign(std::string_view payload) {
  ByteReader r(payload);
  Assign a;
  a.chunk_id = r.u64();
  a.input = r.u32();
  a.slot = r.u32();
  a.offset = r.u64();
  a.size = r.u64();
  a.order_id = r.u64();
  a.line_base = r.u64();
  a.file_line = r.u64();
  if (r.failed() || !r.atEnd()) return malformed("assign");
  return a;
}

namespace {

/// The encoded report around its output: head ends with the output's
/// length, tail is everything after the output.
void encodeReportParts(const ChunkReport& rep, std::string& head,
                       std::string& tail) {
  ByteWriter h;
  h.u64(rep.chunk_id);
  h.u64(rep.lines);
  h.u64(rep.records);
  h.u64(rep.matched);
  h.u64(rep.output.size());
  head = std::move(h.str());
  ByteWriter w;
  w.bytes(rep.exec_error);
  w.u64(rep.exec_fatal ? 1 : 0);
  w.u64(rep.held_output);
  w.bytes(rep.exec_stderr);
  w.bytes(rep.partial);
  w.u64(rep.piece_skip);
  w.u64(rep.piece_end);
  w.u64(rep.piece_decoded);
  w.bytes(rep.input_error);
  w.u64(rep.cut_bytes);
  w.u64(rep.piece_open ? 1 : 0);
  w.u64(rep.row_lines.size());
  w.u64s(rep.row_lines.data(), rep.row_lines.size());
  w.u64(rep.bad.size());
  for (const BadRecord& b : rep.bad) {
    w.u64(b.line);
    w.u64(b.offset);
    w.bytes(b.reason);
    w.bytes(b.raw);
  }
  tail = std::move(w.str());
}

}  // namespace

std::string encodeReport(const ChunkReport& rep) {
  std::string head, tail;
  encodeReportParts(rep, head, tail);
  return head + rep.output + tail;
}

Status writeReport(int fd, const ChunkReport& rep, const std::string& peer) {
  std::string head, tail;
  encodeReportParts(rep, head, tail);
  return writeFrameParts(fd, MsgType::kDone, {head, rep.output, tail}, peer);
}

Result<ChunkReport> decodeReport(std::string_view payload) {
  ByteReader r(payload);
  ChunkReport rep;
  rep.chunk_id = r.u64();
  rep.lines = r.u64();
  rep.records = r.u64();
  rep.matched = r.u64();
  rep.output = r.bytes();
  rep.exec_error = r.bytes();
  rep.exec_fatal = r.u64() != 0;
  rep.held_output = r.u64();
  rep.exec_stderr = r.bytes();
  rep.partial = r.bytes();
  rep.piece_skip = r.u64();
  rep.piece_end = r.u64();
  rep.piece_decoded = r.u64();
  rep.input_error = r.bytes();
  rep.cut_bytes = r.u64();
  rep.piece_open = r.u64() != 0;
  uint64_t rows = r.u64();
  if (r.failed() || rows > payload.size() / sizeof(uint64_t))
    return malformed("report");
  rep.row_lines.resize(rows);
  for (uint64_t& line : rep.row_lines) line = r.u64();
  uint64_t n = r.u64();
  // Each entry takes at least 32 bytes: a count beyond that is corrupt.
  if (r.failed() || n > payload.size() / 32) return malformed("report");
  rep.bad.resize(n);
  for (BadRecord& b : rep.bad) {
    b.line = r.u64();
    b.offset = r.u64();
    b.reason = r.bytes();
    b.raw = r.bytes();
  }
  if (r.failed() || !r.atEnd()) return malformed("report");
  return rep;
}

std::string encodeChunkId(uint64_t id) {
  ByteWriter w;
  w.u64(id);
  return std::move(w.str());
}

Result<uint64_t> decodeChunkId(std::string_view payload) {
  ByteReader r(payload);
  uint64_t id = r.u64();
  if (r.failed() || !r.atEnd()) return malformed("emit");
  return id;
}

std::string encodeEmitted(const Emitted& e) {
  ByteWriter w;
  w.u64(e.chunk_id);
  w.u32(e.status.ok() ? 0 : static_cast<uint32_t>(e.status.code()));
  w.bytes(e.status.ok() ? std::string() : e.status.message());
  return std::move(w.str());
}

Result<Emitted> decodeEmitted(std::string_view payload) {
  ByteReader r(payload);
  Emitted e;
  e.chunk_id = r.u64();
  uint32_t code = r.u32();
  std::string_view text = r.bytes();
  if (r.failed() || !r.atEnd()) return malformed("emitted");
  if (code != 0)
    e.status = Status::error(static_cast<ExitCode>(code), std::string(text));
  return e;
}

}  // namespace clusterproc
