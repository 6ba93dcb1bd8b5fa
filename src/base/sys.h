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
Status writeAll(int fd, const void* data, size_t len,
                const std::string& subject);

/// Writes parts[0..n) to fd in order with writev, looping on short writes
/// and EINTR (one call when the pipe takes it all, so a total below PIPE_BUF
/// is atomic like a single write).
Status writeAllParts(int fd, const std::string_view* parts, size_t n,
                     const std::string& subject);

/// Reads up to len bytes once (retrying EINTR); 0 means end of file.
Result<size_t> readSome(int fd, void* buf, size_t len,
                        const std::string& subject);

/// Reads exactly len bytes unless end of file comes first; returns the count.
Result<size_t> readFull(int fd, void* buf, size_t len,
                        const std::string& subject);

/// open() retried on EINTR; returns the descriptor or -1 (errno set).
int openRetry(const char* path, int flags, mode_t mode = 0);

/// Called when a read is interrupted by a signal: an error ends the read.
using OnInterrupt = Status (*)();

/// Appends what is left of fd to out, up to end of file. on_interrupt
/// (optional): asked on EINTR, so that a signal can end a wait on a terminal
/// or pipe; without it EINTR is retried.
Status readToEnd(int fd, std::string& out, const std::string& subject,
                 OnInterrupt on_interrupt = nullptr);

/// Appends the whole file at path to out. An open failure is
/// "open_what: path: strerror" (kInput); a read failure "read: path: ...".
Status readFile(const std::string& path, std::string& out,
                const std::string& open_what = "open",
                OnInterrupt on_interrupt = nullptr);

/// Closes fd if it is open and sets it to -1.
void closeFd(int& fd);

/// Opens /dev/null on each of descriptors 0, 1 and 2 that the process
/// started without, so that no file, pipe or segment opened later takes
/// their numbers (a worker's command would read or write it as a standard
/// stream). Called first in main; standardStreamOpen tells the rest.
void reserveStandardStreams();

/// Status() when descriptor fd (0, 1 or 2) was open when the process
/// started, else the error "cannot WHAT: standard input/output is closed"
/// (kInput): data that must come from or go to it cannot.
Status standardStreamOpen(int fd, const std::string& what);

/// waitpid() retried on EINTR; returns the pid or -1.
pid_t waitPid(pid_t pid, int* status, int options);

/// How a process ended, from its wait status: "exit status 3",
/// "signal 9 (Killed)" (or "wait status N" for anything else).
std::string waitStatusText(int status);

}  // namespace clusterproc
