#pragma once
// Status and Result: how modules report errors with context; the console
// (console.h) prints them, once, for main.

#include <string>
#include <utility>
#include <variant>

namespace clusterproc {

/// Exit codes of the contract (SPEC section 7).
enum class ExitCode : int {
  kOk = 0,
  kUsage = 1,
  kInput = 2,
  kBadRecords = 3,
  kWorkerFailed = 4,
  kBrokenPipe =
      141,  ///< the reader of stdout left: stop quietly (128 + SIGPIPE)
  kHangup = 129,
  kInterrupted = 130,
  kTerminated = 143,
};

/// An error message with the exit code it maps to; an empty Status is success.
class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status error(ExitCode code, std::string message) {
    Status s;
    s.ok_ = false;
    s.code_ = code;
    s.message_ = std::move(message);
    return s;
  }
  bool ok() const { return ok_; }
  ExitCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  bool ok_ = true;
  ExitCode code_ = ExitCode::kOk;
  std::string message_;
};

/// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status)
      : v_(std::move(status)) {}  // NOLINT: implicit by design
  bool ok() const { return std::holds_alternative<T>(v_); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  const Status& status() const { return std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace clusterproc
