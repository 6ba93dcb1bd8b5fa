#include "chunk_source.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "chunker.h"
#include "gzip_members.h"
#include "job.h"
#include "sys.h"

namespace clusterproc {

ChunkSource::ChunkSource(const std::vector<Input>& inputs, ShmRing* ring,
                         uint64_t chunk_size, uint64_t stream_chunk,
                         unsigned workers)
    : inputs_(inputs),
      ring_(ring),
      chunk_size_(chunk_size),
      stream_chunk_(stream_chunk),
      workers_(workers) {
  if (ring_ != nullptr) {
    for (uint32_t i = 0; i < ring_->slots(); ++i) free_slots_.push_back(i);
    high_water_.assign(ring_->slots(), 0);
  }
}

void ChunkSource::setRanges(std::vector<InputRange> ranges, uint64_t first_id) {
  assert(ranges.size() == inputs_.size() && input_ == 0 && next_id_ == 0);
  ranges_ = std::move(ranges);
  next_id_ = first_id;
  if (!inputs_.empty() && inputs_[0].mapped) pos_ = ranges_[0].begin;
  input_lines_ = lineBase(0);
}

void ChunkSource::endInput() {
  ++input_;
  pos_ = 0;
  if (input_ < ranges_.size() && inputs_[input_].mapped)
    pos_ = ranges_[input_].begin;
  input_lines_ = lineBase(static_cast<uint32_t>(input_));
  frame_ = 0;
  scanned_.clear();
  scanned_done_ = false;
  unmerged_pieces_ = 0;
  resumed_.reset();
  skip_line_ = false;
  slot_ = -1;
  filled_ = 0;
  carry_len_ = 0;
  eof_ = false;
  discarding_ = false;
  discarded_ = 0;
  armed_ = false;
  overdue_ = false;
}

bool ChunkSource::flushDue() {
  if (armed_ && std::chrono::steady_clock::now() >= deadline_) {
    armed_ = false;
    overdue_ = true;
  }
  // Only bytes not yet searched can hold a newline that was not there before.
  return overdue_ && filled_ > no_newline_;
}

ChunkSource::State ChunkSource::next(Assign& assign, ChunkMeta& meta) {
  while (input_ < inputs_.size()) {
    const Input& in = inputs_[input_];
    State s = in.mapped ? nextMapped(in, assign, meta)
              : worker_decode_ && !resumed_ && !piecesOf(in).empty()
                  ? nextPiece(in, assign, meta)
                  : nextStream(assign, meta);
    if (s != State::kDone) return s;
    // An input that ended at an error ends the run once every byte read
    // before the error (the filled slot, the carried line) is out as chunks.
    if (!error_.ok()) return State::kDone;
    endInput();
  }
  return State::kDone;
}

namespace {

// Bytes of a UTF-8 byte-order mark at p: an input's first chunk starts after
// it (line numbers stay: it is on line 1).
uint64_t bomLength(const char* p, uint64_t size) {
  return size >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

}  // namespace

ChunkSource::State ChunkSource::nextMapped(const Input& in, Assign& assign,
                                           ChunkMeta& meta) {
  const uint64_t limit =
      input_ < ranges_.size() ? ranges_[input_].end : in.size;
  if (pos_ >= limit) return State::kDone;
  if (Status s = checkNotShrunk(in); !s.ok()) {
    // What was read before is processed; then the run ends with exit 2.
    error_ = s;
    return State::kDone;
  }
  // Small files get smaller chunks so that every worker has work.
  uint64_t target = chunk_size_;
  if (target == 0) {
    uint64_t span =
        limit - (input_ < ranges_.size() ? ranges_[input_].begin : 0);
    target = std::clamp<uint64_t>(span / (workers_ * 4ull), kMinAutoChunkSize,
                                  auto_cap_);
  }
  // limit is a line start (or the file's end): chunks end there. The
  // master reads only the few KB after the nominal end (pread), never the
  // chunk itself; a line longer than the chunk extends it to its newline.
  uint64_t end = limit - pos_ <= target
                     ? limit
                     : lineEndAfter(in, pos_ + target - 1, limit);
  if (in.fd < 0) dropMapped(in, end > 0 ? end - 1 : 0, end, 2u << 20);
  const uint64_t from = pos_ + (pos_ == 0 ? bomLength(in.data, end) : 0);
  assign = Assign{next_id_++, static_cast<uint32_t>(input_), kNoSlot, from,
                  end - from};
  meta = ChunkMeta{
      static_cast<uint32_t>(input_), from, end - from, kNoSlot, false, 0};
  if (count_lines_) {
    assign.file_line = input_lines_;
    input_lines_ += countNewlines(in.data + pos_, end - pos_);
  }
  bytes_ += end - pos_;
  pos_ = end;
  return State::kReady;
}

const std::vector<CompressedFrame>& ChunkSource::piecesOf(const Input& in) {
  if (!in.frames.empty()) return in.frames;
  if (!scanned_done_) {
    scanned_done_ = true;
    // Regular files only (data and an fd for the workers' pread).
    if (in.compression == Compression::kGzip && in.data != nullptr &&
        in.fd >= 0)
      scanned_ = findGzipCandidates(in);
  }
  return scanned_;
}

ChunkSource::State ChunkSource::nextPiece(const Input& in, Assign& assign,
                                          ChunkMeta& meta) {
  const std::vector<CompressedFrame>& frames = piecesOf(in);
  if (frame_ >= frames.size()) {
    // A gzip piece starts a member only if the one before ended one there,
    // which its worker finds out: until every piece is merged, this input
    // may still be decoded on by the master (resumeSerial()), so the next
    // input waits (kNeedSlot: for reports).
    return unmerged_pieces_ > 0 ? State::kNeedSlot : State::kDone;
  }
  // Whole frames of about a chunk's decoded bytes (a frame may hold more).
  uint64_t target = chunk_size_;
  if (target == 0) {
    uint64_t total = 0;
    for (const CompressedFrame& f : frames) total += f.decoded;
    target = std::clamp<uint64_t>(total / (workers_ * 4ull), kMinAutoChunkSize,
                                  auto_cap_);
  }
  const uint64_t begin = frames[frame_].begin;
  uint64_t decoded = 0;
  while (frame_ < frames.size() && decoded < target)
    decoded += frames[frame_++].decoded;
  const uint64_t end = frame_ < frames.size() ? frames[frame_].begin : in.size;
  assign = Assign{next_id_++, static_cast<uint32_t>(input_), kPieceSlot, begin,
                  end - begin};
  meta = ChunkMeta{
      static_cast<uint32_t>(input_), begin, end - begin, kNoSlot, false, 0};
  meta.piece = true;
  if (in.compression == Compression::kGzip) ++unmerged_pieces_;
  return State::kReady;
}

void ChunkSource::resumeSerial(uint32_t input, uint64_t begin, uint64_t pos) {
  assert(input == input_ && slot_ < 0 && carry_len_ == 0);
  const Input& in = inputs_[input];
  resumed_ = makeDecoder(in.compression, makeRangeSource(in, begin, in.size),
                         in.name, begin);
  pos_ = pos;
  // From the input's start, the byte-order mark is skipped as usual.
  skip_line_ = begin > 0;
  unmerged_pieces_ = 0;
  eof_ = false;
}

ByteSource* ChunkSource::source() const {
  if (resumed_) return resumed_.get();
  return input_ < inputs_.size() ? inputs_[input_].source.get() : nullptr;
}

void ChunkSource::failAt(uint32_t input, Status error, uint64_t position,
                         uint64_t cut) {
  input_ = input;
  error_ = std::move(error);
  pos_ = position;
  cut_line_bytes_ = cut;
}

ChunkSource::State ChunkSource::nextStream(Assign& assign, ChunkMeta& meta) {
  for (;;) {
    if (slot_ < 0) {
      if (eof_ && carry_len_ == 0) return State::kDone;
      if (free_slots_.empty()) return State::kNeedSlot;
      slot_ = free_slots_.front();
      free_slots_.pop_front();
      if (carry_len_ > 0) {
        std::memmove(ring_->slot(slot_), ring_->slot(carry_slot_) + carry_off_,
                     carry_len_);
      }
      filled_ = carry_len_;
      // The carry is the text after the last newline of its chunk.
      no_newline_ = carry_len_;
      carry_len_ = 0;
      if (high_water_[slot_] > stream_chunk_) {
        ring_->trim(static_cast<size_t>(slot_), filled_);
        high_water_[slot_] = filled_;
      }
    }
    char* base = ring_->slot(slot_);
    if (skip_line_) {
      // resumeSerial(): the first line is the piece before's (up to its
      // newline, or to the end when there is none).
      const void* nl = std::memchr(base, '\n', filled_);
      const uint64_t upto =
          nl ? static_cast<const char*>(nl) - base + 1 : filled_;
      std::memmove(base, base + upto, filled_ - upto);
      filled_ -= upto;
      pos_ += upto;
      skip_line_ = nl == nullptr;
      if (skip_line_ && !eof_) return State::kNeedRead;
    }
    if (discarding_) {
      const void* nl = std::memchr(base, '\n', filled_);
      uint64_t upto = nl ? static_cast<const char*>(nl) - base + 1 : filled_;
      if (nl == nullptr && !eof_) {
        discarded_ += filled_;
        filled_ = 0;
        return State::kNeedRead;
      }
      // The oversized line ends here: report it as one synthetic chunk.
      discarded_ += upto;
      std::memmove(base, base + upto, filled_ - upto);
      filled_ -= upto;
      meta = ChunkMeta{
          static_cast<uint32_t>(input_), pos_, 0, kNoSlot, true, discarded_};
      assign =
          Assign{next_id_++, static_cast<uint32_t>(input_), kNoSlot, pos_, 0};
      assign.file_line = input_lines_;
      input_lines_ += count_lines_ ? 1 : 0;
      pos_ += discarded_;
      discarding_ = false;
      discarded_ = 0;
      if (filled_ == 0 && eof_) {
        free_slots_.push_back(static_cast<uint32_t>(slot_));
        slot_ = -1;
      }
      return State::kReady;
    }
    if (filled_ < stream_chunk_ && !eof_ && !flushDue())
      return State::kNeedRead;
    if (filled_ == 0) {  // eof with nothing left
      free_slots_.push_back(static_cast<uint32_t>(slot_));
      slot_ = -1;
      return State::kDone;
    }
    uint64_t end = filled_;
    const bool damaged = eof_ && !error_.ok();
    if (!eof_ || damaged) {
      // Only the bytes read since the last look can hold a newline: a line
      // of a gigabyte is scanned once, not once per read.
      end = lastLineEnd(base + no_newline_, filled_ - no_newline_);
      if (end > 0) end += no_newline_;
    }
    if (damaged && end < filled_) {
      // The input broke inside this line: it is not a record (its end is
      // unknown), whatever the chunk size. Dropped, and said so.
      cut_line_bytes_ = filled_ - end;
      filled_ = end;
      if (end == 0) {
        free_slots_.push_back(static_cast<uint32_t>(slot_));
        slot_ = -1;
        return State::kDone;
      }
    }
    if (end == 0) {
      no_newline_ = filled_;
      if (filled_ < ring_->capacity()) return State::kNeedRead;
      // A line longer than --max-record: drop it up to its newline.
      ring_->trim(static_cast<size_t>(slot_), 0);
      high_water_[slot_] = 0;
      discarding_ = true;
      discarded_ = filled_;
      filled_ = 0;
      no_newline_ = 0;
      continue;
    }
    uint32_t slot = static_cast<uint32_t>(slot_);
    const uint64_t bom = pos_ == 0 ? bomLength(base, end) : 0;
    assign =
        Assign{next_id_++, static_cast<uint32_t>(input_), slot, bom, end - bom};
    meta = ChunkMeta{
        static_cast<uint32_t>(input_), pos_ + bom, end - bom, slot, false, 0};
    if (count_lines_) {
      assign.file_line = input_lines_;
      // The last line of a stream may lack its newline: it ends the input.
      input_lines_ += countNewlines(base, end);
    }
    carry_slot_ = slot;
    carry_off_ = end;
    carry_len_ = filled_ - end;
    pos_ += end;
    slot_ = -1;
    filled_ = 0;
    armed_ = false;
    overdue_ = false;
    return State::kReady;
  }
}

int ChunkSource::readFd() const {
  ByteSource* s = source();
  return s ? s->pollFd() : -1;
}

Status ChunkSource::readMore() {
  assert(slot_ >= 0);
  ByteSource& in = *source();
  // Fill up to a chunk; keep reading past it only while no line has ended.
  uint64_t want = filled_ < stream_chunk_ ? stream_chunk_ : ring_->capacity();
  Result<size_t> n = in.read(ring_->slot(slot_) + filled_, want - filled_);
  if (!n.ok()) {
    // Bad compressed data: what came before is processed, then the run
    // ends with this error (exit 2).
    error_ = n.status();
    eof_ = true;
    return Status();
  }
  if (n.value() == 0 && in.atEnd()) eof_ = true;
  if (n.value() > 0 && !armed_ && !overdue_) {
    // The first bytes since the last chunk start the clock of --flush-after.
    if (flush_after_.count() == 0) {
      overdue_ = true;
    } else {
      armed_ = true;
      deadline_ = std::chrono::steady_clock::now() + flush_after_;
    }
  }
  filled_ += n.value();
  bytes_ += n.value();
  high_water_[slot_] = std::max(high_water_[slot_], filled_);
  return Status();
}

void ChunkSource::release(uint32_t slot) {
  if (slot != kNoSlot) free_slots_.push_back(slot);
}

}  // namespace clusterproc
