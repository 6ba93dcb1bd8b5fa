#pragma once
// The ring of chunk slots in one POSIX shared-memory segment. Stream input
// (stdin, pipes) is read by the master straight into a slot; workers parse
// the slot in place. The segment's name is unlinked right after mapping, so
// nothing is left in /dev/shm even if the master is killed with SIGKILL; the
// forked workers inherit the mapping.

#include <cstddef>
#include <memory>
#include <string>

#include "status.h"

namespace clusterproc {

/// A fixed number of slots of equal capacity. A slot's first `chunk` bytes
/// are the normal fill; the rest (up to chunk + max record) is touched only
/// by records longer than a chunk, and is given back to the system after use.
class ShmRing {
 public:
  /// Creates, maps and unlinks a uniquely named segment.
  static Result<std::unique_ptr<ShmRing>> create(size_t slots, size_t chunk,
                                                 size_t max_record);
  ~ShmRing();

  size_t slots() const { return slots_; }
  /// Bytes a slot may hold (chunk + max record), padding excluded.
  size_t capacity() const { return capacity_; }
  /// Bytes readable from the start of a slot (capacity plus parser padding).
  size_t readable() const { return stride_; }
  char* slot(size_t i) const { return base_ + i * stride_; }
  /// Gives back the memory of slot i beyond max(chunk, in_use) bytes, after a
  /// record longer than a chunk grew it, so the footprint stays at chunk size.
  void trim(size_t i, size_t in_use) const;
  /// The name the segment had while it was linked (for diagnostics).
  const std::string& name() const { return name_; }

 private:
  ShmRing() = default;
  struct Region;
  std::unique_ptr<Region> region_;
  std::string name_;
  char* base_ = nullptr;
  size_t slots_ = 0;
  size_t chunk_ = 0;
  size_t capacity_ = 0;
  size_t stride_ = 0;
};

}  // namespace clusterproc
