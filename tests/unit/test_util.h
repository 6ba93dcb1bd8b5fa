#pragma once
// Helpers shared by the unit tests: a temporary folder that cleans up after
// itself, file helpers, and a generator of sample line-oriented input.

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "sys.h"

namespace clusterproc::testing {

/// A fresh folder under $TMPDIR (or /tmp), removed with its content on
/// destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl =
        std::string(base && *base ? base : "/tmp") + "/clusterproc-test-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed for " + tmpl);
    }
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  /// path()/name.
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  /// Names of the entries in the folder, sorted, without "." and "..".
  std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(path_)) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::string path_;
};

/// Writes content to path (binary, truncating).
inline void writeFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  if (!out) throw std::runtime_error("short write to " + path);
}

/// The whole content of path (binary).
inline std::string readFile(const std::string& path) {
  std::string out;
  Status s = clusterproc::readFile(path, out);
  if (!s.ok()) throw std::runtime_error(s.message());
  return out;
}

/// Deterministic sample text: `lines` lines of random length in [0, max_len]
/// made of printable characters, each ended by '\n' (or "\r\n" with crlf).
inline std::string sampleLines(uint32_t seed, size_t lines, size_t max_len,
                               bool crlf = false) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<size_t> len(0, max_len);
  std::uniform_int_distribution<int> ch('!', '~');
  std::string out;
  for (size_t i = 0; i < lines; ++i) {
    size_t n = len(rng);
    for (size_t j = 0; j < n; ++j) out += static_cast<char>(ch(rng));
    out += crlf ? "\r\n" : "\n";
  }
  return out;
}

/// Splits text into its lines the way the spec defines them: on '\n', one
/// trailing "\r" removed, no empty line after a final '\n'.
inline std::vector<std::string> specLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl;
    std::string line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
    pos = nl == std::string::npos ? text.size() : nl + 1;
  }
  return lines;
}

/// The bytes that f(fd) writes to the pipe fd, read back once it is done
/// (less than a pipe's capacity, 64 KiB).
template <typename F>
std::string captured(F f) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  f(fds[1]);
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0)
    out.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  return out;
}

}  // namespace clusterproc::testing
