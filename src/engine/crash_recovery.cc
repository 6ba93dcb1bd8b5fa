#include "crash_recovery.h"

#include <utility>

namespace clusterproc {

namespace {

/// Worker deaths tolerated beyond a few per chunk mean that something other
/// than the records is killing them (memory, a bug): the run gives up.
constexpr unsigned kDeathsPerChunk = 4;
constexpr unsigned kDeathsAnyway = 64;

}  // namespace

CrashRecovery::CrashRecovery(unsigned retries, BytesOf bytes)
    : retries_(retries), bytes_(std::move(bytes)) {}

bool CrashRecovery::next(Assign& a) {
  if (!retry_.empty()) {
    a = retry_.front();
    retry_.pop_front();
    return true;
  }
  for (auto& [parent, b] : bisections_) {
    uint64_t id = kProbeBit | next_probe_;
    if (b.nextProbe(id, a)) {
      ++next_probe_;
      probe_parent_[id] = parent;
      return true;
    }
  }
  return false;
}

bool CrashRecovery::requeue(const Assign& a, bool crashed,
                            const std::string& how) {
  uint64_t id = a.chunk_id;
  if (id & kProbeBit) {
    uint64_t parent = probe_parent_.at(id);
    probe_parent_.erase(id);
    Bisection& b = bisections_.at(parent);
    if (crashed) {
      b.probeCrashed(id, how);
    } else {
      b.probeLost(id);
    }
    return true;
  }
  if (crashed && ++attempts_[id] > retries_) {
    if (a.slot == kPieceSlot) return false;
    // The chunk keeps killing workers: find the records that do it.
    bisections_.emplace(id, Bisection(a, bytes_(a)));
    return true;
  }
  if (crashed) {
    retry_.push_front(a);
  } else {
    retry_.push_back(a);
  }
  return true;
}

bool CrashRecovery::death(uint64_t produced) {
  return ++deaths_ <= kDeathsAnyway + kDeathsPerChunk * produced;
}

std::optional<ChunkReport> CrashRecovery::probeDone(ChunkReport report) {
  uint64_t id = report.chunk_id;
  uint64_t parent = probe_parent_.at(id);
  if (!report.partial.empty())
    probe_states_[parent].push_back(std::move(report.partial));
  probe_parent_.erase(id);
  Bisection& b = bisections_.at(parent);
  b.probeDone(id, std::move(report));
  if (!b.finished()) return std::nullopt;
  ChunkReport full = b.assemble();
  bisections_.erase(parent);
  return full;
}

std::vector<ChunkReport> CrashRecovery::takeFinished() {
  // A bisection may be complete already (all its probes crashed).
  std::vector<ChunkReport> out;
  for (auto it = bisections_.begin(); it != bisections_.end();) {
    if (!it->second.finished()) {
      ++it;
      continue;
    }
    out.push_back(it->second.assemble());
    it = bisections_.erase(it);
  }
  return out;
}

std::vector<std::string> CrashRecovery::takeProbeStates(uint64_t id) {
  auto it = probe_states_.find(id);
  if (it == probe_states_.end()) return {};
  std::vector<std::string> out = std::move(it->second);
  probe_states_.erase(it);
  return out;
}

}  // namespace clusterproc
