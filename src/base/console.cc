#include "console.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "sys.h"

namespace clusterproc {

namespace {

constexpr std::string_view kErase = "\r\x1b[K";

/// Whether standard error shows a progress line, for consoleLastWords().
volatile sig_atomic_t g_stderr_line = 0;

}  // namespace

Console::Console(int fd) : fd_(fd) {}

Console& console() {
  static Console c(STDERR_FILENO);
  return c;
}

bool Console::ownsLine() const {
  return !line_.empty() && drawer_ == ::getpid();
}

Status Console::emit(std::string_view text) {
  if (!ownsLine())
    return writeAll(fd_, text.data(), text.size(), "standard error");
  // Erase, write, draw again: one write, so that the bar never shows half.
  std::string all(kErase);
  all += text;
  // Bytes that end mid-line (an --exec command's stderr) keep their line:
  // the bar waits for the next drawing.
  if (!text.empty() && text.back() == '\n') {
    all += "\r";
    all += line_;
    all += "\x1b[K";
  } else {
    line_.clear();
    if (fd_ == STDERR_FILENO) g_stderr_line = 0;
  }
  return writeAll(fd_, all.data(), all.size(), "standard error");
}

void Console::error(const Status& s) {
  if (s.ok() || s.code() == ExitCode::kBrokenPipe) return;
  print("clusterproc: " + s.message() + "\n");
}

void Console::warn(std::string_view text) {
  print("clusterproc: warning: " + std::string(text) + "\n");
}

void Console::note(std::string_view text) {
  print("clusterproc: note: " + std::string(text) + "\n");
}

void Console::say(std::string_view text) {
  print("clusterproc: " + std::string(text) + "\n");
}

void Console::print(std::string_view text) {
  // stderr is diagnostics only: a failure to write it is not fatal.
  (void)emit(text);
}

Status Console::passThrough(std::string_view bytes) {
  if (bytes.empty()) return Status();
  return emit(bytes);
}

void Console::drawProgress(std::string_view text) {
  line_ = text;
  drawer_ = ::getpid();
  if (fd_ == STDERR_FILENO) g_stderr_line = 1;
  // Text first, then clear what is left of a longer previous line: no flicker.
  std::string all = "\r" + line_ + "\x1b[K";
  // The line is decoration: a failure to write it is not an error.
  (void)writeAll(fd_, all.data(), all.size(), "standard error");
}

void Console::endProgress() {
  if (!ownsLine()) return;
  line_.clear();
  if (fd_ == STDERR_FILENO) g_stderr_line = 0;
  (void)writeAll(fd_, kErase.data(), kErase.size(), "standard error");
}

size_t Console::width() const {
  struct winsize ws;
  if (::ioctl(fd_, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* cols = std::getenv("COLUMNS")) {
    long n = std::strtol(cols, nullptr, 10);
    if (n > 0) return static_cast<size_t>(n);
  }
  return 80;
}

void consoleLastWords(const char* text) {
  auto put = [](const char* s, size_t n) {
    [[maybe_unused]] ssize_t w = ::write(STDERR_FILENO, s, n);
  };
  if (g_stderr_line) put(kErase.data(), kErase.size());
  put("clusterproc: ", 13);
  put(text, std::strlen(text));
  put("\n", 1);
}

}  // namespace clusterproc
