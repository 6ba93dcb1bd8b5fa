#include "fd.h"

#include <unistd.h>

#include "sys.h"

namespace clusterproc {

void UniqueFd::reset(int fd) {
  closeFd(fd_);
  fd_ = fd;
}

Result<Pipe> Pipe::open(int flags, const std::string& subject) {
  int fds[2];
  if (::pipe2(fds, flags) != 0) {
    return Status::error(ExitCode::kWorkerFailed, errnoText("pipe", subject));
  }
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

}  // namespace clusterproc
