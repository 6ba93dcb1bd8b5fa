#include "bisection.h"

#include <algorithm>
#include <cstring>

namespace clusterproc {

Bisection::Bisection(const Assign& parent, const char* data)
    : parent_(parent), data_(data) {
  // Line starts as LineCursor counts lines: a final line without '\n' too.
  for (size_t pos = 0; pos < parent.size;) {
    starts_.push_back(pos);
    const void* nl = std::memchr(data + pos, '\n', parent.size - pos);
    pos = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) + 1
             : parent.size;
  }
  size_t lines = starts_.size();
  starts_.push_back(parent.size);
  // The whole chunk already failed: start with its two halves.
  if (lines > 1) {
    todo_.push_back({0, lines / 2});
    todo_.push_back({lines / 2, lines});
  } else if (lines == 1) {
    todo_.push_back({0, 1});
  }
}

bool Bisection::nextProbe(uint64_t id, Assign& probe) {
  if (todo_.empty()) return false;
  Range r = todo_.front();
  todo_.pop_front();
  running_[id] = r;
  probe = parent_;
  probe.chunk_id = id;
  probe.order_id = parent_.chunk_id;
  probe.offset = parent_.offset + starts_[r.first];
  probe.size = starts_[r.end] - starts_[r.first];
  probe.line_base = r.first;
  return true;
}

void Bisection::probeDone(uint64_t id, ChunkReport report) {
  auto it = running_.find(id);
  if (it == running_.end()) return;
  done_[it->second.first] = std::move(report);
  running_.erase(it);
}

void Bisection::probeCrashed(uint64_t id, const std::string& how) {
  auto it = running_.find(id);
  if (it == running_.end()) return;
  Range r = it->second;
  running_.erase(it);
  if (r.end - r.first == 1) {
    BadRecord bad;
    bad.line = r.first + 1;
    bad.offset = starts_[r.first];
    bad.reason = "worker crashed (" + how + ")";
    std::string_view raw(data_ + starts_[r.first],
                         starts_[r.end] - starts_[r.first]);
    while (!raw.empty() && (raw.back() == '\n' || raw.back() == '\r'))
      raw.remove_suffix(1);
    bad.raw.assign(raw);
    poison_.push_back(std::move(bad));
    return;
  }
  size_t mid = r.first + (r.end - r.first) / 2;
  todo_.push_front({mid, r.end});
  todo_.push_front({r.first, mid});
}

void Bisection::probeLost(uint64_t id) {
  auto it = running_.find(id);
  if (it == running_.end()) return;
  todo_.push_front(it->second);
  running_.erase(it);
}

ChunkReport Bisection::assemble() {
  ChunkReport out;
  out.chunk_id = parent_.chunk_id;
  out.lines = starts_.size() - 1;
  for (auto& [first, rep] : done_) {
    out.records += rep.records;
    out.matched += rep.matched;
    for (BadRecord& b : rep.bad) {
      b.line += first;
      b.offset += starts_[first];
      out.bad.push_back(std::move(b));
    }
    out.output += rep.output;
    for (uint64_t line : rep.row_lines) out.row_lines.push_back(line + first);
    if (out.exec_error.empty()) out.exec_error = rep.exec_error;
  }
  for (BadRecord& b : poison_) out.bad.push_back(std::move(b));
  std::stable_sort(
      out.bad.begin(), out.bad.end(),
      [](const BadRecord& a, const BadRecord& b) { return a.line < b.line; });
  return out;
}

}  // namespace clusterproc
