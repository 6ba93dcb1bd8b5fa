#pragma once
// Releases chunk reports in chunk order, whatever order they arrive in.

#include <cstdint>
#include <map>
#include <optional>

#include "chunk_report.h"

namespace clusterproc {

/// Holds reports that arrived early until every earlier chunk is in.
class OrderedMerger {
 public:
  /// first: the id of the first chunk (a resumed run continues the ids).
  explicit OrderedMerger(uint64_t first = 0) : next_(first) {}
  /// Accepts the report of a chunk not yet merged (ids are unique).
  void insert(ChunkReport report);
  /// The report of the next chunk in order, if it has arrived.
  std::optional<ChunkReport> pop();
  /// Forgets the report of chunk id (to be run again); false if it is not
  /// waiting here.
  bool erase(uint64_t id) { return pending_.erase(id) > 0; }
  /// Takes back the last pop() (of chunk id, whose report is dropped: it
  /// runs again), so that id is the next chunk to merge once more.
  void rewind(uint64_t id) {
    if (id + 1 == next_) next_ = id;
  }
  /// Id of the next chunk to merge.
  uint64_t next() const { return next_; }
  /// Reports waiting for an earlier chunk.
  size_t waiting() const { return pending_.size(); }

 private:
  std::map<uint64_t, ChunkReport> pending_;
  uint64_t next_ = 0;
};

}  // namespace clusterproc
