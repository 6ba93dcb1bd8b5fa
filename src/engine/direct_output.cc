#include "direct_output.h"

#include <sys/mman.h>

#include <cstdlib>
#include <string_view>

namespace clusterproc {

bool wantsDirectOutput(const Job& job, bool stream_input) {
  const char* v = std::getenv(kExecOutputEnv);
  if (v != nullptr && std::string_view(v) == "master") return false;
  return job.kind == JobKind::kExec && !job.unordered && !stream_input;
}

namespace {

/// In the shared word with chunk id + 1: the output is written whole (ids
/// of chunks, unlike those of bisection probes, are below 2^63).
constexpr uint64_t kWrittenBit = 1ull << 63;

}  // namespace

void markEmit(uint64_t* mark, uint64_t id, EmitProgress p) {
  if (mark == nullptr || p == EmitProgress::kNone) return;
  const uint64_t v =
      p == EmitProgress::kWritten ? (id + 1) | kWrittenBit : id + 1;
  __atomic_store_n(mark, v, __ATOMIC_SEQ_CST);
}

HeldLedger::~HeldLedger() {
  if (mark_ != nullptr) ::munmap(mark_, sizeof *mark_);
}

bool HeldLedger::open() {
  void* p = ::mmap(nullptr, sizeof *mark_, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  mark_ = static_cast<uint64_t*>(p);
  return true;
}

EmitProgress HeldLedger::progress(uint64_t id) const {
  const uint64_t v =
      mark_ != nullptr ? __atomic_load_n(mark_, __ATOMIC_SEQ_CST) : 0;
  if (v == ((id + 1) | kWrittenBit)) return EmitProgress::kWritten;
  return v == id + 1 ? EmitProgress::kBegun : EmitProgress::kNone;
}

bool HeldLedger::holder(uint64_t id, size_t& slot) const {
  auto it = held_.find(id);
  if (it == held_.end()) return false;
  slot = it->second.slot;
  return true;
}

std::vector<Assign> HeldLedger::takeHeldBy(size_t slot) {
  std::vector<Assign> out;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->second.slot != slot) {
      ++it;
      continue;
    }
    out.push_back(it->second.assign);
    it = held_.erase(it);
  }
  return out;
}

std::string HeldOutputs::keep(uint64_t id, std::string output) {
  held_.emplace(id, std::move(output));
  if (spare_.empty()) return std::string();
  std::string buf = std::move(spare_.back());
  spare_.pop_back();
  return buf;
}

bool HeldOutputs::emit(uint64_t id) {
  auto it = held_.find(id);
  if (it == held_.end() || out_ == nullptr) {
    (void)writeFrame(result_fd_, MsgType::kFailure,
                     "asked to write the output of chunk " +
                         std::to_string(id) + ", which it does not hold",
                     "master");
    return false;
  }
  // If this worker dies from here on, part of the output may be out: the
  // master must not run the chunk again. Once it is out whole, the master
  // need not read the Emitted to know it.
  markEmit(mark_, id, EmitProgress::kBegun);
  Emitted e{id, out_->writeNow(it->second)};
  if (e.status.ok()) markEmit(mark_, id, EmitProgress::kWritten);
  spare_.push_back(std::move(it->second));
  held_.erase(it);
  return writeFrame(result_fd_, MsgType::kEmitted, encodeEmitted(e), "master")
      .ok();
}

bool CommandInbox::pull() {
  if (gone_) return false;
  Result<size_t> n = buf_.fill(fd_, "master");
  if (!n.ok() || n.value() == 0) {
    gone_ = true;
    return false;
  }
  Frame frame;
  while (buf_.next(frame)) {
    if (frame.type != MsgType::kEmit) {
      queued_.emplace_back(frame.type, std::string(frame.payload));
      continue;
    }
    Result<uint64_t> id = decodeChunkId(frame.payload);
    if (!id.ok() || !held_.emit(id.value())) {
      gone_ = true;
      return false;
    }
  }
  return true;
}

bool CommandInbox::next(MsgType& type, std::string& payload) {
  while (queued_.empty()) {
    if (!pull()) return false;
  }
  type = queued_.front().first;
  payload = std::move(queued_.front().second);
  queued_.pop_front();
  return true;
}

}  // namespace clusterproc
