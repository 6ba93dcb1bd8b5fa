#pragma once
// Wrapped system calls: EINTR retried, short reads and writes looped, errors
// returned as a Status that names the call and its subject.

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "status.h"

namespace clusterproc {

/// "what: subject: strerror(errno)" for the current errno.
std::string errnoText(const std::string& what, const std::string& subject);

/// Writes all of data to fd, looping on short writes and EINTR.
Status writeAll(int fd, const void* data, size_t len, const std::string& subject);

/// Writes parts[0..n) to fd in order with writev, looping on short writes
/// and EINTR (one call when the pipe takes it all, so a total below PIPE_BUF
/// is atomic like a single write).
Status writeAllParts(int fd, const std::string_view* parts, size_t n,
                     const std::string& subject);

/// Reads up to len bytes once (retrying EINTR); 0 means end of file.
Result<size_t> readSome(int fd, void* buf, size_t len, const std::string& subject);

/// Reads exactly len bytes unless end of file comes first; returns the count.
Result<size_t> readFull(int fd, void* buf, size_t len, const std::string& subject);

/// Closes fd if it is open and sets it to -1.
void closeFd(int& fd);

/// waitpid() retried on EINTR; returns the pid or -1.
pid_t waitPid(pid_t pid, int* status, int options);

}  // namespace clusterproc
