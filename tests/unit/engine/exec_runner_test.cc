#include "exec_runner.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "test_util.h"

namespace clusterproc {
namespace {

TEST_CASE(
    "exec_runner: the hook's descriptor is served while the command runs") {
  int p[2];
  REQUIRE(::pipe(p) == 0);
  REQUIRE(::write(p[1], "x", 1) == 1);
  int calls = 0;
  const PumpHook hook{p[0], [&] {
                        char c;
                        ++calls;
                        return ::read(p[0], &c, 1) == 1;
                      }};
  std::string out;
  Result<ExecOutcome> r = runShell("cat", "a\nb\n", {}, false, out, &hook);
  REQUIRE(r.ok());
  CHECK(r.value().ok);
  CHECK(out == "a\nb\n");
  CHECK(calls == 1);
  // A hook that says stop (its peer is gone) is not called again, though
  // its descriptor stays readable (end of file).
  ::close(p[1]);
  calls = 0;
  r = runShell("cat", "c\n", {}, false, out, &hook);
  REQUIRE(r.ok());
  CHECK(out == "c\n");
  CHECK(calls == 1);
  ::close(p[0]);
}

TEST_CASE(
    "exec_runner: a mapped input that shrank under vmsplice is an input "
    "error, not a short input") {
  testing::TempDir dir;
  const std::string path = dir.file("in.jsonl");
  testing::writeFile(path, std::string(1 << 16, 'x'));
  int fd = ::open(path.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  void* data = ::mmap(nullptr, 1 << 16, PROT_READ, MAP_PRIVATE, fd, 0);
  REQUIRE(data != MAP_FAILED);
  REQUIRE(::truncate(path.c_str(), 0) == 0);
  std::string out;
  Result<ExecOutcome> r = runShell(
      "cat > /dev/null", std::string_view(static_cast<char*>(data), 1 << 16),
      {}, true, out);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ExitCode::kInput);
  CHECK(r.status().message().find("vmsplice") != std::string::npos);
  ::munmap(data, 1 << 16);
  ::close(fd);
}

}  // namespace
}  // namespace clusterproc
