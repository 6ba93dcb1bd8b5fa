#include "checkpoint.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "test_util.h"

namespace clusterproc {
namespace {

using testing::TempDir;
using testing::writeFile;

/// A job state that is just bytes, to see what a checkpoint carries.
class BytesState : public JobState {
 public:
  explicit BytesState(std::string b) : bytes_(std::move(b)) {}
  void add(const RecordRef&, EvalArena&, ChunkReport&) override {}
  std::string serialize() const override { return bytes_; }
  Status mergeSerialized(std::string_view b) override {
    bytes_ += b;
    return Status();
  }
  void render(std::vector<std::string>&, const RunTotals&) const override {}

 private:
  std::string bytes_;
};

struct Fixture {
  TempDir tmp;
  Job job;
  std::vector<Input> inputs;
  Fixture() {
    writeFile(tmp.file("a.jsonl"), "{\"a\":1}\n{\"a\":2}\n");
    writeFile(tmp.file("b.jsonl"), "{\"b\":1}\n");
    job.kind = JobKind::kCount;
    job.inputs = {tmp.file("a.jsonl"), tmp.file("b.jsonl")};
    job.checkpoint_dir = tmp.file("ck");
    reopen();
  }
  ~Fixture() { closeInputs(inputs); }
  void reopen() {
    closeInputs(inputs);
    Result<std::vector<Input>> in = openInputs(job.inputs);
    REQUIRE(in.ok());
    inputs = std::move(in.value());
  }
  std::unique_ptr<Checkpoint> open() {
    Result<std::unique_ptr<Checkpoint>> c = Checkpoint::open(job, inputs);
    INFO((c.ok() ? "" : c.status().message()));
    REQUIRE(c.ok());
    return std::move(c.value());
  }
  /// Saves a checkpoint at input 1, offset 0 (after all of a.jsonl).
  void saveOne() {
    std::unique_ptr<Checkpoint> c = open();
    REQUIRE_FALSE(c->resume().has_value());
    RunTotals t;
    t.records = 2;
    t.bytes = 16;
    t.lines = 2;
    t.bad_records = 1;
    REQUIRE(
        c->save(CheckpointPosition{1, 0, 0, 7}, t, BytesState("state!")).ok());
  }
};

TEST_CASE(
    "a checkpoint saved is loaded by the next run, state, totals and "
    "position") {
  Fixture f;
  f.saveOne();
  std::unique_ptr<Checkpoint> c = f.open();
  REQUIRE(c->resume().has_value());
  const CheckpointResume& r = *c->resume();
  CHECK(r.position.input == 1);
  CHECK(r.position.offset == 0);
  CHECK(r.position.next_chunk == 7);
  CHECK(r.totals.records == 2);
  CHECK(r.totals.bytes == 16);
  CHECK(r.totals.bad_records == 1);
  CHECK(r.state == "state!");
  CHECK(c->resumeNote().find("16 bytes (2 records)") != std::string::npos);
  CHECK(c->resumeNote().find("its 1 bad records were reported") !=
        std::string::npos);
  // Input 0 is done; input 1 starts at its beginning.
  std::vector<InputRange> rest = c->remaining({{0, 16, 0}, {0, 8, 0}});
  CHECK(rest[0].begin == 16);
  CHECK(rest[0].end == 16);
  CHECK(rest[1].begin == 0);
  CHECK(rest[1].end == 8);
}

TEST_CASE("the remaining ranges start at the saved offset with its line base") {
  Fixture f;
  {
    std::unique_ptr<Checkpoint> c = f.open();
    REQUIRE(c->save(CheckpointPosition{0, 8, 1, 1}, RunTotals{}, BytesState(""))
                .ok());
  }
  std::unique_ptr<Checkpoint> c = f.open();
  std::vector<InputRange> rest = c->remaining({{0, 16, 0}, {0, 8, 0}});
  CHECK(rest[0].begin == 8);
  CHECK(rest[0].line_base == 1);
  CHECK(rest[1].begin == 0);
}

TEST_CASE(
    "a checkpoint of another job, shard or inputs is refused, naming the "
    "difference") {
  Fixture f;
  f.saveOne();
  std::string dir = f.job.checkpoint_dir;
  auto refused = [&](const std::string& what) {
    Result<std::unique_ptr<Checkpoint>> c = Checkpoint::open(f.job, f.inputs);
    REQUIRE_FALSE(c.ok());
    CHECK(c.status().code() == ExitCode::kInput);
    INFO(c.status().message());
    CHECK(c.status().message().find(what) != std::string::npos);
    CHECK(c.status().message().find("remove " + dir + " to start over") !=
          std::string::npos);
  };
  SECTION("another job") {
    f.job.kind = JobKind::kAggregate;
    f.job.group_by = "a";
    refused("another job");
  }
  SECTION("another shard") {
    f.job.shard_index = 0;
    f.job.shard_count = 2;
    refused("--shard 0/2");
  }
  SECTION("an input changed") {
    writeFile(f.tmp.file("b.jsonl"), "{\"b\":1}\n{\"b\":2}\n");
    f.reopen();
    refused("b.jsonl changed since (size 8 -> 16)");
  }
  SECTION("other inputs") {
    f.job.inputs.pop_back();
    f.reopen();
    refused("2 inputs, this run has 1");
  }
  SECTION("a damaged file") {
    std::string path = dir + "/checkpoint";
    std::string bytes = testing::readFile(path);
    bytes[bytes.size() / 2] ^= 1;
    writeFile(path, bytes);
    refused("checkpoint");
  }
  // The checkpoint is still there for the right run.
  if (f.job.inputs.size() == 2 && f.job.shard_count == 0 &&
      f.job.kind == JobKind::kCount) {
    CHECK(std::filesystem::exists(dir + "/checkpoint"));
  }
}

TEST_CASE(
    "one run at a time per folder; a killed run's temporary file is removed") {
  Fixture f;
  std::unique_ptr<Checkpoint> first = f.open();
  // The lock is per process (workers do not inherit it): try from a child.
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    Result<std::unique_ptr<Checkpoint>> second =
        Checkpoint::open(f.job, f.inputs);
    bool refused = !second.ok() && second.status().message().find(
                                       "in use by another clusterproc run") !=
                                       std::string::npos;
    ::_exit(refused ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(std::filesystem::exists(f.job.checkpoint_dir +
                                "/lock"));  // the refused run left it
  first.reset();
  // A fresh run that saved nothing leaves no folder.
  CHECK_FALSE(std::filesystem::exists(f.job.checkpoint_dir));
  std::filesystem::create_directory(f.job.checkpoint_dir);
  std::string stale =
      f.job.checkpoint_dir + "/.checkpoint.clusterproc-tmp-abcdef";
  writeFile(stale, "half");
  std::unique_ptr<Checkpoint> again = f.open();
  CHECK_FALSE(std::filesystem::exists(stale));
}

TEST_CASE("finish removes the checkpoint and its folder") {
  Fixture f;
  f.saveOne();
  std::unique_ptr<Checkpoint> c = f.open();
  REQUIRE(c->finish().ok());
  CHECK_FALSE(std::filesystem::exists(f.job.checkpoint_dir));
}

TEST_CASE("--checkpoint is for state jobs only") {
  Job job;
  job.checkpoint_dir = "ck";
  for (JobKind k : {JobKind::kSummary, JobKind::kCount, JobKind::kAggregate}) {
    job.kind = k;
    CHECK(Checkpoint::checkJob(job).ok());
  }
  for (JobKind k : {JobKind::kWhere, JobKind::kSelect, JobKind::kExec}) {
    job.kind = k;
    Status s = Checkpoint::checkJob(job);
    CHECK(s.code() == ExitCode::kUsage);
  }
}

}  // namespace
}  // namespace clusterproc
