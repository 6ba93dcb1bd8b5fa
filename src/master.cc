#include "master.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <cerrno>

#include "messages.h"
#include "signals.h"
#include "sys.h"

namespace clusterproc {

namespace {

constexpr size_t kMaxInFlight = 2;  // one chunk being scanned, one queued

std::string workerName(unsigned index, pid_t pid) {
  return "worker " + std::to_string(index) + " (pid " + std::to_string(pid) + ")";
}

Status interrupted(int sig) {
  ExitCode code = sig == SIGINT   ? ExitCode::kInterrupted
                  : sig == SIGHUP ? ExitCode::kHangup
                                  : ExitCode::kTerminated;
  const char* name = sigabbrev_np(sig);
  return Status::error(code, std::string("interrupted by SIG") + (name ? name : "?"));
}

}  // namespace

Master::Master(const Job& job, const Query& query, const std::vector<Input>& inputs,
               ShmRing* ring, WorkerLauncher& launcher, BadRecordReporter& reporter,
               ResultSink& sink)
    : job_(job),
      inputs_(inputs),
      launcher_(launcher),
      reporter_(reporter),
      sink_(sink),
      ctx_{&job, &query, &inputs, ring},
      source_(inputs, ring, job.chunk_size,
              job.chunk_size ? job.chunk_size : kDefaultChunkSize, job.max_record,
              job.workers),
      state_(makeJobState(job, query)) {}

Status Master::startWorkers() {
  for (unsigned i = 0; i < job_.workers; ++i) {
    WorkerContext ctx = ctx_;
    ctx.index = i;
    Result<WorkerHandle> h = launcher_.start(
        [ctx](int cmd_fd, int result_fd) { return runWorker(ctx, cmd_fd, result_fd); });
    if (!h.ok()) return h.status();
    Worker w;
    w.handle = h.value();
    w.index = i;
    workers_.push_back(std::move(w));
  }
  return Status();
}

Master::Worker* Master::leastBusy() {
  Worker* best = nullptr;
  for (Worker& w : workers_) {
    if (w.done || w.finish_sent || w.in_flight.size() >= kMaxInFlight) continue;
    if (best == nullptr || w.in_flight.size() < best->in_flight.size()) best = &w;
  }
  return best;
}

Status Master::sendAssign(Worker& w, const Assign& a) {
  Status s = writeFrame(w.handle.cmd_fd, MsgType::kAssign, encodeAssign(a),
                        workerName(w.index, w.handle.pid));
  if (!s.ok()) return workerLost(w, "its pipe closed");
  w.in_flight.push_back(a.chunk_id);
  assigned_[a.chunk_id] = a;
  return Status();
}

Status Master::dispatch() {
  // Bound how far production runs ahead of the in-order merge.
  const uint64_t window = 4ull * job_.workers + 8;
  need_read_ = false;
  while (!source_done_ && produced_ - merger_.next() < window) {
    Worker* w = leastBusy();
    if (w == nullptr) return Status();
    Assign a;
    ChunkMeta m;
    ChunkSource::State st = source_.next(a, m);
    if (st == ChunkSource::State::kDone) {
      source_done_ = true;
      break;
    }
    if (st == ChunkSource::State::kNeedRead) need_read_ = true;
    if (st != ChunkSource::State::kReady) return Status();
    ++produced_;
    meta_[a.chunk_id] = m;
    if (m.oversized) {
      // A stream line beyond --max-record never reaches a worker.
      ChunkReport r;
      r.chunk_id = a.chunk_id;
      r.lines = 1;
      r.bad.push_back(BadRecord{1, 0,
                                "record longer than --max-record (" +
                                    std::to_string(job_.max_record) + " bytes)",
                                ""});
      merger_.insert(std::move(r));
      Status s = drainMerged();
      if (!s.ok()) return s;
      continue;
    }
    Status s = sendAssign(*w, a);
    if (!s.ok()) return s;
  }
  return Status();
}

Status Master::drainMerged() {
  while (!stop_) {
    std::optional<ChunkReport> r = merger_.pop();
    if (!r) break;
    auto it = meta_.find(r->chunk_id);
    ChunkMeta m = it->second;
    meta_.erase(it);
    if (m.input != merge_input_) {
      merge_input_ = m.input;
      line_base_ = 0;
    }
    if (!r->exec_error.empty()) {
      return Status::error(ExitCode::kWorkerFailed,
                           "--exec '" + job_.exec + "' failed on " + inputs_[m.input].name +
                               " lines " + std::to_string(line_base_ + 1) + "-" +
                               std::to_string(line_base_ + r->lines) + ": " + r->exec_error);
    }
    uint64_t cut = UINT64_MAX;  // bad records after the last row kept are not seen
    if (isStreamingJob(job_)) {
      Result<bool> full = sink_.addChunk(r->output, r->row_lines, cut);
      if (!full.ok()) return full.status();
      stop_ = full.value();
      if (!stop_) cut = UINT64_MAX;
    }
    totals_.records += r->records;
    totals_.matched += r->matched;
    totals_.lines += r->lines;
    for (const BadRecord& b : r->bad) {
      if (b.line > cut) break;
      ++totals_.bad_records;
      Status s = reporter_.report(inputs_[m.input].name, line_base_ + b.line,
                                  m.offset + b.offset, b);
      if (!s.ok()) return s;
      if (job_.max_errors >= 0 &&
          totals_.bad_records > static_cast<uint64_t>(job_.max_errors)) {
        return Status::error(ExitCode::kBadRecords,
                             "stopped after " + std::to_string(totals_.bad_records) +
                                 " bad records (--max-errors " +
                                 std::to_string(job_.max_errors) + ")");
      }
    }
    line_base_ += r->lines;
  }
  return Status();
}

std::string Master::describeChunk(uint64_t id) const {
  auto a = assigned_.find(id);
  if (a == assigned_.end()) return "chunk " + std::to_string(id);
  const ChunkMeta& m = meta_.at(id);
  return inputs_[m.input].name + " bytes " + std::to_string(m.offset) + "-" +
         std::to_string(m.offset + a->second.size);
}

Status Master::workerLost(Worker& w, const std::string& why) {
  std::string name = workerName(w.index, w.handle.pid);
  std::string end = launcher_.reap(w.handle);
  std::string msg = name + " died";
  msg += end.empty() ? " (" + why + ")" : " (" + end + ")";
  if (!w.in_flight.empty()) msg += " while processing " + describeChunk(w.in_flight.front());
  w.done = true;
  launcher_.killAll();
  return Status::error(ExitCode::kWorkerFailed, msg);
}

Status Master::onFrame(Worker& w, const Frame& frame) {
  switch (frame.type) {
    case MsgType::kDone: {
      Result<ChunkReport> r = decodeReport(frame.payload);
      if (!r.ok()) return r.status();
      uint64_t id = r.value().chunk_id;
      if (w.in_flight.empty() || w.in_flight.front() != id) {
        return Status::error(ExitCode::kWorkerFailed,
                             workerName(w.index, w.handle.pid) + " reported an unexpected chunk");
      }
      w.in_flight.pop_front();
      assigned_.erase(id);
      if (job_.unordered && r.value().exec_error.empty()) {
        // --unordered: the command's output goes out now, not in chunk order.
        Status s = sink_.writeRaw(r.value().output);
        if (!s.ok()) return s;
        r.value().output.clear();
      }
      source_.release(meta_.at(id).slot);
      merger_.insert(std::move(r.value()));
      return drainMerged();
    }
    case MsgType::kPartial: {
      Status s = state_->mergeSerialized(frame.payload);
      if (!s.ok()) return s;
      w.done = true;
      std::string end = launcher_.reap(w.handle);
      if (!end.empty()) {
        return Status::error(ExitCode::kWorkerFailed,
                             workerName(w.index, w.handle.pid) + " ended with " + end);
      }
      return Status();
    }
    case MsgType::kFailure:
      return Status::error(ExitCode::kWorkerFailed, workerName(w.index, w.handle.pid) +
                                                        ": " + std::string(frame.payload));
    default:
      return Status::error(ExitCode::kWorkerFailed,
                           workerName(w.index, w.handle.pid) + " sent an unknown message");
  }
}

Status Master::onReadable(Worker& w) {
  Result<size_t> n = w.in.fill(w.handle.result_fd, workerName(w.index, w.handle.pid));
  if (!n.ok()) return n.status();
  Frame frame;
  while (!w.done && w.in.next(frame)) {
    Status s = onFrame(w, frame);
    if (!s.ok()) return s;
  }
  if (n.value() == 0 && !w.done) return workerLost(w, "its pipe closed");
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

bool Master::allDone() const {
  for (const Worker& w : workers_) {
    if (!w.done) return false;
  }
  return true;
}

Status Master::pollOnce() {
  std::vector<pollfd> fds;
  fds.push_back({signalWakeFd(), POLLIN, 0});
  for (const Worker& w : workers_) {
    fds.push_back({w.done ? -1 : w.handle.result_fd, POLLIN, 0});
  }
  int stream_fd = need_read_ ? source_.readFd() : -1;
  bool read_now = need_read_ && stream_fd < 0;  // decoded bytes are waiting
  fds.push_back({stream_fd, POLLIN, 0});
  int r = ::poll(fds.data(), fds.size(), read_now ? 0 : -1);
  if (r < 0) {
    if (errno == EINTR) return Status();
    return Status::error(ExitCode::kWorkerFailed, errnoText("poll", "worker pipes"));
  }
  if (fds[0].revents != 0) {
    char buf[64];
    while (::read(fds[0].fd, buf, sizeof buf) > 0) {
    }
  }
  if (pendingSignal() != 0) return Status();
  for (size_t i = 0; i < workers_.size(); ++i) {
    if (fds[i + 1].revents == 0 || workers_[i].done) continue;
    Status s = onReadable(workers_[i]);
    if (!s.ok()) return s;
  }
  if (read_now || fds.back().revents != 0) return source_.readMore();
  return Status();
}

Status Master::run() {
  Status s = startWorkers();
  while (s.ok() && !stop_) {
    if (int sig = pendingSignal()) {
      s = interrupted(sig);
      break;
    }
    s = dispatch();
    if (!s.ok()) break;
    if (source_done_ && merger_.next() == produced_) {
      s = finishWorkers();
      if (!s.ok() || allDone()) break;
    }
    s = pollOnce();
  }
  if (!s.ok() || stop_) {
    launcher_.killAll();
    if (!s.ok()) return s;
  }
  totals_.bytes = source_.bytes();
  totals_.rows = sink_.rows();
  std::vector<std::string> rows;
  state_->render(rows, totals_);
  for (std::string& row : rows) {
    s = sink_.addRow(std::move(row));
    if (!s.ok()) return s;
  }
  return Status();
}

}  // namespace clusterproc
