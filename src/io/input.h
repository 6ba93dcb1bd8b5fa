#pragma once
// Opening the inputs: regular files are kept open for pread (and mapped, for
// the few readers that need the bytes in place), everything else (standard
// input, named pipes, character devices) is read as a stream.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "byte_source.h"
#include "compressed_frames.h"
#include "status.h"

namespace clusterproc {

/// One input of the run, opened before the workers are forked so that they
/// inherit the mappings.
struct Input {
  std::string name;     ///< as given; "-" is shown as "(stdin)"
  bool mapped = false;  ///< regular file, read through data
  const char* data = nullptr;
  size_t size = 0;      ///< file size (mapped only)
  size_t readable = 0;  ///< bytes readable from data (page-rounded)
  /// Stream inputs: the fd. Regular files: an fd for pread, or -1 when too
  /// many inputs are open (such a file is read through data). Closed at the
  /// end.
  int fd = -1;
  /// Stream inputs (also compressed files): where the master reads bytes.
  std::shared_ptr<ByteSource> source;
  Compression compression = Compression::kNone;
  /// A compressed regular file of two frames or members or more (zstd,
  /// BGZF): its pieces, which workers can decode on their own (fd kept).
  /// Empty otherwise: the master decodes it through source.
  std::vector<CompressedFrame> frames;
};

/// Opens every input; a missing or unreadable one fails with exit code 2.
/// gzip and zstd data is recognised by its magic bytes, whatever the name.
Result<std::vector<Input>> openInputs(const std::vector<std::string>& paths);

/// Whether any of the paths is a pipe, terminal or socket ("-": standard
/// input), whose records may arrive slowly (a live stream), not a file.
bool hasLiveInput(const std::vector<std::string>& paths);

/// Drops this process's mapping of bytes [from - margin, to + margin) of a
/// mapped input (page-aligned, clipped to the file). The pages stay in the
/// page cache; only this process's resident memory shrinks. The kernel maps
/// whole page-cache folios (often 1 MB or more) on a fault, so a margin is
/// needed to drop what a fault next to the range mapped too.
void dropMapped(const Input& in, uint64_t from, uint64_t to, uint64_t margin);

/// Reads up to n bytes at offset of a mapped input with pread (through the
/// mapping when it has no fd); fewer only when the file ends first.
Result<size_t> readAt(const Input& in, uint64_t offset, char* buf, size_t n);

/// The offset just past the first '\n' at or after from in a mapped input,
/// or limit when there is none before it. Reads a few KB with pread (a long
/// line: more), so the master never touches the mapping.
uint64_t lineEndAfter(const Input& in, uint64_t from, uint64_t limit);

/// The input error for a mapped file that is now now_size bytes long.
Status shrankError(const Input& in, uint64_t now_size);

/// An input error if a mapped file is now shorter than when it was mapped
/// (its missing pages would raise SIGBUS).
Status checkNotShrunk(const Input& in);

/// Reads bytes [begin, end) of a regular file with readAt(), as a source
/// (never waits: pollFd() is -1).
std::unique_ptr<ByteSource> makeRangeSource(const Input& in, uint64_t begin,
                                            uint64_t end);

/// Unmaps and closes the inputs.
void closeInputs(std::vector<Input>& inputs);

}  // namespace clusterproc
