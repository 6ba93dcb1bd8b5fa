#include "progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace clusterproc {

namespace {

// Rates are measured over this much recent time: long enough to be steady,
// short enough to follow a change of pace.
constexpr double kRateWindowS = 3.0;
constexpr size_t kMaxBar = 30;
constexpr size_t kMinBar = 10;

/// Scales v down by 1000 while it would print as 1000 or more.
std::string withUnit(double v, const char* const* units, size_t n_units,
                     bool integer_base) {
  size_t u = 0;
  while (u + 1 < n_units && v >= 999.5) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  if (u == 0 && integer_base) {
    std::snprintf(buf, sizeof buf, "%.0f%s", v, units[0]);
  } else if (v < 9.995) {
    std::snprintf(buf, sizeof buf, "%.2f%s", v, units[u]);
  } else if (v < 99.95) {
    std::snprintf(buf, sizeof buf, "%.1f%s", v, units[u]);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f%s", v, units[u]);
  }
  return buf;
}

std::string bar(double fraction, size_t width) {
  size_t inner = width - 2;
  size_t full = static_cast<size_t>(fraction * static_cast<double>(inner));
  full = std::min(full, inner);
  std::string s = "[";
  s.append(full, '=');
  if (full < inner) {
    s += '>';
    s.append(inner - full - 1, ' ');
  }
  s += ']';
  return s;
}

struct Piece {
  std::string text;
  int drop;  // pieces with the highest rank go first when the line is too
             // narrow
};

std::string join(const std::vector<Piece>& pieces) {
  std::string s;
  for (const Piece& p : pieces) {
    if (!s.empty()) s += "  ";
    s += p.text;
  }
  return s;
}

}  // namespace

std::string humanBytes(double bytes) {
  static const char* const kUnits[] = {" B", " kB", " MB", " GB", " TB", " PB"};
  return withUnit(bytes, kUnits, 6, true);
}

std::string humanCount(double n) {
  static const char* const kUnits[] = {"", "k", "M", "G", "T"};
  return withUnit(n, kUnits, 5, true);
}

std::string humanDuration(double seconds) {
  long long s = seconds > 0 ? std::llround(seconds) : 0;
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60,
                  s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  }
  return buf;
}

std::string renderProgress(const ProgressView& v, size_t width) {
  const ProgressSample& s = v.sample;
  const bool known = v.total > 0;
  const double fraction = known
                              ? std::min(1.0, static_cast<double>(s.bytes) /
                                                  static_cast<double>(v.total))
                              : 0;
  std::vector<Piece> pieces;
  if (known) {
    char pct[8];
    std::snprintf(pct, sizeof pct, "%3d%%", static_cast<int>(fraction * 100));
    pieces.push_back({std::string(pct) + " " +
                          humanBytes(static_cast<double>(s.bytes)) + " / " +
                          humanBytes(static_cast<double>(v.total)),
                      0});
  } else {
    pieces.push_back({humanBytes(static_cast<double>(s.bytes)), 0});
  }
  pieces.push_back({humanCount(v.records_per_s) + " rec/s", 3});
  pieces.push_back({humanBytes(v.bytes_per_s) + "/s", 2});
  if (known) {
    std::string eta = "--:--";
    if (s.bytes >= v.total) {
      eta = humanDuration(0);
    } else if (v.bytes_per_s > 0) {
      eta =
          humanDuration(static_cast<double>(v.total - s.bytes) / v.bytes_per_s);
    }
    pieces.push_back({"ETA " + eta, 1});
  } else {
    pieces.push_back({"elapsed " + humanDuration(v.seconds), 1});
  }
  pieces.push_back(
      {"workers " + std::to_string(s.busy) + "/" + std::to_string(v.workers),
       4});
  pieces.push_back({"bad " + std::to_string(s.bad_records), 1});

  const size_t room = width > 1 ? width - 1 : 0;
  std::string line = join(pieces);
  while (line.size() > room && pieces.size() > 1) {
    auto worst = std::max_element(
        pieces.begin(), pieces.end(),
        [](const Piece& a, const Piece& b) { return a.drop < b.drop; });
    if (worst->drop == 0) break;
    pieces.erase(worst);
    line = join(pieces);
  }
  if (known && line.size() + 2 + kMinBar <= room) {
    size_t w = std::min(kMaxBar, room - line.size() - 2);
    pieces.insert(pieces.begin(), Piece{bar(fraction, w), 0});
    line = join(pieces);
  }
  if (line.size() > room) line.resize(room);
  return line;
}

bool progressWanted(const Job& job, bool stderr_tty, bool stdout_tty,
                    const char* term) {
  if (job.progress) return *job.progress;
  bool streams = job.kind == JobKind::kWhere || job.kind == JobKind::kSelect ||
                 job.kind == JobKind::kExec;
  if (!stderr_tty || (stdout_tty && streams && job.output_path.empty()))
    return false;
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

uint64_t knownInputSize(const std::vector<Input>& inputs) {
  uint64_t total = 0;
  for (const Input& in : inputs) {
    if (!in.mapped) return 0;
    total += in.size;
  }
  return total;
}

ProgressLine::ProgressLine(Console& console, bool enabled, uint64_t total,
                           unsigned workers)
    : console_(console),
      enabled_(enabled),
      total_(total),
      workers_(workers),
      start_(Clock::now()),
      last_draw_(start_) {}

ProgressLine::~ProgressLine() { finish(); }

ProgressView ProgressLine::view(const ProgressSample& sample,
                                Clock::time_point now) {
  ProgressView v;
  v.sample = sample;
  v.total = total_;
  v.workers = workers_;
  v.seconds = std::chrono::duration<double>(now - start_).count();
  window_.push_back({now, sample.bytes, sample.records});
  // Keep one point at least kRateWindowS old as the base of the rates.
  while (window_.size() > 2 &&
         std::chrono::duration<double>(now - window_[1].t).count() >=
             kRateWindowS) {
    window_.pop_front();
  }
  const Point& base = window_.front();
  double dt = std::chrono::duration<double>(now - base.t).count();
  if (dt >= 0.25) {
    v.bytes_per_s = static_cast<double>(sample.bytes - base.bytes) / dt;
    v.records_per_s = static_cast<double>(sample.records - base.records) / dt;
  } else if (v.seconds > 0) {
    v.bytes_per_s = static_cast<double>(sample.bytes) / v.seconds;
    v.records_per_s = static_cast<double>(sample.records) / v.seconds;
  }
  return v;
}

void ProgressLine::update(const ProgressSample& sample, Clock::time_point now) {
  if (!enabled_) return;
  if (now - last_draw_ < std::chrono::milliseconds(kPeriodMs)) return;
  last_draw_ = now;
  if (window_.empty()) window_.push_back({start_, 0, 0});
  console_.drawProgress(renderProgress(view(sample, now), console_.width()));
}

void ProgressLine::finish() {
  if (enabled_) console_.endProgress();
  enabled_ = false;
}

}  // namespace clusterproc
