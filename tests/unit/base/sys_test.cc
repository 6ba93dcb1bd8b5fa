#include "sys.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "fd.h"
#include "test_util.h"

using namespace clusterproc;

TEST_CASE("readFile reads a whole file, or says why not") {
  testing::TempDir dir;
  const std::string big(200000, 'x');  // more than one read
  testing::writeFile(dir.file("f"), "head\n" + big);
  std::string out = "kept:";
  REQUIRE(readFile(dir.file("f"), out).ok());
  CHECK(out == "kept:head\n" + big);

  std::string none;
  Status s = readFile(dir.file("missing"), none, "cannot open partial");
  CHECK(s.code() == ExitCode::kInput);
  CHECK(s.message() == "cannot open partial: " + dir.file("missing") +
                           ": No such file or directory");
  s = readFile(dir.path(), none);
  CHECK(s.message() == "read: " + dir.path() + ": Is a directory");
}

TEST_CASE("readToEnd reads a pipe to its end") {
  Result<Pipe> p = Pipe::open(O_CLOEXEC, "test");
  REQUIRE(p.ok());
  REQUIRE(writeAll(p.value().write.get(), "abc", 3, "pipe").ok());
  p.value().write.reset();
  std::string out;
  REQUIRE(readToEnd(p.value().read.get(), out, "pipe").ok());
  CHECK(out == "abc");
}

TEST_CASE("openRetry opens like open") {
  testing::TempDir dir;
  UniqueFd fd(
      openRetry(dir.file("new").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
  CHECK(fd.valid());
  CHECK(openRetry(dir.file("none").c_str(), O_RDONLY) == -1);
  CHECK(errno == ENOENT);
}

TEST_CASE("UniqueFd closes what it owns, once") {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  {
    UniqueFd a(fds[0]);
    UniqueFd b(std::move(a));
    CHECK_FALSE(a.valid());
    CHECK(b.get() == fds[0]);
    UniqueFd c;
    c = std::move(b);
    CHECK(c.get() == fds[0]);
    UniqueFd w(fds[1]);
    const int raw = w.release();
    CHECK_FALSE(w.valid());
    CHECK(::fcntl(raw, F_GETFD) >= 0);  // released: still open
    w.reset(raw);
  }
  CHECK(::fcntl(fds[0], F_GETFD) == -1);
  CHECK(::fcntl(fds[1], F_GETFD) == -1);
}

TEST_CASE("Pipe::open sets the flags on both ends") {
  Result<Pipe> p = Pipe::open(O_CLOEXEC, "test");
  REQUIRE(p.ok());
  CHECK((::fcntl(p.value().read.get(), F_GETFD) & FD_CLOEXEC) != 0);
  CHECK((::fcntl(p.value().write.get(), F_GETFD) & FD_CLOEXEC) != 0);
}

TEST_CASE("waitStatusText says how a process ended") {
  auto endOf = [](int code, int sig) {
    pid_t pid = ::fork();
    if (pid == 0) {
      if (sig != 0) {
        ::signal(sig, SIG_DFL);  // not the test framework's handler
        ::raise(sig);
      }
      ::_exit(code);
    }
    int status = 0;
    waitPid(pid, &status, 0);
    return waitStatusText(status);
  };
  CHECK(endOf(0, 0) == "exit status 0");
  CHECK(endOf(3, 0) == "exit status 3");
  CHECK(endOf(0, SIGKILL) == "signal 9 (Killed)");
  CHECK(endOf(0, SIGTERM) == "signal 15 (Terminated)");
}
