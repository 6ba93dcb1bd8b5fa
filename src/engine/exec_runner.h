#pragma once
// --exec: runs `sh -c CMD` on one chunk's lines and collects its output.

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "status.h"

namespace clusterproc {

/// How one run of the command went.
struct ExecOutcome {
  bool ok = false;       ///< exited 0
  std::string how;       ///< "exit status 3", "signal 9 (Killed)"
  int exit_status = -1;  ///< the exit status, or -1 (killed by a signal)
  std::string err;       ///< its standard error, whole
};

/// Another descriptor the pump listens to while the command runs (the
/// worker's command pipe, so that the master's requests are served at
/// once): call() runs when fd is readable and returns whether to go on
/// listening.
struct PumpHook {
  int fd = -1;
  std::function<bool()> call;
};

/// Starts sh -c cmd with env added, writes input to its stdin (a command
/// that stops reading early is fine), and collects stdout into out and the
/// whole stderr until it exits. out is a buffer the caller keeps
/// from one call to the next (its old content is overwritten; reusing its
/// room avoids zero-filling and faulting in fresh pages per chunk).
/// stable_input: input's bytes never change (a read-only mapped file), so
/// they are spliced into the command's stdin pipe (vmsplice) rather than
/// copied; not for buffers that are reused later (a ring slot, a string),
/// which a command's lingering child could still read. hook, if given, is
/// served while the command runs. Fails only when the command cannot be
/// started.
Result<ExecOutcome> runShell(
    const std::string& cmd, std::string_view input,
    const std::vector<std::pair<std::string, std::string>>& env,
    bool stable_input, std::string& out, const PumpHook* hook = nullptr);

}  // namespace clusterproc
