#include "output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "test_util.h"

namespace clusterproc {
namespace {

using testing::TempDir;

bool exists(const std::string& path) { return std::filesystem::exists(path); }

TEST_CASE("output: nothing at the target until commit") {
  TempDir dir;
  const std::string target = dir.file("result.json");
  Result<OutputFile> out = OutputFile::open(target);
  REQUIRE(out.ok());
  REQUIRE(out.value().write("{\"count\":3}\n").ok());
  CHECK_FALSE(exists(target));
  // The data goes to a temporary file in the same folder.
  CHECK_FALSE(out.value().tempPath().empty());
  CHECK(std::filesystem::path(out.value().tempPath()).parent_path() ==
        std::filesystem::path(dir.path()));
  CHECK(dir.entries().size() == 1);
}

TEST_CASE("output: flushIfLive writes a direct target now, not a -o file") {
  TempDir dir;
  Result<OutputFile> file = OutputFile::open(dir.file("result.jsonl"));
  REQUIRE(file.ok());
  REQUIRE(file.value().write("{\"a\":1}\n").ok());
  REQUIRE(file.value().flushIfLive().ok());
  // A -o file appears whole at the end: its temporary keeps the buffer.
  CHECK(std::filesystem::file_size(file.value().tempPath()) == 0);
  // A named pipe is written directly: a reader gets the rows at once.
  const std::string fifo = dir.file("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  Result<OutputFile> pipe = OutputFile::open(fifo);
  REQUIRE(pipe.ok());
  REQUIRE(pipe.value().write("{\"a\":1}\n").ok());
  char buf[64];
  CHECK(::read(reader, buf, sizeof buf) < 0);  // still buffered
  REQUIRE(pipe.value().flushIfLive().ok());
  CHECK(::read(reader, buf, sizeof buf) == 8);
  ::close(reader);
}

TEST_CASE(
    "output: commit puts the content in place and leaves no temporary file") {
  TempDir dir;
  const std::string target = dir.file("result.json");
  std::string big(3 << 20, 'x');  // beyond the write buffer: flushed early
  {
    Result<OutputFile> out = OutputFile::open(target);
    REQUIRE(out.ok());
    REQUIRE(out.value().write("head\n").ok());
    REQUIRE(out.value().write(big).ok());
    REQUIRE(out.value().write("tail\n").ok());
    CHECK_FALSE(exists(target));
    REQUIRE(out.value().commit().ok());
  }
  CHECK(testing::readFile(target) == "head\n" + big + "tail\n");
  CHECK(dir.entries() == std::vector<std::string>{"result.json"});
}

TEST_CASE("output: commit replaces an existing file") {
  TempDir dir;
  const std::string target = dir.file("result.json");
  testing::writeFile(target, "old content\n");
  {
    Result<OutputFile> out = OutputFile::open(target);
    REQUIRE(out.ok());
    REQUIRE(out.value().write("new\n").ok());
    REQUIRE(out.value().commit().ok());
  }
  CHECK(testing::readFile(target) == "new\n");
  CHECK(dir.entries() == std::vector<std::string>{"result.json"});
}

TEST_CASE(
    "output: without commit an existing target is untouched and no temporary "
    "is left") {
  TempDir dir;
  const std::string target = dir.file("result.json");
  testing::writeFile(target, "precious\n");
  {
    Result<OutputFile> out = OutputFile::open(target);
    REQUIRE(out.ok());
    REQUIRE(out.value()
                .write(std::string(2 << 20, 'y'))
                .ok());  // flushed to the temp
    CHECK(dir.entries().size() == 2);
  }
  CHECK(testing::readFile(target) == "precious\n");
  CHECK(dir.entries() == std::vector<std::string>{"result.json"});
}

TEST_CASE("output: without commit and no existing target nothing is left") {
  TempDir dir;
  {
    Result<OutputFile> out = OutputFile::open(dir.file("result.json"));
    REQUIRE(out.ok());
    REQUIRE(out.value().write("partial").ok());
  }
  CHECK(dir.entries().empty());
}

TEST_CASE("output: discard removes the temporary at once") {
  TempDir dir;
  Result<OutputFile> out = OutputFile::open(dir.file("result.json"));
  REQUIRE(out.ok());
  CHECK(dir.entries().size() == 1);
  out.value().discard();
  CHECK(dir.entries().empty());
  CHECK(out.value().tempPath().empty());
}

TEST_CASE("output: a moved OutputFile removes its temporary only once") {
  TempDir dir;
  const std::string target = dir.file("result.json");
  std::optional<OutputFile> kept;
  {
    Result<OutputFile> out = OutputFile::open(target);
    REQUIRE(out.ok());
    kept.emplace(std::move(out.value()));
  }
  // The moved-from object died; the temporary still belongs to kept.
  CHECK(dir.entries().size() == 1);
  REQUIRE(kept->write("moved\n").ok());
  REQUIRE(kept->commit().ok());
  CHECK(testing::readFile(target) == "moved\n");
}

TEST_CASE("output: the committed file gets the usual permissions, not 0600") {
  TempDir dir;
  const std::string target = dir.file("result.json");
  mode_t mask = ::umask(022);
  {
    Result<OutputFile> out = OutputFile::open(target);
    REQUIRE(out.ok());
    REQUIRE(out.value().commit().ok());
  }
  ::umask(mask);
  struct stat st;
  REQUIRE(::stat(target.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
}

TEST_CASE("output: a folder that does not exist is an input/output error") {
  TempDir dir;
  Result<OutputFile> out = OutputFile::open(dir.file("missing/result.json"));
  REQUIRE_FALSE(out.ok());
  CHECK(out.status().code() == ExitCode::kInput);
  CHECK(out.status().message().find("missing/result.json") !=
        std::string::npos);
}

}  // namespace
}  // namespace clusterproc
