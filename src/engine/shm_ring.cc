#include "shm_ring.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>
#include <chrono>

namespace clusterproc {

namespace bip = boost::interprocess;

struct ShmRing::Region {
  bip::mapped_region region;
};

namespace {

constexpr size_t kPadding = 64;  // simdjson reads up to 64 bytes past a record
constexpr size_t kPage = 4096;

size_t roundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }

std::string uniqueName() {
  static std::atomic<unsigned> counter{0};
  auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return "clusterproc-" + std::to_string(::getpid()) + "-" +
         std::to_string(static_cast<unsigned long long>(now) % 1000000007ull) +
         "-" + std::to_string(counter++);
}

}  // namespace

Result<std::unique_ptr<ShmRing>> ShmRing::create(size_t slots, size_t chunk,
                                                 size_t max_record) {
  std::unique_ptr<ShmRing> ring(new ShmRing());
  ring->slots_ = slots;
  ring->chunk_ = chunk;
  // Room for a record of max_record bytes plus its "\r\n" after a chunk.
  ring->capacity_ = chunk + max_record + 2;
  ring->stride_ = roundUp(ring->capacity_ + kPadding, kPage);
  ring->name_ = uniqueName();
  try {
    bip::shared_memory_object shm(bip::create_only, ring->name_.c_str(),
                                  bip::read_write);
    try {
      // tmpfs allocates pages on first touch: the long-record tail of each
      // slot costs nothing until a long record arrives.
      shm.truncate(static_cast<bip::offset_t>(ring->stride_ * slots));
      ring->region_.reset(new Region{bip::mapped_region(shm, bip::read_write)});
    } catch (...) {
      bip::shared_memory_object::remove(ring->name_.c_str());
      throw;
    }
    bip::shared_memory_object::remove(ring->name_.c_str());
  } catch (const bip::interprocess_exception& e) {
    return Status::error(
        ExitCode::kInput,
        "cannot create shared memory segment " + ring->name_ + ": " + e.what());
  }
  ring->base_ = static_cast<char*>(ring->region_->region.get_address());
  return ring;
}

ShmRing::~ShmRing() = default;

void ShmRing::trim(size_t i, size_t in_use) const {
  size_t keep = roundUp(std::max(chunk_, in_use) + kPadding, kPage);
  if (keep >= stride_) return;
  // MADV_REMOVE frees the tmpfs pages behind the range (shared mappings only).
  ::madvise(slot(i) + keep, stride_ - keep, MADV_REMOVE);
}

}  // namespace clusterproc
