#include "input.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "sys.h"

namespace clusterproc {

namespace {

Status openOne(const std::string& path, Input& in) {
  in.name = path == "-" ? "(stdin)" : path;
  if (path == "-") {
    in.fd = STDIN_FILENO;
    return Status();
  }
  int fd;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return Status::error(ExitCode::kInput, errnoText("cannot open input", path));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = Status::error(ExitCode::kInput, errnoText("cannot stat input", path));
    ::close(fd);
    return s;
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::error(ExitCode::kInput, "cannot read input: " + path + ": Is a directory");
  }
  if (!S_ISREG(st.st_mode)) {
    in.fd = fd;  // a named pipe or device: stream it
    return Status();
  }
  in.mapped = true;
  in.size = static_cast<size_t>(st.st_size);
  if (in.size > 0) {
    void* p = ::mmap(nullptr, in.size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      Status s = Status::error(ExitCode::kInput, errnoText("cannot map input", path));
      ::close(fd);
      return s;
    }
    in.data = static_cast<const char*>(p);
    size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    in.readable = (in.size + page - 1) / page * page;
  }
  ::close(fd);  // the mapping keeps the file open
  return Status();
}

}  // namespace

Result<std::vector<Input>> openInputs(const std::vector<std::string>& paths) {
  std::vector<Input> inputs;
  for (const std::string& path : paths) {
    Input in;
    Status s = openOne(path, in);
    if (!s.ok()) {
      closeInputs(inputs);
      return s;
    }
    inputs.push_back(in);
  }
  return inputs;
}

void closeInputs(std::vector<Input>& inputs) {
  for (Input& in : inputs) {
    if (in.data != nullptr) ::munmap(const_cast<char*>(in.data), in.size);
    in.data = nullptr;
    if (in.fd > STDIN_FILENO) closeFd(in.fd);
  }
}

}  // namespace clusterproc
