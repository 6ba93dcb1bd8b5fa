#pragma once
// Owned file descriptors: a UniqueFd closes its descriptor when it goes, a
// Pipe is the two ends of pipe2(). After fork() a child that leaves with
// _exit runs no destructor: it closes the ends it does not use with reset().

#include <string>
#include <utility>

#include "status.h"

namespace clusterproc {

/// One open file descriptor, or none (-1); closed by reset() or the
/// destructor (closeFd: never retried on EINTR).
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  /// Gives the descriptor up without closing it.
  int release() { return std::exchange(fd_, -1); }
  /// Closes the descriptor held, if any, and holds fd instead.
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

/// Both ends of a pipe.
struct Pipe {
  UniqueFd read;
  UniqueFd write;
  /// pipe2(flags); an error is kWorkerFailed "pipe: subject: strerror".
  static Result<Pipe> open(int flags, const std::string& subject);
};

}  // namespace clusterproc
