#include "console.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>

#include "test_util.h"

namespace clusterproc {
namespace {

using testing::captured;

const std::string kErase = "\r\x1b[K";

TEST_CASE("console: each kind of message has its words") {
  std::string out = captured([](int fd) {
    Console c(fd);
    c.error(Status::error(ExitCode::kInput,
                          "x.jsonl: open: No such file or directory"));
    c.warn("worker 1 died");
    c.note("the partials hold 1 bad record");
    c.say("resuming from here");
    c.print("a.jsonl:3: invalid JSON\n");
    c.error(Status());
  });
  CHECK(out ==
        "clusterproc: x.jsonl: open: No such file or directory\n"
        "clusterproc: warning: worker 1 died\n"
        "clusterproc: note: the partials hold 1 bad record\n"
        "clusterproc: resuming from here\n"
        "a.jsonl:3: invalid JSON\n");
}

TEST_CASE("console: a closed standard output ends the run quietly") {
  std::string out = captured([](int fd) {
    Console c(fd);
    c.error(Status::error(ExitCode::kBrokenPipe, "broken pipe"));
  });
  CHECK(out.empty());
  CHECK(static_cast<int>(ExitCode::kBrokenPipe) == 141);
  // The exit code decides, not the words: another error that happens to
  // say "broken pipe" (a named pipe's writer) is printed.
  out = captured([](int fd) {
    Console c(fd);
    c.error(Status::error(ExitCode::kInput, "broken pipe"));
  });
  CHECK(out == "clusterproc: broken pipe\n");
}

TEST_CASE(
    "console: last words from a signal handler erase the progress line first") {
  std::string out = captured([](int fd) {
    pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(fd, STDERR_FILENO);
      console().drawProgress("bar");
      consoleLastWords("an input file shrank while being read");
      ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
  });
  CHECK(out == "\rbar\x1b[K" + kErase +
                   "clusterproc: an input file shrank while being read\n");
}

TEST_CASE("console: a message erases the progress line and draws it again") {
  std::string out = captured([](int fd) {
    Console c(fd);
    c.drawProgress("[==>  ] 40%");
    c.warn("w");
    c.endProgress();
    c.say("done");
  });
  CHECK(out == "\r[==>  ] 40%\x1b[K" + kErase + "clusterproc: warning: w\n" +
                   "\r[==>  ] 40%\x1b[K" + kErase + "clusterproc: done\n");
}

TEST_CASE("console: bytes that end mid-line are not drawn over") {
  std::string out = captured([](int fd) {
    Console c(fd);
    c.drawProgress("bar");
    CHECK(c.passThrough("no newline").ok());
    c.endProgress();  // nothing drawn any more: nothing to erase
    c.drawProgress("bar");
  });
  CHECK(out == "\rbar\x1b[K" + kErase + "no newline" + "\rbar\x1b[K");
}

TEST_CASE("console: a forked child never touches the master's progress line") {
  std::string out = captured([](int fd) {
    Console c(fd);
    c.drawProgress("bar");
    pid_t pid = ::fork();
    if (pid == 0) {
      c.warn("from the child");
      c.endProgress();
      ::_exit(0);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
  });
  CHECK(out == "\rbar\x1b[Kclusterproc: warning: from the child\n");
}

}  // namespace
}  // namespace clusterproc
