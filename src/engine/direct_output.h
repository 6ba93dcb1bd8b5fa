#pragma once
// --exec with direct output (docs/architecture.md, "Direct output"): a worker
// keeps the output of each chunk's command and writes it to the run's output
// itself when the master says it is that chunk's turn (an Emit frame,
// answered by Emitted), so that outputs never travel through the master.
// Here: when a run does it, the master's ledger of who holds which output
// (with the shared word that tells whether a dead worker began writing one),
// and the worker's store of outputs with the reader of its command pipe that
// serves turns while a command runs.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "channel.h"
#include "job.h"
#include "messages.h"
#include "output.h"

namespace clusterproc {

/// Environment variable: "master" makes every --exec output travel through
/// the master (the path before direct output), for measurements and tests.
inline constexpr const char* kExecOutputEnv = "CLUSTERPROC_EXEC_OUTPUT";

/// Whether the workers write job's --exec outputs themselves: in chunk order
/// (not --unordered) and without stream input (a stream's ring slot is
/// reused once its chunk is reported, so a chunk whose held output died with
/// its worker could not run again), unless kExecOutputEnv says "master".
bool wantsDirectOutput(const Job& job, bool stream_input);

/// How far the writing of a held output went, as the word shared between
/// the master and the workers says (HeldLedger::mark()). Turns are given one
/// at a time, so one word tells it of the chunk whose turn it is.
enum class EmitProgress {
  kNone,     ///< not a byte of it is out
  kBegun,    ///< part of it may be out
  kWritten,  ///< all of it is out (its Emitted may not have been read)
};

/// A worker's mark in the shared word: kBegun just before the first byte of
/// chunk id's output goes out, kWritten once the last one did.
void markEmit(uint64_t* mark, uint64_t id, EmitProgress p);

/// The master's side: which worker slot holds the output of which chunk,
/// with its assignment (to run it again if that worker dies first), and the
/// word shared with the workers (mapped before they are forked) that tells
/// how far a worker that died in its turn went (EmitProgress).
class HeldLedger {
 public:
  HeldLedger() = default;
  ~HeldLedger();
  HeldLedger(const HeldLedger&) = delete;
  HeldLedger& operator=(const HeldLedger&) = delete;

  /// Maps the shared word; false when it cannot be (then outputs travel
  /// through the master: a worker's death could not be told from a cut
  /// output).
  bool open();
  /// The shared word (WorkerContext::emit_mark); null unless open().
  uint64_t* mark() const { return mark_; }
  /// How far the writing of chunk id's output went.
  EmitProgress progress(uint64_t id) const;
  /// The worker in slot holds the output of a's chunk.
  void hold(size_t slot, const Assign& a) { held_[a.chunk_id] = {slot, a}; }
  /// The slot that holds the output of chunk id; false if none does.
  bool holder(uint64_t id, size_t& slot) const;
  /// The output of chunk id is written (or lost): forgotten.
  void release(uint64_t id) { held_.erase(id); }
  /// The outputs the worker in slot held (it died), by chunk id; forgotten.
  std::vector<Assign> takeHeldBy(size_t slot);

 private:
  struct Entry {
    size_t slot = 0;
    Assign assign;
  };
  std::map<uint64_t, Entry> held_;
  uint64_t* mark_ = nullptr;
};

/// A worker's side: the outputs it holds until their turn, and spent
/// buffers kept for the next command (their room is faulted in already).
class HeldOutputs {
 public:
  /// out: the run's output (the worker's copy, inherited across fork());
  /// mark: HeldLedger::mark(); Emitted frames go to result_fd.
  HeldOutputs(OutputFile* out, uint64_t* mark, int result_fd)
      : out_(out), mark_(mark), result_fd_(result_fd) {}
  /// Keeps the output of chunk id; returns a buffer for the next command.
  std::string keep(uint64_t id, std::string output);
  /// Writes the output of chunk id and tells the master how that went;
  /// false when the master is gone or asked for an output not held here.
  bool emit(uint64_t id);

 private:
  OutputFile* out_;
  uint64_t* mark_;
  int result_fd_;
  std::map<uint64_t, std::string> held_;
  std::vector<std::string> spare_;
};

/// The worker's end of the command pipe. While a command runs, the pump
/// reads ahead (PumpHook, exec_runner.h): an Emit is served at once, so that
/// the output whose turn it is never waits for this worker's current chunk;
/// an Assign or Finish waits in the queue for the worker's loop.
class CommandInbox {
 public:
  CommandInbox(int fd, HeldOutputs& held) : fd_(fd), held_(held) {}
  /// Reads once what the pipe holds and serves the Emits in it; false when
  /// the master is gone (or an Emit could not be served).
  bool pull();
  /// The next Assign or Finish (type, payload), waiting for it; false when
  /// the master is gone.
  bool next(MsgType& type, std::string& payload);

 private:
  int fd_;
  HeldOutputs& held_;
  FrameBuffer buf_;
  std::deque<std::pair<MsgType, std::string>> queued_;
  bool gone_ = false;
};

}  // namespace clusterproc
