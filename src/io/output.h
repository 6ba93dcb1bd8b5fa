#pragma once
// Where results go: standard output, or a file written under a temporary
// name in the target's folder and renamed into place only on success. A
// target that is not a regular file (/dev/null, /dev/stdout, a named pipe)
// is written directly: there is nothing to replace atomically.

#include <string>
#include <string_view>

#include "status.h"

namespace clusterproc {

/// Removes every temporary output file still open; async-signal-safe, for
/// the master's SIGBUS handler (a mapped input that shrank under it).
void removeTempOutputsNow();

/// An output destination. Without commit(), a file target is left untouched
/// and the temporary file is removed when the object dies.
class OutputFile {
 public:
  /// path "" or "-" is standard output. A directory is an error (exit 2).
  static Result<OutputFile> open(const std::string& path);
  /// Whether open(path) would succeed, leaving no trace: a file target is
  /// tried under its temporary name; a device or pipe is not opened (a
  /// named pipe's reader would see an empty output).
  static Status checkWritable(const std::string& path);
  OutputFile(OutputFile&& other) noexcept;
  OutputFile& operator=(OutputFile&&) = delete;
  ~OutputFile();

  /// Buffers and writes; a closed stdout reader gives ExitCode::kBrokenPipe.
  Status write(std::string_view data);
  /// Writes out what is buffered when the destination can be read while
  /// the run goes on (standard output, a device or pipe given with -o);
  /// does nothing for a -o file, which appears only at the end.
  Status flushIfLive() { return live_ ? flush() : Status(); }
  /// Writes out what is buffered, whatever the target: before a worker
  /// writes to the same descriptor (--exec with direct output).
  Status flushNow() { return flush(); }
  /// Writes data now, past the buffer (a worker's own copy of this object,
  /// inherited across fork(), writing a held --exec output): the same
  /// descriptor, file offset and error messages as the master's writes.
  Status writeNow(std::string_view data) { return writeOut(data); }
  /// Flushes, and for a file syncs and renames it into place.
  Status commit();
  /// Removes the temporary file now (also done by the destructor).
  void discard();
  /// Temporary file path ("" for stdout); for the fork child to ignore.
  const std::string& tempPath() const { return temp_; }

 private:
  /// Where to write: the path to rename onto (a symbolic link resolved), or
  /// a device, pipe or /dev/stdout to write directly.
  struct Target {
    std::string path;
    bool direct = false;
  };
  static Result<Target> classify(const std::string& path);
  OutputFile() = default;
  Status flush();
  /// Writes data to the descriptor now (no buffering).
  Status writeOut(std::string_view data);
  std::string target_;
  std::string temp_;
  int fd_ = -1;
  bool direct_ = false;  ///< written in place, no temporary
  bool live_ = false;    ///< not a temporary file: flushIfLive() writes
  std::string buf_;
};

}  // namespace clusterproc
