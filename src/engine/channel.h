#pragma once
// Framed messages on pipes: {type u32, length u32, payload}. Control messages
// fit in PIPE_BUF; chunk data itself never travels here (a worker reads a
// file's chunk itself, io/chunk_reader.h, and a stream's from the shared-memory
// ring), only assignments, per-chunk reports and final partials.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "bytes.h"
#include "status.h"

namespace clusterproc {

/// Message types exchanged between master and workers.
enum class MsgType : uint32_t {
  kAssign = 1,      ///< master -> worker: process one chunk
  kFinish = 2,      ///< master -> worker: no more chunks, send partial and exit
  kDone = 3,        ///< worker -> master: report (and job state) of one chunk
  kFailure = 5,     ///< worker -> master: fatal error text
  kInputError = 6,  ///< worker -> master: an input error (exit 2), its text
  kEmit = 7,        ///< master -> worker: write a held --exec output now
  kEmitted = 8,     ///< worker -> master: that output is written (or why not)
};

/// A decoded frame; payload points into the reader's buffer.
struct Frame {
  MsgType type;
  std::string_view payload;
};

/// Writes one frame to fd (blocking, all bytes).
Status writeFrame(int fd, MsgType type, std::string_view payload,
                  const std::string& peer);

/// Writes one frame whose payload is the concatenation of parts (at most 15),
/// without copying them into one buffer (writev).
Status writeFrameParts(int fd, MsgType type,
                       std::initializer_list<std::string_view> parts,
                       const std::string& peer);

/// Reads one frame from a blocking fd into storage; false at clean EOF.
Result<bool> readFrame(int fd, std::string& storage, Frame& frame,
                       const std::string& peer);

/// Accumulates bytes from a non-blocking reader and yields whole frames.
class FrameBuffer {
 public:
  /// Reads what is available on fd once (up to the rest of a large frame
  /// in one read); returns bytes read (0 = EOF).
  Result<size_t> fill(int fd, const std::string& peer);
  /// Takes the next complete frame, if any. The payload stays valid until
  /// the next fill().
  bool next(Frame& frame);
  bool empty() const { return start_ == len_; }

 private:
  /// Bytes still missing from the frame at start_ (0 when unknown).
  size_t missing() const;
  std::unique_ptr<char[]> buf_;  ///< not zero-filled, unlike a string
  size_t cap_ = 0;
  size_t len_ = 0;
  size_t start_ = 0;
};

}  // namespace clusterproc
