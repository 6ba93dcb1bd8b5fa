#pragma once
// Opening the inputs: regular files are mapped (zero-copy), everything else
// (standard input, named pipes, character devices) is read as a stream.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "byte_source.h"
#include "status.h"

namespace clusterproc {

/// One input of the run, opened before the workers are forked so that they
/// inherit the mappings.
struct Input {
  std::string name;          ///< as given; "-" is shown as "(stdin)"
  bool mapped = false;       ///< regular file, read through data
  const char* data = nullptr;
  size_t size = 0;           ///< file size (mapped only)
  size_t readable = 0;       ///< bytes readable from data (page-rounded)
  int fd = -1;               ///< stream inputs: the fd (closed at the end)
  /// Stream inputs (also compressed files): where the master reads bytes.
  std::shared_ptr<ByteSource> source;
  Compression compression = Compression::kNone;
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

/// An input error if a mapped file is now shorter than when it was mapped
/// (its missing pages would raise SIGBUS).
Status checkNotShrunk(const Input& in);

/// Unmaps and closes the inputs.
void closeInputs(std::vector<Input>& inputs);

}  // namespace clusterproc
