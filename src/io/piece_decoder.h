#pragma once
// A worker's side of decoding by the workers: decodes the whole frames of
// one piece of a compressed file (Input::frames) into a buffer of its own,
// then the next frames up to the end of the line that crosses the piece's
// end, so that it holds every line that starts in the piece, whole. The
// line that the previous piece's worker finished is skipped. The master puts
// the pieces back in input order (docs/architecture.md).

#include <cstddef>
#include <cstdint>
#include <string>

#include "input.h"
#include "status.h"

struct ZSTD_DCtx_s;

namespace clusterproc {

/// What a worker found in one piece.
struct DecodedPiece {
  const char* data =
      nullptr;  ///< the piece's decoded bytes, then the rest of its last line
  size_t readable = 0;  ///< bytes readable from data (simdjson's padding)
  uint64_t skip = 0;  ///< bytes before the first line that starts in the piece
  uint64_t end = 0;   ///< end of the whole lines to process (from data)
  uint64_t decoded = 0;  ///< decoded bytes of the piece itself
  /// Damage (or a read error) met before end's line ended: the message
  /// names the compressed offset; the lines before it are [skip, end).
  std::string error;
  uint64_t cut = 0;  ///< with error: bytes decoded after end (the cut line)
  /// gzip: a member goes on past the piece's end, which is no member start
  /// (a false candidate, a wrong BGZF size). Nothing else is set: the
  /// master decodes on from the piece's start (docs/architecture.md).
  bool open = false;
};

/// A worker's decoding buffer, kept from piece to piece.
class PieceDecoder {
 public:
  PieceDecoder() = default;
  ~PieceDecoder();
  PieceDecoder(const PieceDecoder&) = delete;
  PieceDecoder& operator=(const PieceDecoder&) = delete;

  /// Decodes the piece [begin, end) of compressed input in (end: a frame
  /// boundary or the file's end; for gzip, perhaps not: see
  /// DecodedPiece::open). Only a failure to get memory is an error; damage
  /// goes in DecodedPiece::error.
  Result<DecodedPiece> decode(const Input& in, uint64_t begin, uint64_t end);

 private:
  /// Decodes everything of source after len_ (until atEnd or an error); with
  /// line_only, stops once a newline has been decoded.
  Status fill(ByteSource& source, bool line_only, std::string& error);
  bool reserve(size_t more);
  /// zstd: decodes every frame of [begin, end) in one call each when all
  /// is well; false: use the streaming decoder instead.
  bool zstdWhole(const Input& in, uint64_t begin, uint64_t end);
  char* buf_ = nullptr;
  size_t cap_ = 0;
  size_t len_ = 0;
  std::string compressed_;       ///< zstdWhole(): the piece's compressed bytes
  ZSTD_DCtx_s* dctx_ = nullptr;  ///< zstdWhole()'s decoder, kept
};

}  // namespace clusterproc
