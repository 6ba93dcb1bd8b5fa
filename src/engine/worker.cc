#include "worker.h"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <string>

#include "bisection.h"
#include "channel.h"
#include "chunk_reader.h"
#include "chunker.h"
#include "direct_output.h"
#include "exec_runner.h"
#include "explode.h"
#include "job_state.h"
#include "messages.h"
#include "piece_decoder.h"
#include "query.h"
#include "record_scanner.h"

namespace clusterproc {

namespace {

/// How much of a failed --exec command's stderr its error message shows.
constexpr size_t kErrTail = 4096;

void sendFailure(int fd, const std::string& what) {
  (void)writeFrame(fd, MsgType::kFailure, what, "master");
}

/// Line and (non-blank) record counts of a chunk that is not parsed.
void countLines(const char* data, size_t size, ChunkReport& report) {
  LineCursor cursor(data, size);
  Line line;
  while (cursor.next(line)) report.records += !line.blank;
  report.matched = report.records;
  report.lines = cursor.count();
}

/// --exec: runs the command on input (the chunk's lines) and puts its
/// output in report.output, retrying a failed command; a last failure goes
/// in exec_error. buf is the worker's output buffer: swapped into the
/// report, and taken back by the caller once the report is sent. hook:
/// served while the command runs.
void runExec(const WorkerContext& ctx, std::string_view input,
             bool stable_input, std::string& buf, ChunkReport& report,
             const PumpHook& hook) {
  std::vector<std::pair<std::string, std::string>> env = {
      {"CLUSTERPROC_CHUNK", std::to_string(report.chunk_id)},
      {"CLUSTERPROC_WORKER", std::to_string(ctx.index)}};
  for (unsigned attempt = 0;; ++attempt) {
    Result<ExecOutcome> r =
        runShell(ctx.job->exec, input, env, stable_input, buf, &hook);
    if (!r.ok()) {
      report.exec_error = r.status().message();
      return;
    }
    ExecOutcome& o = r.value();
    if (o.ok) {
      report.output.swap(buf);
      report.exec_stderr = std::move(o.err);
      return;
    }
    if (o.exit_status == 126 || o.exit_status == 127) {
      // The shell could not find or run the command: retrying cannot help,
      // and every chunk would say the same. One line, its last.
      report.exec_fatal = true;
      report.exec_error = "the command cannot be run (" + o.how + ")";
      std::string_view err(o.err);
      while (!err.empty() && (err.back() == '\n' || err.back() == '\r'))
        err.remove_suffix(1);
      if (size_t nl = err.rfind('\n'); nl != std::string_view::npos)
        err.remove_prefix(nl + 1);
      if (!err.empty())
        report.exec_error += ": " + std::string(err.substr(0, 400));
      return;
    }
    if (attempt >= ctx.job->retries) {
      report.exec_error =
          o.how + " after " + std::to_string(attempt + 1) + " attempt(s)";
      if (!o.err.empty()) {
        // The end of its stderr (a few KB).
        size_t from = o.err.size() > kErrTail ? o.err.size() - kErrTail : 0;
        report.exec_error += "; its stderr ends with:\n" + o.err.substr(from);
      }
      return;
    }
  }
}

}  // namespace

int runWorker(const WorkerContext& ctx, int cmd_fd, int result_fd) {
  // A command that stops reading its input must not kill the worker.
  ::signal(SIGPIPE, SIG_IGN);
  // Chunk-sized buffers (--exec output, reports) are freed and allocated
  // again for every chunk: keep them in the heap rather than unmapping or
  // trimming them and faulting fresh zeroed pages in each time.
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 64 << 20);
  // Large reports (--exec, --where output) in fewer writes and wake-ups.
  ::fcntl(result_fd, F_SETPIPE_SZ, 1 << 20);  // best effort
  try {
    std::unique_ptr<JobState> state = makeJobState(*ctx.job, *ctx.query);
    RecordScanner scanner(*state, ctx.query->where, ctx.job->max_record,
                          !ctx.job->bad_records_path.empty());
    Exploder exploder(ctx.query->explode);
    if (!ctx.query->explode.empty()) scanner.setExploder(&exploder);
    if (ctx.query->star)
      scanner.requireObjects(
          "--select '*' takes an object's members; this record is ");
    ChunkReader reader;    // chunks of regular files, read with pread
    PieceDecoder decoder;  // pieces of compressed files
    std::string exec_buf;  // --exec output, reused from chunk to chunk
    HeldOutputs held(ctx.direct_out, ctx.emit_mark, result_fd);
    CommandInbox inbox(cmd_fd, held);
    const PumpHook hook{cmd_fd, [&inbox] { return inbox.pull(); }};
    // --exec alone: the chunk's bytes go to the command as they are, without
    // parsing; a regular file's through the mapping, whose pages the
    // command's stdin pipe takes by reference (vmsplice): cheaper than a
    // copy into our buffer and another into the pipe (docs/performance.md).
    const bool exec_alone = ctx.job->kind == JobKind::kExec &&
                            ctx.query->where.empty() &&
                            ctx.query->explode.empty();
    MsgType type;
    std::string payload;
    for (;;) {
      if (!inbox.next(type, payload)) return 1;  // the master is gone
      if (type == MsgType::kFinish) return 0;
      if (type != MsgType::kAssign) {
        sendFailure(result_fd, "unexpected message type " +
                                   std::to_string(static_cast<uint32_t>(type)));
        return 1;
      }
      Result<Assign> a = decodeAssign(payload);
      if (!a.ok()) {
        sendFailure(result_fd, a.status().message());
        return 1;
      }
      const Assign& job = a.value();
      const char* data;
      size_t readable;
      size_t size = job.size;
      bool stable = false;  // bytes that never change: a read-only mapping
      ChunkReport report;
      report.chunk_id = job.chunk_id;
      if (job.slot == kPieceSlot) {
        const Input& in = (*ctx.inputs)[job.input];
        Result<DecodedPiece> piece =
            decoder.decode(in, job.offset, job.offset + job.size);
        if (!piece.ok()) {
          sendFailure(result_fd, piece.status().message());
          return 1;
        }
        const DecodedPiece& p = piece.value();
        if (p.open) {
          // Its bytes are decoded again by the master: nothing to scan.
          report.piece_open = true;
          if (!writeReport(result_fd, report, "master").ok()) return 1;
          continue;
        }
        report.piece_skip = p.skip;
        report.piece_end = p.end;
        report.piece_decoded = p.decoded;
        report.input_error = p.error;
        report.cut_bytes = p.cut;
        data = p.data + p.skip;
        readable = p.readable - p.skip;
        size = p.end > p.skip ? p.end - p.skip : 0;
      } else if (job.slot == kNoSlot) {
        Result<ChunkBytes> bytes = reader.get((*ctx.inputs)[job.input],
                                              job.offset, job.size, exec_alone);
        if (!bytes.ok()) {
          (void)writeFrame(result_fd, MsgType::kInputError,
                           bytes.status().message(), "master");
          return 1;
        }
        data = bytes.value().data;
        readable = bytes.value().readable;
        stable = bytes.value().mapped;
      } else {
        data = ctx.ring->slot(job.slot) + job.offset;
        readable = ctx.ring->readable() - job.offset;
      }
      if (exec_alone) {
        countLines(data, size, report);
        std::string_view lines(data, size);
        // An input's last line without a newline gets one when other output
        // can follow it (a next input; any chunk with --unordered): else
        // the command's output would run into that output. The run's very
        // last line stays as it is, so that --exec cat gives the input back.
        std::string closed;
        if (!lines.empty() && lines.back() != '\n' &&
            (ctx.job->unordered || job.input + 1 < ctx.inputs->size())) {
          closed.reserve(lines.size() + 1);
          closed.assign(lines).push_back('\n');
          lines = closed;
        }
        runExec(ctx, lines, stable && closed.empty(), exec_buf, report, hook);
      } else {
        const std::string& name = (*ctx.inputs)[job.input].name;
        scanner.setOrigin(job.slot >= kPieceSlot || name != "(stdin)"
                              ? std::string_view(name)
                              : "-",
                          job.file_line + job.line_base);
        scanner.scan(data, size, readable, job.order_id, job.line_base, report);
        report.partial = state->takePartial();
        if (ctx.job->kind == JobKind::kExec) {
          std::string lines = std::move(report.output);
          report.output.clear();
          runExec(ctx, lines, false, exec_buf, report, hook);
        }
      }
      if (stable && !report.exec_error.empty()) {
        // The command lost its input under vmsplice: a file that shrank is
        // an input error, as a short pread is.
        Status s = checkNotShrunk((*ctx.inputs)[job.input]);
        if (!s.ok()) {
          (void)writeFrame(result_fd, MsgType::kInputError, s.message(),
                           "master");
          return 1;
        }
      }
      // Keep a worker's resident memory flat: forget the scanned pages.
      if (stable)
        dropMapped((*ctx.inputs)[job.input], job.offset, job.offset + job.size,
                   4u << 20);
      if (ctx.direct_out != nullptr && !(job.chunk_id & kProbeBit) &&
          report.exec_error.empty() && !report.output.empty()) {
        // Direct output: kept here until its turn (an Emit); the report
        // says only how much there is.
        report.held_output = report.output.size();
        exec_buf = held.keep(job.chunk_id, std::move(report.output));
        report.output.clear();
      }
      Status s = writeReport(result_fd, report, "master");
      if (!s.ok()) return 1;
      if (ctx.job->kind == JobKind::kExec && exec_buf.empty())
        exec_buf.swap(report.output);
    }
  } catch (const std::exception& e) {
    sendFailure(result_fd, std::string("worker error: ") + e.what());
  } catch (...) {
    sendFailure(result_fd, "worker error");
  }
  return 1;
}

}  // namespace clusterproc
