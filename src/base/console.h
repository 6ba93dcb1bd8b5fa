#pragma once
// The console: clusterproc's one voice on standard error. Every message, the
// bad-record lines, --stats and an --exec command's stderr go through it, and
// it owns the progress line: it erases the line before a message and draws it
// again after, so no caller can leave a message glued to the bar.
//
// Used by the master's thread. A forked worker never touches the progress
// line (the console remembers which process drew it); workers send their
// failures to the master over the pipe, and the master prints them here.

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "status.h"

namespace clusterproc {

class Console {
 public:
  /// A console on fd (standard error; a pipe in unit tests).
  explicit Console(int fd);
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  /// "clusterproc: MESSAGE" for a failed Status; nothing for a closed
  /// standard output (ExitCode::kBrokenPipe: stop quietly) or success.
  void error(const Status& s);
  /// "clusterproc: warning: TEXT".
  void warn(std::string_view text);
  /// "clusterproc: note: TEXT".
  void note(std::string_view text);
  /// "clusterproc: TEXT": what happened, neither a warning nor a note
  /// ("progress saved in ...", "resuming from ...").
  void say(std::string_view text);
  /// Lines written as they are ("FILE:LINE: reason", --stats). Diagnostics
  /// only: a failure to write them is not an error.
  void print(std::string_view text);
  /// Bytes that are not ours (an --exec command's stderr), as they are; an
  /// error if standard error cannot take them.
  Status passThrough(std::string_view bytes);

  /// Draws text as the progress line (replacing the one drawn).
  void drawProgress(std::string_view text);
  /// Erases the progress line for good: later messages do not redraw it.
  void endProgress();
  /// Columns of the terminal on fd (COLUMNS, else 80, when not a terminal).
  size_t width() const;

 private:
  Status emit(std::string_view text);
  /// Whether this process drew the progress line now shown.
  bool ownsLine() const;

  int fd_;
  std::string line_;  ///< the progress line shown; empty: none
  pid_t drawer_ = 0;  ///< the process that drew it
};

/// The console on standard error.
Console& console();

/// For a signal handler that ends the process: erases the progress line if
/// one is drawn and writes "clusterproc: TEXT\n" (async-signal-safe).
void consoleLastWords(const char* text);

}  // namespace clusterproc
