#pragma once
// A WorkerLauncher for tests of the master in one process (after ninja's
// FakeCommandRunner): each worker is a scripted body on a thread, over real
// pipes and the real frame protocol. For every assignment the test's script
// says what the worker does: scan the chunk as a real worker does and report
// it, crash (the worker closes its pipe ends and is reaped as "signal 9
// (Killed)"), report another chunk id, or send a failure. With direct output
// (follow() a master's WorkerContext), --exec workers hold each chunk's
// output (its lines, as `cat` gives them back) and write it when the master
// says it is its turn, as the test's EmitScript says. FakeSignals lets a test
// say "SIGINT arrived".

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bisection.h"
#include "channel.h"
#include "direct_output.h"
#include "input.h"
#include "job.h"
#include "job_state.h"
#include "messages.h"
#include "process.h"
#include "query.h"
#include "record_scanner.h"
#include "signals.h"
#include "worker.h"

namespace clusterproc::testing {

/// What a scripted worker does with one assignment.
struct Step {
  enum class Kind {
    kReport,   ///< scan the chunk and report it, as a real worker does
    kCrash,    ///< die: close both pipe ends, reaped as signal 9
    kWrongId,  ///< report the chunk under id instead of its own
    kFail,     ///< send a Failure frame with text, exit 1
  };
  Kind kind = Kind::kReport;
  uint64_t id = 0;
  std::string text;

  static Step report() { return Step{}; }
  static Step crash() { return Step{Kind::kCrash, 0, ""}; }
  static Step wrongId(uint64_t id) { return Step{Kind::kWrongId, id, ""}; }
  static Step fail(std::string text) {
    return Step{Kind::kFail, 0, std::move(text)};
  }
};

/// What a scripted worker does when told to write a held output (Emit).
enum class EmitStep {
  kWrite,              ///< write it and say so, as a real worker does
  kCrash,              ///< die before writing a byte of it
  kCrashMidway,        ///< die after writing half of it
  kCrashAfterWriting,  ///< write it all, then die before saying so
  kBrokenPipe,         ///< answer that the write failed (the reader left)
};

/// Per Emit: worker number and chunk id. Runs on the worker's thread.
using EmitScript = std::function<EmitStep(unsigned worker, uint64_t id)>;

/// The test's script: worker number (0, 1, ... in start order, replacements
/// included), the assignment and its bytes. Runs on the worker's thread.
using Script = std::function<Step(unsigned worker, const Assign& a,
                                  std::string_view bytes)>;

/// Workers as threads; see the top of this file.
class FakeLauncher final : public WorkerLauncher {
 public:
  FakeLauncher(const Job& job, const Query& query,
               const std::vector<Input>& inputs, Script script)
      : job_(job), query_(query), inputs_(inputs), script_(std::move(script)) {
    ::signal(SIGPIPE, SIG_IGN);  // a write to a dead worker fails with EPIPE
  }
  ~FakeLauncher() override { killAll(); }

  Result<WorkerHandle> start(const WorkerBody&) override {
    int cmd[2], res[2];
    if (::pipe2(cmd, O_CLOEXEC) != 0 || ::pipe2(res, O_CLOEXEC) != 0) {
      return Status::error(ExitCode::kWorkerFailed, "pipe failed");
    }
    auto w = std::make_unique<Worker>();
    w->index = static_cast<unsigned>(workers_.size());
    w->handle =
        WorkerHandle{static_cast<pid_t>(1000 + w->index), cmd[1], res[0]};
    Worker* raw = w.get();
    w->thread = std::thread([this, raw, in = cmd[0], out = res[1]] {
      raw->end = body(raw->index, in, out);
    });
    workers_.push_back(std::move(w));
    return raw->handle;
  }

  void killAll() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& w : workers_) {
      if (!w->thread.joinable()) continue;
      closeMasterEnds(*w);
      w->thread.join();
    }
  }

  std::string reap(WorkerHandle& handle) override {
    Worker& w = *workers_.at(static_cast<size_t>(handle.pid - 1000));
    closeMasterEnds(w);
    if (w.thread.joinable()) w.thread.join();
    handle.cmd_fd = handle.result_fd = -1;
    return w.end;
  }

  /// Ids of the reports sent, in the order the workers sent them.
  std::vector<uint64_t> sent() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sent_;
  }
  /// For scripts: waits until some worker sent the report of chunk id (or
  /// the run is over).
  void waitSent(uint64_t id) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] {
      return stopping_ ||
             std::find(sent_.begin(), sent_.end(), id) != sent_.end();
    });
  }
  /// Workers started so far (replacements of dead ones included).
  size_t started() const { return workers_.size(); }
  /// Direct output: workers write to ctx.direct_out and set ctx.emit_mark as
  /// real ones do (nothing changes when the master does not use it); emit
  /// says what they do when told to write. Call before the run.
  void follow(const WorkerContext& ctx, EmitScript emit) {
    direct_out_ = ctx.direct_out;
    emit_mark_ = ctx.emit_mark;
    emit_ = std::move(emit);
  }
  /// Ids of the held outputs written, in the order they were written.
  std::vector<uint64_t> written() const {
    std::lock_guard<std::mutex> lock(mu_);
    return written_;
  }

 private:
  struct Worker {
    unsigned index = 0;
    WorkerHandle handle;
    std::thread thread;
    std::string end;  ///< how it ended, as reap() says it
  };

  static void closeMasterEnds(Worker& w) {
    for (int* fd : {&w.handle.cmd_fd, &w.handle.result_fd}) {
      if (*fd >= 0) ::close(*fd);
      *fd = -1;
    }
  }

  /// A worker's life; returns how it ended.
  std::string body(unsigned index, int in, int out) {
    std::string end = run(index, in, out);
    ::close(in);
    ::close(out);
    return end;
  }

  std::string run(unsigned index, int in, int out) {
    std::unique_ptr<JobState> state = makeJobState(job_, query_);
    RecordScanner scanner(*state, query_.where, job_.max_record,
                          !job_.bad_records_path.empty());
    std::string storage;
    std::map<uint64_t, std::string> held;  // direct output: by chunk id
    Frame frame;
    for (;;) {
      Result<bool> got = readFrame(in, storage, frame, "master");
      if (!got.ok() || !got.value())
        return "exit status 1";  // the master is gone
      if (frame.type == MsgType::kFinish) return "";
      if (frame.type == MsgType::kEmit) {
        Result<uint64_t> id = decodeChunkId(frame.payload);
        if (!id.ok() || held.count(id.value()) == 0) return "exit status 1";
        std::string end = emit(index, id.value(), held, out);
        if (!end.empty()) return end;
        continue;
      }
      Result<Assign> decoded = decodeAssign(frame.payload);
      if (!decoded.ok()) return "exit status 1";
      const Assign a = decoded.value();
      const Input& input = inputs_[a.input];
      std::string_view bytes(input.data + a.offset, a.size);
      Step step = script_(index, a, bytes);
      if (step.kind == Step::Kind::kCrash)
        return "signal 9 (" + std::string(strsignal(9)) + ")";
      if (step.kind == Step::Kind::kFail) {
        (void)writeFrame(out, MsgType::kFailure, step.text, "master");
        return "exit status 1";
      }
      ChunkReport report;
      report.chunk_id =
          step.kind == Step::Kind::kWrongId ? step.id : a.chunk_id;
      scanner.setOrigin(input.name, a.file_line + a.line_base);
      scanner.scan(bytes.data(), a.size, input.readable - a.offset, a.order_id,
                   a.line_base, report);
      report.partial = state->takePartial();
      if (direct_out_ != nullptr && job_.kind == JobKind::kExec &&
          !(report.chunk_id & kProbeBit) && !report.output.empty()) {
        report.held_output = report.output.size();
        held[report.chunk_id] = std::move(report.output);
        report.output.clear();
      }
      if (!writeReport(out, report, "master").ok()) return "exit status 1";
      {
        std::lock_guard<std::mutex> lock(mu_);
        sent_.push_back(report.chunk_id);
      }
      cv_.notify_all();
    }
  }

  /// Serves an Emit of chunk id; returns how the worker ended ("" while it
  /// goes on).
  std::string emit(unsigned index, uint64_t id,
                   std::map<uint64_t, std::string>& held, int out) {
    const std::string killed = "signal 9 (" + std::string(strsignal(9)) + ")";
    EmitStep step = emit_ ? emit_(index, id) : EmitStep::kWrite;
    if (step == EmitStep::kCrash) return killed;
    std::string_view bytes = held[id];
    markEmit(emit_mark_, id, EmitProgress::kBegun);
    if (step == EmitStep::kCrashMidway) {
      (void)direct_out_->writeNow(bytes.substr(0, bytes.size() / 2));
      return killed;
    }
    if (step == EmitStep::kBrokenPipe) {
      Emitted e{id, Status::error(ExitCode::kBrokenPipe, "broken pipe")};
      (void)writeFrame(out, MsgType::kEmitted, encodeEmitted(e), "master");
      return "";
    }
    Emitted e{id, direct_out_->writeNow(bytes)};
    if (!e.status.ok()) return "exit status 1";
    markEmit(emit_mark_, id, EmitProgress::kWritten);
    held.erase(id);
    {
      std::lock_guard<std::mutex> lock(mu_);
      written_.push_back(id);
    }
    if (step == EmitStep::kCrashAfterWriting) return killed;
    if (!writeFrame(out, MsgType::kEmitted, encodeEmitted(e), "master").ok())
      return "exit status 1";
    return "";
  }

  const Job& job_;
  const Query& query_;
  const std::vector<Input>& inputs_;
  Script script_;
  OutputFile* direct_out_ = nullptr;
  uint64_t* emit_mark_ = nullptr;
  EmitScript emit_;
  std::vector<uint64_t> written_;
  std::vector<std::unique_ptr<Worker>> workers_;  ///< by index (pid - 1000)
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<uint64_t> sent_;
  bool stopping_ = false;
};

/// Signals a test sends by hand.
class FakeSignals final : public SignalSource {
 public:
  FakeSignals() { (void)::pipe2(wake_, O_CLOEXEC | O_NONBLOCK); }
  ~FakeSignals() override {
    ::close(wake_[0]);
    ::close(wake_[1]);
  }
  /// "sig arrived" (from any thread).
  void raise(int sig) {
    int none = 0;
    signal_.compare_exchange_strong(none, sig);
    char c = 1;
    (void)!::write(wake_[1], &c, 1);
  }
  int pending() const override { return signal_.load(); }
  int wakeFd() const override { return wake_[0]; }

 private:
  std::atomic<int> signal_{0};
  int wake_[2] = {-1, -1};
};

}  // namespace clusterproc::testing
