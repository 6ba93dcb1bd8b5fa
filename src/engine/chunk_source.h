#pragma once
// Cuts the run's inputs, in order, into newline-aligned chunks. Regular files
// are cut by offsets (the master reads only the bytes after each nominal end);
// streams are read by the master in large blocks straight into free slots of
// the shared-memory ring (back-pressure: no free slot, no read).

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "input.h"
#include "job.h"
#include "messages.h"
#include "shard.h"
#include "shm_ring.h"

namespace clusterproc {

/// Environment variable: "master" makes the master decode every compressed
/// input, as for single-frame files (tests and measurements compare both).
inline constexpr const char* kDecodeEnv = "CLUSTERPROC_DECODE";

/// Where a chunk came from, kept by the master to rebase line numbers.
struct ChunkMeta {
  uint32_t input = 0;
  uint64_t offset = 0;      ///< byte offset of the chunk in its input
  uint64_t size = 0;        ///< bytes of the chunk (mapped inputs)
  uint32_t slot = kNoSlot;  ///< ring slot to release when done
  bool oversized = false;   ///< a stream line beyond --max-record, dropped
  uint64_t oversized_bytes = 0;
  /// A piece of a compressed file decoded by a worker (kPieceSlot): offset
  /// and size are known only from its report, set when it is merged.
  bool piece = false;
  /// A gzip piece after one whose last member went on past its end: it did
  /// not start a member, nor may those after it; its report is dropped.
  bool voided = false;
};

/// Produces chunks in input order.
class ChunkSource {
 public:
  /// What next() found.
  enum class State { kReady, kNeedRead, kNeedSlot, kDone };

  /// chunk_size 0 picks a size per mapped input (see chunkTarget()).
  /// The ring's slots decide how long a line of a stream may be
  /// (--max-record): a longer one comes out as an oversized chunk.
  ChunkSource(const std::vector<Input>& inputs, ShmRing* ring,
              uint64_t chunk_size, uint64_t stream_chunk, unsigned workers);

  /// Cuts only ranges[i] of mapped input i (--shard, a resumed checkpoint;
  /// stream inputs are read whole) and numbers chunks from first_id. Call
  /// before the first next().
  void setRanges(std::vector<InputRange> ranges, uint64_t first_id);
  /// The largest chunk the automatic size (chunk_size 0) gives a mapped
  /// input (kDefaultChunkSize unless set).
  void setAutoChunkCap(uint64_t cap) { auto_cap_ = cap; }
  /// Lines of mapped input i before its range (0 without setRanges()).
  uint64_t lineBase(uint32_t input) const {
    return input < ranges_.size() ? ranges_[input].line_base : 0;
  }
  /// Stream inputs: a record read waits at most `after` in a partly filled
  /// slot; then the slot's complete lines are handed on as a chunk (0: after
  /// every read). The partial last line stays for the next chunk.
  void setFlushAfter(std::chrono::milliseconds after) { flush_after_ = after; }
  /// While a partly filled slot waits for more input: when next() will hand
  /// it on anyway (poll no longer than that).
  std::optional<std::chrono::steady_clock::time_point> flushDeadline() const {
    if (!armed_) return std::nullopt;
    return deadline_;
  }
  /// Counts the lines of every chunk, so that Assign::file_line is set
  /// (jobs that use line(); it reads every byte in the master).
  void setCountLines(bool on) { count_lines_ = on; }
  /// Whether compressed files made of frames (Input::frames) or of plain
  /// gzip members (found by findGzipCandidates) are decoded by the workers,
  /// a piece each (default), or by the master like a stream.
  void setWorkerDecode(bool on) { worker_decode_ = on; }
  /// A gzip piece was merged in order: its start is a member start. The
  /// next input starts only once every gzip piece of this one is merged
  /// (resumeSerial() may take the rest of it back).
  void pieceMerged() {
    if (unmerged_pieces_ > 0) --unmerged_pieces_;
  }
  /// The gzip piece of the current input that starts at compressed byte
  /// begin (a member start), decoded offset pos, did not end a member at its
  /// end: the pieces after it are void, and the master decodes the input on
  /// from begin as a stream, without the line that the piece before took.
  void resumeSerial(uint32_t input, uint64_t begin, uint64_t pos);
  /// Produces the next chunk (kReady) or says what it waits for.
  State next(Assign& assign, ChunkMeta& meta);
  /// The fd to poll when next() said kNeedRead; -1: readMore() now.
  int readFd() const;
  /// An input error met while reading (the input ended there), or ok.
  const Status& inputError() const { return error_; }
  /// With inputError(): bytes of the line cut by the error, dropped.
  uint64_t cutLineBytes() const { return cut_line_bytes_; }
  /// With inputError(): bytes of the input before the error that were
  /// handed out as chunks (whole lines).
  uint64_t inputPosition() const { return pos_; }
  /// The input being cut (the one that failed, with inputError()).
  uint32_t currentInput() const { return static_cast<uint32_t>(input_); }
  /// Reads once from the current stream (call when readFd() is readable).
  Status readMore();
  /// Returns a ring slot once its chunk is processed.
  void release(uint32_t slot);
  /// Total bytes of input consumed so far.
  uint64_t bytes() const { return bytes_; }
  /// Decoded bytes of a piece, counted when it is merged.
  void addBytes(uint64_t n) { bytes_ += n; }
  /// A worker met damage in a piece of input: the input ends there, as if
  /// the master had met it (inputError() and the counts next to it).
  void failAt(uint32_t input, Status error, uint64_t position, uint64_t cut);

 private:
  State nextMapped(const Input& in, Assign& assign, ChunkMeta& meta);
  State nextStream(Assign& assign, ChunkMeta& meta);
  State nextPiece(const Input& in, Assign& assign, ChunkMeta& meta);
  /// The pieces of a compressed input for the workers (empty: the master
  /// decodes it): its frames, or the candidates of plain gzip members,
  /// found when the input is reached.
  const std::vector<CompressedFrame>& piecesOf(const Input& in);
  /// Where the current stream's bytes come from.
  ByteSource* source() const;
  void endInput();
  /// Whether the slot's unexamined bytes are to be handed on now.
  bool flushDue();

  const std::vector<Input>& inputs_;
  ShmRing* ring_;
  uint64_t chunk_size_;
  uint64_t auto_cap_ = kDefaultChunkSize;  ///< largest automatic chunk
  uint64_t stream_chunk_;
  unsigned workers_;
  std::deque<uint32_t> free_slots_;
  std::vector<InputRange> ranges_;    ///< empty: every input whole
  std::vector<uint64_t> high_water_;  ///< bytes ever filled, per slot
  uint64_t next_id_ = 0;
  bool count_lines_ = false;
  bool worker_decode_ = true;
  uint64_t input_lines_ =
      0;  ///< lines of the current input before pos_ (count_lines_)
  uint64_t bytes_ = 0;
  Status error_;
  uint64_t cut_line_bytes_ = 0;

  // Position in the current input.
  size_t input_ = 0;
  uint64_t pos_ = 0;  ///< mapped: next offset; stream: offset of slot byte 0
  size_t frame_ = 0;  ///< pieces: the next frame of piecesOf()
  std::vector<CompressedFrame> scanned_;  ///< plain gzip: member candidates
  bool scanned_done_ = false;
  uint64_t unmerged_pieces_ = 0;  ///< gzip pieces handed out, not merged
  /// resumeSerial(): the decoder from the last checked member start, and
  /// whether the line that starts there is still to be dropped.
  std::unique_ptr<ByteSource> resumed_;
  bool skip_line_ = false;
  // Stream state: the slot being filled and the partial line carried over.
  int64_t slot_ = -1;
  uint64_t filled_ = 0;
  uint64_t no_newline_ = 0;  ///< slot bytes [0, no_newline_) hold no newline
  uint32_t carry_slot_ = 0;
  uint64_t carry_off_ = 0;
  uint64_t carry_len_ = 0;
  bool eof_ = false;
  bool discarding_ = false;  ///< dropping the rest of an oversized line
  uint64_t discarded_ = 0;
  // Live streams: the slot's first read since the last chunk set deadline_.
  std::chrono::milliseconds flush_after_{100};
  std::chrono::steady_clock::time_point deadline_;
  bool armed_ = false;    ///< deadline_ is in the future (or not yet seen)
  bool overdue_ = false;  ///< the deadline passed: the next complete line goes
};

}  // namespace clusterproc
