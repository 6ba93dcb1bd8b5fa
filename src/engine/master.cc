#include "master.h"

#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <string_view>

#include "console.h"
#include "messages.h"
#include "progress.h"
#include "signals.h"
#include "sys.h"

namespace clusterproc {

namespace {

constexpr size_t kMaxInFlight = 2;  // one chunk being scanned, one queued

std::string workerName(unsigned index, pid_t pid) {
  return "worker " + std::to_string(index) + " (pid " + std::to_string(pid) +
         ")";
}

}  // namespace

Master::Master(const Job& job, const Query& query,
               const std::vector<Input>& inputs, ShmRing* ring,
               WorkerLauncher& launcher, BadRecordReporter& reporter,
               ResultSink& sink)
    : job_(job),
      inputs_(inputs),
      launcher_(launcher),
      reporter_(reporter),
      sink_(sink),
      ctx_{&job, &query, &inputs, ring},
      source_(inputs, ring, job.chunk_size,
              job.chunk_size ? job.chunk_size : kDefaultChunkSize, job.workers),
      state_(makeJobState(job, query)),
      recovery_(job.retries,
                [this](const Assign& a) {
                  return a.slot == kNoSlot ? inputs_[a.input].data + a.offset
                                           : ctx_.ring->slot(a.slot) + a.offset;
                }),
      signals_(&processSignals()) {
  source_.setAutoChunkCap(autoChunkCap(job));
  source_.setFlushAfter(std::chrono::milliseconds(job.flush_after_ms));
  source_.setCountLines(usesLine(query));
  // line() needs the lines before a chunk when it is handed out; --unordered
  // would print the rows of pieces decoded past damage before it is found.
  // With one worker, the master decoding while the worker parses keeps two
  // cores busy; one worker doing both would use one (docs/performance.md).
  const char* decode = std::getenv(kDecodeEnv);
  source_.setWorkerDecode(job.workers >= 2 && !usesLine(query) &&
                          !job.unordered &&
                          !(decode && std::string_view(decode) == "master"));
  if (wantsDirectOutput(job, ring != nullptr) && held_.open()) {
    ctx_.direct_out = &sink.output();
    ctx_.emit_mark = held_.mark();
  }
}

void Master::setRanges(std::vector<InputRange> ranges, uint64_t first_id) {
  source_.setRanges(std::move(ranges), first_id);
  merger_ = OrderedMerger(first_id);
  produced_ = first_id;
  order_end_ = first_id;  // a resumed state holds positions of chunks before it
}

Status Master::setCheckpoint(Checkpoint* checkpoint,
                             std::vector<InputRange> ranges) {
  checkpoint_ = checkpoint;
  if (!checkpoint->resume()) {
    setRanges(std::move(ranges), 0);
    return Status();
  }
  const CheckpointResume& r = *checkpoint->resume();
  Status s = state_->mergeSerialized(r.state);
  if (!s.ok()) return s;
  totals_ = r.totals;
  resumed_bytes_ = r.totals.bytes;
  position_ = r.position;
  have_position_ = true;
  setRanges(checkpoint->remaining(std::move(ranges)), r.position.next_chunk);
  return Status();
}

Status Master::mergeState(uint64_t id, std::string& partial) {
  // In chunk order, so that the state is always that of chunks [0, k) (a
  // checkpoint saves it); the merge itself does not depend on order.
  if (!partial.empty()) {
    Status s = state_->mergeSerialized(partial);
    if (!s.ok()) return s;
    partial.clear();
  }
  for (const std::string& p : recovery_.takeProbeStates(id)) {
    Status s = state_->mergeSerialized(p);
    if (!s.ok()) return s;
  }
  return Status();
}

Status Master::chunkMerged(const ChunkMeta& m, uint64_t id) {
  merged_bytes_ += m.size;
  if (checkpoint_ == nullptr) return Status();
  position_ =
      CheckpointPosition{m.input, m.offset + m.size, line_base_, id + 1};
  have_position_ = true;
  RunTotals t = totals_;
  t.bytes = resumed_bytes_ + merged_bytes_;
  Status s = checkpoint_->chunkMerged(position_, t, *state_);
  if (!s.ok()) return s;
  if (checkpoint_->signalNow()) ::raise(SIGINT);  // test hook
  return Status();
}

void Master::saveInterrupted() {
  if (checkpoint_ == nullptr || !have_position_) return;
  RunTotals t = totals_;
  t.bytes = resumed_bytes_ + merged_bytes_;
  Status s = checkpoint_->save(position_, t, *state_);
  if (s.ok()) {
    console().say("progress saved in " + checkpoint_->path() +
                  "; run the same command again to resume");
  } else {
    console().warn("the checkpoint was not saved: " + s.message());
  }
}

Status Master::passStderr(std::string& text) {
  // --exec: a successful command's stderr, chunk by chunk in input order
  // (as its stdout), straight to our stderr; stdout is never involved.
  Status s = console().passThrough(text);
  text.clear();
  return s;
}

Status Master::inputError() const {
  const Status& e = source_.inputError();
  if (e.ok()) return e;
  uint32_t input = source_.currentInput();
  uint64_t lines = merge_input_ == input ? line_base_ : source_.lineBase(input);
  std::string what = e.message() + "; the " + std::to_string(lines) +
                     " whole lines (" +
                     std::to_string(source_.inputPosition()) +
                     " bytes) before it were processed";
  if (source_.cutLineBytes() > 0) {
    what += ", the line it cut (" + std::to_string(source_.cutLineBytes()) +
            " bytes) is not a record";
  }
  return Status::error(e.code(), what);
}

Status Master::startWorker(Worker& w) {
  WorkerContext ctx = ctx_;
  ctx.index = next_index_;
  Result<WorkerHandle> h = launcher_.start([ctx](int cmd_fd, int result_fd) {
    return runWorker(ctx, cmd_fd, result_fd);
  });
  if (!h.ok()) return h.status();
  w.handle = h.value();
  w.index = next_index_++;
  w.in = FrameBuffer();
  w.in_flight.clear();
  w.finish_sent = false;
  w.done = false;
  return Status();
}

Status Master::startWorkers() {
  workers_.resize(job_.workers);
  for (Worker& w : workers_) {
    Status s = startWorker(w);
    if (!s.ok()) return s;
  }
  return Status();
}

Master::Worker* Master::leastBusy() {
  Worker* best = nullptr;
  for (Worker& w : workers_) {
    if (w.done || w.finish_sent || w.in_flight.size() >= kMaxInFlight) continue;
    if (best == nullptr || w.in_flight.size() < best->in_flight.size())
      best = &w;
  }
  return best;
}

Status Master::sendAssign(Worker& w, const Assign& a) {
  // Booked first: if the worker turns out to be dead, the chunk is re-run.
  w.in_flight.push_back(a.chunk_id);
  assigned_[a.chunk_id] = a;
  Status s = writeFrame(w.handle.cmd_fd, MsgType::kAssign, encodeAssign(a),
                        workerName(w.index, w.handle.pid));
  if (!s.ok()) return workerLost(w, "its pipe closed");
  return Status();
}

Status Master::dispatch() {
  need_read_ = false;
  for (;;) {
    Worker* w = leastBusy();
    if (w == nullptr) return Status();
    Assign a;
    if (recovery_.next(a)) {
      Status s = sendAssign(*w, a);
      if (!s.ok()) return s;
      continue;
    }
    Result<bool> sent = produceFor(*w);
    if (!sent.ok()) return sent.status();
    if (!sent.value()) return Status();
  }
}

Result<bool> Master::produceFor(Worker& w) {
  // Bound how far production runs ahead of the in-order merge.
  const uint64_t window = 4ull * job_.workers + 8;
  for (;;) {
    if (source_done_ || produced_ - merger_.next() >= window) return false;
    Assign a;
    ChunkMeta m;
    ChunkSource::State st = source_.next(a, m);
    if (st == ChunkSource::State::kDone) source_done_ = true;
    if (st == ChunkSource::State::kNeedRead) need_read_ = true;
    if (st != ChunkSource::State::kReady) return false;
    a.order_id = a.chunk_id;
    order_end_ = std::max(order_end_, a.order_id + 1);
    ++produced_;
    meta_[a.chunk_id] = m;
    if (!m.oversized) {
      Status s = sendAssign(w, a);
      if (!s.ok()) return s;
      return true;
    }
    Status s = reportOversized(a);
    if (!s.ok()) return s;
  }
}

Status Master::reportOversized(const Assign& a) {
  // A stream line beyond --max-record never reaches a worker.
  ChunkReport r;
  r.chunk_id = a.chunk_id;
  r.lines = 1;
  r.bad.push_back(BadRecord{1, 0,
                            "record longer than --max-record (" +
                                std::to_string(job_.max_record) + " bytes)",
                            ""});
  merger_.insert(std::move(r));
  return drainMerged();
}

Status Master::drainMerged() {
  bool merged = false;
  while (!stop_ && !emitting_) {
    std::optional<ChunkReport> r = merger_.pop();
    if (!r) break;
    merged = true;
    auto it = meta_.find(r->chunk_id);
    ChunkMeta m = it->second;
    meta_.erase(it);
    if (Status s = mergeReport(*r, m); !s.ok()) return s;
  }
  // Whoever reads standard output (a terminal, `| grep`) gets each batch now.
  if (merged && isStreamingJob(job_)) return sink_.endBatch();
  return Status();
}

Status Master::mergeReport(ChunkReport& r, ChunkMeta& m) {
  if (m.voided) return Status();  // decoded from no member start
  if (m.piece && r.piece_open) {
    // Its last member goes on past its end: the next piece did not start a
    // member, nor may those after it (their starts are unchecked). The
    // master decodes on from this piece's start, a member start.
    for (auto& [id, later] : meta_) later.voided |= id > r.chunk_id;
    source_.resumeSerial(m.input, m.offset,
                         m.input == merge_input_ ? decoded_base_ : 0);
    return Status();
  }
  if (m.input != merge_input_) {
    merge_input_ = m.input;
    line_base_ = source_.lineBase(m.input);
    decoded_base_ = 0;
  }
  if (m.piece) {
    // Decoded by the worker: where its lines are in the decoded input is
    // known now, in order (the pieces before it are merged).
    m.offset = decoded_base_ + r.piece_skip;
    m.size = r.piece_end > r.piece_skip ? r.piece_end - r.piece_skip : 0;
  }
  // Direct output: its worker writes it; the rest, its state included, is
  // merged once it is out.
  if (r.held_output > 0) return startEmit(r, m);
  if (Status s = mergeState(r.chunk_id, r.partial); !s.ok()) return s;
  if (!r.exec_error.empty()) {
    return Status::error(
        ExitCode::kWorkerFailed,
        "--exec '" + job_.exec + "' failed on " + inputs_[m.input].name +
            " lines " + std::to_string(line_base_ + 1) + "-" +
            std::to_string(line_base_ + r.lines) + ": " + r.exec_error);
  }
  uint64_t cut =
      UINT64_MAX;  // bad records after the last row kept are not seen
  if (isStreamingJob(job_)) {
    Result<bool> full = sink_.addChunk(r.output, r.row_lines, cut);
    if (!full.ok()) return full.status();
    stop_ = full.value();
    if (!stop_) cut = UINT64_MAX;
  }
  return mergeRest(r, m, cut);
}

Status Master::mergeRest(ChunkReport& r, const ChunkMeta& m, uint64_t cut) {
  if (Status s = passStderr(r.exec_stderr); !s.ok()) return s;
  totals_.records += r.records;
  totals_.matched += r.matched;
  totals_.lines += r.lines;
  if (Status s = reportBad(r, m, cut); !s.ok()) return s;
  line_base_ += r.lines;
  if (m.piece) {
    if (!r.input_error.empty()) {
      // Damage: the input ends at it, after the whole lines before it;
      // what later pieces gave (decoded meanwhile) is dropped.
      source_.addBytes(r.piece_end + r.cut_bytes);
      source_.failAt(m.input, Status::error(ExitCode::kInput, r.input_error),
                     decoded_base_ + r.piece_end, r.cut_bytes);
      stop_ = true;
      return Status();
    }
    source_.addBytes(r.piece_decoded);
    decoded_base_ += r.piece_decoded;
    if (inputs_[m.input].compression == Compression::kGzip)
      source_.pieceMerged();
  }
  return chunkMerged(m, r.chunk_id);
}

Status Master::startEmit(ChunkReport& r, const ChunkMeta& m) {
  // What the master buffered goes out before the worker writes.
  if (Status s = sink_.output().flushNow(); !s.ok()) return s;
  const uint64_t id = r.chunk_id;
  size_t slot = 0;
  if (!held_.holder(id, slot)) {
    return Status::error(ExitCode::kWorkerFailed,
                         "no worker holds the output of chunk " +
                             std::to_string(id) + " (a bug)");
  }
  Worker& w = workers_[slot];
  emitting_.emplace(Emitting{std::move(r), m});
  Status s = writeFrame(w.handle.cmd_fd, MsgType::kEmit, encodeChunkId(id),
                        workerName(w.index, w.handle.pid));
  if (!s.ok()) return workerLost(w, "its pipe closed");
  return Status();
}

Status Master::onEmitted(Worker& w, std::string_view payload) {
  Result<Emitted> e = decodeEmitted(payload);
  if (!e.ok()) return e.status();
  const uint64_t id = e.value().chunk_id;
  size_t slot = 0;
  if (!emitting_ || emitting_->report.chunk_id != id ||
      !held_.holder(id, slot) || slot != slotOf(w)) {
    return Status::error(ExitCode::kWorkerFailed,
                         workerName(w.index, w.handle.pid) +
                             " wrote an output it was not asked for (chunk " +
                             std::to_string(id) + ")");
  }
  held_.release(id);
  Emitting done = std::move(*emitting_);
  emitting_.reset();
  // A failed write reads as the master's own would (a closed stdout: 141).
  if (!e.value().status.ok()) return e.value().status;
  if (Status s = mergeState(id, done.report.partial); !s.ok()) return s;
  if (Status s = mergeRest(done.report, done.meta, UINT64_MAX); !s.ok())
    return s;
  return drainMerged();
}

void Master::awaitEmit() {
  size_t slot = 0;
  if (!emitting_ || !held_.holder(emitting_->report.chunk_id, slot)) return;
  Worker& w = workers_[slot];
  while (!w.done && w.handle.result_fd >= 0) {
    pollfd fds[2] = {{w.handle.result_fd, POLLIN, 0},
                     {signals_->wakeFd(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    Result<size_t> n =
        w.in.fill(w.handle.result_fd, workerName(w.index, w.handle.pid));
    if (!n.ok() || n.value() == 0) return;
    Frame frame;
    while (w.in.next(frame)) {
      if (frame.type == MsgType::kEmitted) return;
    }
  }
}

Result<bool> Master::dropHeld(std::vector<Assign>& held,
                              const std::string& died) {
  bool emitted = false;
  for (auto it = held.begin(); it != held.end();) {
    const uint64_t id = it->chunk_id;
    if (!emitting_ || emitting_->report.chunk_id != id) {
      merger_.erase(id);      // its report waits for its turn
      assigned_[id] = *it++;  // booked again until it is done
      continue;
    }
    switch (held_.progress(id)) {
      case EmitProgress::kWritten: {
        // Out whole; only its Emitted was lost: merged as if read.
        Emitting done = std::move(*emitting_);
        emitting_.reset();
        if (Status s = mergeState(id, done.report.partial); !s.ok()) return s;
        if (Status s = mergeRest(done.report, done.meta, UINT64_MAX); !s.ok())
          return s;
        it = held.erase(it);
        emitted = true;
        break;
      }
      case EmitProgress::kBegun:
        // Part of it may be out, and no one can finish it.
        emitting_.reset();
        return Status::error(ExitCode::kWorkerFailed,
                             died + " while writing the output of " +
                                 inputs_[it->input].name + " bytes " +
                                 std::to_string(it->offset) + "-" +
                                 std::to_string(it->offset + it->size));
      case EmitProgress::kNone:
        // Its turn had come, but it wrote nothing: the chunk is next in
        // line again.
        meta_[id] = emitting_->meta;
        merger_.rewind(id);
        emitting_.reset();
        assigned_[id] = *it++;
        break;
    }
  }
  return emitted;
}

Status Master::reportBad(const ChunkReport& r, const ChunkMeta& m,
                         uint64_t cut) {
  for (const BadRecord& b : r.bad) {
    if (b.line > cut) break;
    ++totals_.bad_records;
    Status s = reporter_.report(inputs_[m.input].name, line_base_ + b.line,
                                m.offset + b.offset, b);
    if (!s.ok()) return s;
    if (job_.max_errors >= 0 &&
        totals_.bad_records > static_cast<uint64_t>(job_.max_errors)) {
      return Status::error(ExitCode::kBadRecords,
                           "stopped after " +
                               std::to_string(totals_.bad_records) +
                               " bad records (--max-errors " +
                               std::to_string(job_.max_errors) + ")");
    }
  }
  return Status();
}

std::string Master::describeChunk(uint64_t id) const {
  auto a = assigned_.find(id);
  if (a == assigned_.end()) return "chunk " + std::to_string(id);
  auto m = meta_.find(a->second.order_id);
  if (m == meta_.end()) return "chunk " + std::to_string(id);
  if (a->second.slot == kPieceSlot) {
    return inputs_[m->second.input].name + " compressed bytes " +
           std::to_string(a->second.offset) + "-" +
           std::to_string(a->second.offset + a->second.size);
  }
  // Mapped inputs: offsets are the file's; ring slots: relative to the chunk.
  uint64_t from = a->second.slot == kNoSlot
                      ? a->second.offset
                      : m->second.offset + a->second.offset;
  return inputs_[m->second.input].name + " bytes " + std::to_string(from) +
         "-" + std::to_string(from + a->second.size);
}

void Master::requeue(uint64_t id, bool crashed, const std::string& how) {
  Assign a = assigned_.at(id);
  if (id & kProbeBit) assigned_.erase(id);  // a chunk stays booked until done
  if (!recovery_.requeue(a, crashed, how) && piece_failure_.ok()) {
    // Its bytes exist only in the workers that decode them: the master
    // cannot split them into probes.
    piece_failure_ = Status::error(
        ExitCode::kWorkerFailed,
        "workers keep dying (" + how + ") on " + describeChunk(id) +
            ", decoded by the workers; records that kill workers are "
            "isolated only in inputs the master reads or decodes");
  }
}

Status Master::workerLost(Worker& w, const std::string& why) {
  std::string name = workerName(w.index, w.handle.pid);
  std::string end = launcher_.reap(w.handle);
  // A worker killed by SIGBUS read past the end of a file that shrank.
  for (const Input& in : inputs_) {
    if (Status s = checkNotShrunk(in); !s.ok()) return s;
  }
  std::string how = end.empty() ? why : end;
  std::string msg = name + " died (" + how + ")";
  // Direct output: the outputs it held are gone with it.
  std::vector<Assign> held = held_.takeHeldBy(slotOf(w));
  Result<bool> emitted = dropHeld(held, msg);
  if (!emitted.ok()) return emitted.status();
  if (!w.in_flight.empty()) {
    msg += " while processing " + describeChunk(w.in_flight.front());
  } else if (!held.empty()) {
    msg += " while holding the output of " + describeChunk(held[0].chunk_id);
  }
  if (!recovery_.death(produced_)) {
    return Status::error(ExitCode::kWorkerFailed,
                         msg + "; giving up after " +
                             std::to_string(recovery_.deaths()) +
                             " worker deaths");
  }
  console().warn(msg + "; running it again");
  // The chunks whose outputs it held run again too; they did not kill it.
  for (const Assign& a : held) requeue(a.chunk_id, false, how);
  bool first = true;
  for (uint64_t id : w.in_flight) {
    requeue(id, first, how);
    first = false;
  }
  w.in_flight.clear();
  if (!piece_failure_.ok()) return piece_failure_;
  for (ChunkReport& full : recovery_.takeFinished()) {
    Status s = chunkDone(std::move(full));
    if (!s.ok()) return s;
  }
  if (Status s = startWorker(w); !s.ok()) return s;
  // An output written whole before its worker died: the merge goes on.
  return emitted.value() ? drainMerged() : Status();
}

Status Master::chunkDone(ChunkReport report) {
  uint64_t id = report.chunk_id;
  assigned_.erase(id);
  recovery_.chunkDone(id);
  if (report.exec_fatal) {
    // The command cannot run at all: no point in waiting for the chunks
    // before this one, they say the same.
    return Status::error(ExitCode::kWorkerFailed,
                         "--exec '" + job_.exec + "': " + report.exec_error);
  }
  if (job_.unordered && report.exec_error.empty()) {
    // --unordered: the command's output goes out now, not in chunk order.
    Status s = sink_.writeRaw(report.output);
    if (s.ok()) s = sink_.endBatch();
    if (!s.ok()) return s;
    report.output.clear();
    s = passStderr(report.exec_stderr);
    if (!s.ok()) return s;
  }
  source_.release(meta_.at(id).slot);
  merger_.insert(std::move(report));
  return drainMerged();
}

Status Master::onDone(Worker& w, std::string_view payload) {
  Result<ChunkReport> r = decodeReport(payload);
  if (!r.ok()) return r.status();
  uint64_t id = r.value().chunk_id;
  if (w.in_flight.empty() || w.in_flight.front() != id) {
    return Status::error(
        ExitCode::kWorkerFailed,
        workerName(w.index, w.handle.pid) +
            " reported an unexpected chunk (id " + std::to_string(id) +
            ", expected " +
            (w.in_flight.empty() ? std::string("none")
                                 : std::to_string(w.in_flight.front())) +
            ")");
  }
  w.in_flight.pop_front();
  if (r.value().held_output > 0) held_.hold(slotOf(w), assigned_.at(id));
  if (!(id & kProbeBit)) return chunkDone(std::move(r.value()));
  assigned_.erase(id);
  std::optional<ChunkReport> full = recovery_.probeDone(std::move(r.value()));
  return full ? chunkDone(std::move(*full)) : Status();
}

Status Master::onFrame(Worker& w, const Frame& frame) {
  switch (frame.type) {
    case MsgType::kDone:
      return onDone(w, frame.payload);
    case MsgType::kEmitted:
      return onEmitted(w, frame.payload);
    case MsgType::kInputError:  // a file that shrank: a short pread
      return Status::error(ExitCode::kInput, std::string(frame.payload));
    case MsgType::kFailure:
      return Status::error(ExitCode::kWorkerFailed,
                           workerName(w.index, w.handle.pid) + ": " +
                               std::string(frame.payload));
    default:
      return Status::error(
          ExitCode::kWorkerFailed,
          workerName(w.index, w.handle.pid) + " sent an unknown message");
  }
}

Status Master::onReadable(Worker& w) {
  Result<size_t> n =
      w.in.fill(w.handle.result_fd, workerName(w.index, w.handle.pid));
  if (!n.ok()) return n.status();
  Frame frame;
  while (!w.done && w.in.next(frame)) {
    Status s = onFrame(w, frame);
    if (!s.ok()) return s;
  }
  if (n.value() == 0 && !w.done) {
    if (!w.finish_sent) return workerLost(w, "its pipe closed");
    // Told to finish: it must have ended cleanly.
    w.done = true;
    std::string name = workerName(w.index, w.handle.pid);
    std::string end = launcher_.reap(w.handle);
    if (!end.empty())
      return Status::error(ExitCode::kWorkerFailed,
                           name + " ended with " + end);
  }
  return Status();
}

Status Master::finishWorkers() {
  for (Worker& w : workers_) {
    if (w.done || w.finish_sent) continue;
    Status s = writeFrame(w.handle.cmd_fd, MsgType::kFinish, {},
                          workerName(w.index, w.handle.pid));
    if (!s.ok()) return workerLost(w, "its pipe closed");
    w.finish_sent = true;
  }
  return Status();
}

bool Master::drained() const {
  return source_done_ && merger_.next() == produced_ && recovery_.idle() &&
         !emitting_;
}

bool Master::allDone() const {
  for (const Worker& w : workers_) {
    if (!w.done) return false;
  }
  return true;
}

Status Master::pollOnce() {
  std::vector<pollfd> fds;
  fds.push_back({signals_->wakeFd(), POLLIN, 0});
  std::vector<unsigned> polled;  // which worker each entry is
  for (const Worker& w : workers_) {
    fds.push_back({w.done ? -1 : w.handle.result_fd, POLLIN, 0});
    polled.push_back(w.index);
  }
  int stream_fd = need_read_ ? source_.readFd() : -1;
  bool read_now = need_read_ && stream_fd < 0;  // decoded bytes are waiting
  fds.push_back({stream_fd, POLLIN, 0});
  // While progress is shown, wake up to redraw it even when nothing happens.
  int timeout = read_now ? 0 : progress_ ? progress_->pollTimeoutMs() : -1;
  if (need_read_ && !read_now) timeout = untilFlush(timeout);
  int r = ::poll(fds.data(), fds.size(), timeout);
  if (r < 0) {
    if (errno == EINTR) return Status();
    return Status::error(ExitCode::kWorkerFailed,
                         errnoText("poll", "worker pipes"));
  }
  if (fds[0].revents != 0) {
    char buf[64];
    while (::read(fds[0].fd, buf, sizeof buf) > 0) {
    }
  }
  if (signals_->pending() != 0) return Status();
  for (size_t i = 0; i < workers_.size(); ++i) {
    // A worker replaced meanwhile (found dead while another's report was
    // handled: direct output writes to other workers' pipes) was not polled.
    if (fds[i + 1].revents == 0 || workers_[i].done ||
        workers_[i].index != polled[i])
      continue;
    Status s = onReadable(workers_[i]);
    if (!s.ok()) return s;
  }
  if (read_now || fds.back().revents != 0) return source_.readMore();
  return Status();
}

int Master::untilFlush(int timeout_ms) const {
  // A partly filled slot of a live stream is handed on at its deadline.
  auto deadline = source_.flushDeadline();
  if (!deadline) return timeout_ms;
  auto left = std::chrono::ceil<std::chrono::milliseconds>(
      *deadline - std::chrono::steady_clock::now());
  int ms = static_cast<int>(std::max<int64_t>(0, left.count()));
  return timeout_ms < 0 ? ms : std::min(timeout_ms, ms);
}

void Master::showProgress() {
  if (progress_ == nullptr || !progress_->enabled()) return;
  ProgressSample p;
  // Bytes handed out but not yet reported back are not done.
  uint64_t pending = 0;
  for (const auto& [id, a] : assigned_) {
    if (!(id & kProbeBit)) pending += a.size;
  }
  p.bytes = source_.bytes() > pending ? source_.bytes() - pending : 0;
  p.records = totals_.records;
  p.bad_records = totals_.bad_records;
  for (const Worker& w : workers_) p.busy += !w.done && !w.in_flight.empty();
  progress_->update(p);
}

Status Master::run() {
  // Reports of streaming jobs (--exec output, --where rows: up to a chunk
  // each) are decoded into fresh strings and freed once written: keep such
  // blocks in the heap instead of mapping and faulting in zeroed pages for
  // every chunk (--exec cat: about 20 % less CPU, docs/performance.md).
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 64 << 20);
  Status s = startWorkers();
  while (s.ok() && !stop_) {
    if (int sig = signals_->pending()) {
      s = interruptedBy(sig);
      saveInterrupted();
      break;
    }
    s = dispatch();
    if (!s.ok()) break;
    if (drained()) {
      s = finishWorkers();
      if (!s.ok() || allDone()) break;
    }
    s = pollOnce();
    showProgress();
  }
  if (!s.ok() || stop_) {
    // An interrupt stops at once; other errors let the output end at the
    // end of a chunk.
    if (!s.ok() && signals_->pending() == 0) awaitEmit();
    launcher_.killAll();
    if (!s.ok()) return s;
  }
  totals_.bytes = resumed_bytes_ + source_.bytes();
  totals_.rows = sink_.rows();
  // One answer over part of the input would pass for the answer: none.
  if (!render_ || (!source_.inputError().ok() && !isStreamingJob(job_)))
    return Status();
  std::vector<std::string> rows;
  state_->render(rows, totals_);
  for (std::string& row : rows) {
    s = sink_.addRow(std::move(row));
    if (!s.ok()) return s;
  }
  return Status();
}

}  // namespace clusterproc
