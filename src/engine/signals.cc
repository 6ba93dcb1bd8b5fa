#include "signals.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <iterator>
#include <string>

#include "console.h"
#include "output.h"

namespace clusterproc {

namespace {

volatile sig_atomic_t g_signal = 0;
int g_wake[2] = {-1, -1};

void onSignal(int sig) {
  int saved = errno;
  if (g_signal == 0) g_signal = sig;
  if (g_wake[1] >= 0) {
    char c = 1;
    [[maybe_unused]] ssize_t n = ::write(g_wake[1], &c, 1);
  }
  errno = saved;
}

constexpr int kHandled[] = {SIGINT, SIGTERM, SIGHUP};
// Which of kHandled the master catches. A SIGHUP ignored when the run
// started stays ignored, so that `nohup clusterproc ...` survives a
// hang-up. SIGINT and SIGTERM are always caught: a script's background job
// starts with SIGINT ignored, and `kill -INT` must still stop it cleanly.
bool g_caught[std::size(kHandled)] = {};

// The master reads mapped inputs only at chunk boundaries; a file truncated
// under it raises SIGBUS there. Nothing can continue: leave no temporary
// output behind, say why, exit 2 (the workers follow by parent-death signal).
void onBus(int) {
  removeTempOutputsNow();
  consoleLastWords("an input file shrank while being read");
  ::_exit(2);
}

}  // namespace

bool installMasterSignals() {
  if (g_wake[0] >= 0) return true;  // already installed (a merge, then a run)
  if (::pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) != 0) return false;
  struct sigaction sa = {};
  sa.sa_handler = onSignal;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < std::size(kHandled); ++i) {
    struct sigaction old = {};
    if (::sigaction(kHandled[i], nullptr, &old) != 0) return false;
    if (kHandled[i] == SIGHUP && old.sa_handler == SIG_IGN) continue;
    if (::sigaction(kHandled[i], &sa, nullptr) != 0) return false;
    g_caught[i] = true;
  }
  struct sigaction bus = {};
  bus.sa_handler = onBus;
  sigemptyset(&bus.sa_mask);
  ::sigaction(SIGBUS, &bus, nullptr);
  struct sigaction ign = {};
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ign, nullptr);
  return true;
}

int pendingSignal() { return g_signal; }

Status interruptedBy(int sig) {
  ExitCode code = sig == SIGINT   ? ExitCode::kInterrupted
                  : sig == SIGHUP ? ExitCode::kHangup
                                  : ExitCode::kTerminated;
  const char* name = sigabbrev_np(sig);
  return Status::error(code,
                       std::string("interrupted by SIG") + (name ? name : "?"));
}

int signalWakeFd() { return g_wake[0]; }

SignalSource& processSignals() {
  class ProcessSignals final : public SignalSource {
   public:
    int pending() const override { return pendingSignal(); }
    int wakeFd() const override { return signalWakeFd(); }
  };
  static ProcessSignals signals;
  return signals;
}

void resetSignalsInChild() {
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  for (size_t i = 0; i < std::size(kHandled); ++i) {
    if (g_caught[i]) ::sigaction(kHandled[i], &dfl, nullptr);
  }
  ::sigaction(SIGPIPE, &dfl, nullptr);
  ::sigaction(SIGBUS, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int& fd : g_wake) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
}

}  // namespace clusterproc
