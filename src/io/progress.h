#pragma once
// The progress line on standard error: one line redrawn in place at most
// ~8 times a second, and erased at the end. The console (base/console.h)
// draws it, and erases and redraws it around every other message.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "console.h"
#include "input.h"
#include "job.h"

namespace clusterproc {

/// What the master knows at one moment of the run.
struct ProgressSample {
  uint64_t bytes = 0;        ///< input bytes processed
  uint64_t records = 0;      ///< records merged (valid ones)
  uint64_t bad_records = 0;  ///< bad records merged
  unsigned busy = 0;         ///< workers with a chunk in hand
};

/// Everything one drawing of the line shows.
struct ProgressView {
  ProgressSample sample;
  uint64_t total = 0;  ///< input size in bytes; 0: unknown (streams)
  unsigned workers = 0;
  double seconds = 0;        ///< since the start of the run
  double bytes_per_s = 0;    ///< recent rate
  double records_per_s = 0;  ///< recent rate
};

/// The line for view, at most width - 1 columns (the last column would make
/// the terminal wrap). Pure: unit tests call it directly.
std::string renderProgress(const ProgressView& view, size_t width);

/// "1.21 GB", "999 B", "12.3 MB": decimal units, three significant digits.
std::string humanBytes(double bytes);
/// "850", "12.3k", "1.20M": a count with a decimal suffix.
std::string humanCount(double n);
/// "0:07", "12:34", "1:02:03".
std::string humanDuration(double seconds);

/// Whether to show progress: --progress, --no-progress, or else on when
/// stderr is a terminal whose TERM is not "dumb", unless the job's rows
/// stream to a terminal on stdout (--where, --select, --exec): they would mix.
bool progressWanted(const Job& job, bool stderr_tty, bool stdout_tty,
                    const char* term);

/// Input size in bytes when every input is a mapped file, else 0 (unknown).
uint64_t knownInputSize(const std::vector<Input>& inputs);

/// The line itself: what it shows and when; the console draws it.
class ProgressLine {
 public:
  using Clock = std::chrono::steady_clock;
  /// Redraw period (~8 per second); also the master's poll timeout.
  static constexpr int kPeriodMs = 125;

  /// A disabled line never writes. total 0: unknown size.
  ProgressLine(Console& console, bool enabled, uint64_t total,
               unsigned workers);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool enabled() const { return enabled_; }
  /// The master's poll(2) timeout: kPeriodMs while enabled, else -1.
  int pollTimeoutMs() const { return enabled_ ? kPeriodMs : -1; }
  /// Redraws the line if kPeriodMs passed since the last drawing.
  void update(const ProgressSample& sample) { update(sample, Clock::now()); }
  void update(const ProgressSample& sample, Clock::time_point now);
  /// Erases the line for good: later updates draw nothing.
  void finish();
  /// The view the line would show for sample at now (for tests).
  ProgressView view(const ProgressSample& sample, Clock::time_point now);

 private:
  Console& console_;
  bool enabled_;
  uint64_t total_;
  unsigned workers_;
  Clock::time_point start_;
  Clock::time_point last_draw_;
  /// Recent (time, bytes, records) samples for the rates.
  struct Point {
    Clock::time_point t;
    uint64_t bytes;
    uint64_t records;
  };
  std::deque<Point> window_;
};

}  // namespace clusterproc
