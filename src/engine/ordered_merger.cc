#include "ordered_merger.h"

#include <cassert>

namespace clusterproc {

void OrderedMerger::insert(ChunkReport report) {
  assert(report.chunk_id >= next_);
  uint64_t id = report.chunk_id;
  pending_.emplace(id, std::move(report));
}

std::optional<ChunkReport> OrderedMerger::pop() {
  auto it = pending_.begin();
  if (it == pending_.end() || it->first != next_) return std::nullopt;
  ChunkReport r = std::move(it->second);
  pending_.erase(it);
  ++next_;
  return r;
}

}  // namespace clusterproc
