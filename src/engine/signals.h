#pragma once
// Signals in the master only set a flag and wake the event loop through a
// self-pipe; the loop decides what to do. Workers get default dispositions.

#include "status.h"

namespace clusterproc {

/// Installs the master's handlers for SIGINT, SIGTERM and SIGHUP (SIGHUP
/// only if it was not ignored when the run started: nohup), and ignores SIGPIPE
/// (writes then fail with EPIPE). Returns false, errno set, if the self-pipe
/// or a handler cannot be set up.
bool installMasterSignals();

/// The first terminating signal received, or 0.
int pendingSignal();

/// The error of a run stopped by sig: "interrupted by SIGINT", exit 130
/// (SIGHUP 129, SIGTERM 143).
Status interruptedBy(int sig);

/// Read end of the self-pipe, readable once a signal arrived (or -1).
int signalWakeFd();

/// Where the master's event loop learns of terminating signals: the process's
/// handlers in a run, a scripted source in tests (tests/unit/engine).
class SignalSource {
 public:
  virtual ~SignalSource() = default;
  /// The first terminating signal received, or 0.
  virtual int pending() const = 0;
  /// A non-blocking fd that becomes readable once a signal arrived (or -1).
  virtual int wakeFd() const = 0;
};

/// The signals caught by installMasterSignals().
SignalSource& processSignals();

/// Closes the self-pipe (in a forked child) and restores default handling.
void resetSignalsInChild();

}  // namespace clusterproc
