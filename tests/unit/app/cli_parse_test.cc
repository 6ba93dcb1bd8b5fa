#include <catch2/catch.hpp>
#include <initializer_list>
#include <string>
#include <vector>

#include "cli.h"

namespace clusterproc {
namespace {

/// Runs parseCommandLine on "clusterproc" followed by args.
Result<CommandLine> parse(std::initializer_list<const char*> args) {
  std::vector<std::string> storage = {"clusterproc"};
  for (const char* a : args) storage.emplace_back(a);
  std::vector<char*> argv;
  for (std::string& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  return parseCommandLine(static_cast<int>(storage.size()), argv.data());
}

Job parseJob(std::initializer_list<const char*> args) {
  Result<CommandLine> r = parse(args);
  if (!r.ok()) FAIL("unexpected usage error: " << r.status().message());
  REQUIRE(r.value().job.has_value());
  return *r.value().job;
}

void checkUsage(std::initializer_list<const char*> args) {
  Result<CommandLine> r = parse(args);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == ExitCode::kUsage);
  CHECK_FALSE(r.status().message().empty());
}

uint64_t size(const std::string& text) {
  Result<uint64_t> r = parseSize(text, "--chunk-size");
  if (!r.ok())
    FAIL("parseSize(" << text << ") failed: " << r.status().message());
  return r.value();
}

TEST_CASE("cli: parseSize reads plain numbers and binary units") {
  CHECK(size("4096") == 4096);
  CHECK(size("1") == 1);
  CHECK(size("64K") == 64u << 10);
  CHECK(size("4M") == 4u << 20);
  CHECK(size("1G") == 1ull << 30);
  CHECK(size("1g") == 1ull << 30);
  CHECK(size("2k") == 2048);
  CHECK(size("3MiB") == 3u << 20);
}

TEST_CASE("cli: parseSize rejects zero, bad units and junk") {
  for (const char* bad :
       {"0", "0K", "12X", "", "K", "-5", " 5", "5 K", "1.5M", "4MM"}) {
    INFO("'" << bad << "'");
    Result<uint64_t> r = parseSize(bad, "--chunk-size");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ExitCode::kUsage);
    CHECK(r.status().message().find("--chunk-size") != std::string::npos);
  }
}

TEST_CASE("cli: parseMilliseconds reads 0, ms and s; rejects the rest") {
  CHECK(parseMilliseconds("0", "--flush-after").value() == 0);
  CHECK(parseMilliseconds("0ms", "--flush-after").value() == 0);
  CHECK(parseMilliseconds("250ms", "--flush-after").value() == 250);
  CHECK(parseMilliseconds("2s", "--flush-after").value() == 2000);
  for (const char* bad :
       {"", "5", "ms", "-1", "1.5s", "2x", "5 ms", "99999999999ms"}) {
    INFO("'" << bad << "'");
    Result<uint64_t> r = parseMilliseconds(bad, "--flush-after");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == ExitCode::kUsage);
    CHECK(r.status().message().find("--flush-after") != std::string::npos);
  }
}

TEST_CASE("cli: parseSize rejects overflow") {
  CHECK(size("18446744073709551615") == UINT64_MAX);
  CHECK_FALSE(parseSize("18446744073709551616", "x").ok());
  CHECK_FALSE(parseSize("99999999999999999999999", "x").ok());
  CHECK_FALSE(parseSize("17179869184G", "x").ok());  // 2^34 G = 2^64
  CHECK(size("17179869183G") == 17179869183ull << 30);
}

TEST_CASE("cli: defaults read standard input with the summary job") {
  Job job = parseJob({});
  CHECK(job.inputs == std::vector<std::string>{"-"});
  CHECK(job.kind == JobKind::kSummary);
  CHECK(job.workers >= 1);
  CHECK(job.chunk_size == 0);
  CHECK(job.max_errors == -1);
  CHECK(job.output_path.empty());
}

TEST_CASE("cli: inputs are kept in order") {
  Job job = parseJob({"a.jsonl", "-", "b.jsonl"});
  CHECK(job.inputs == std::vector<std::string>{"a.jsonl", "-", "b.jsonl"});
}

TEST_CASE("cli: --count selects the count job") {
  CHECK(parseJob({"--count", "x.jsonl"}).kind == JobKind::kCount);
}

TEST_CASE("cli: -j sets the worker count") {
  CHECK(parseJob({"-j", "3"}).workers == 3);
  CHECK(parseJob({"-j5"}).workers == 5);
  CHECK(parseJob({"--jobs", "7"}).workers == 7);
}

TEST_CASE("cli: --chunk-size and --max-record take sizes") {
  Job job = parseJob({"--chunk-size", "64K", "--max-record", "1M"});
  CHECK(job.chunk_size == 64u << 10);
  CHECK(job.max_record == 1u << 20);
  checkUsage({"--chunk-size", "0"});
  checkUsage({"--chunk-size", "12X"});
}

TEST_CASE("cli: --max-errors 0 means strict") {
  CHECK(parseJob({"--max-errors", "0"}).max_errors == 0);
  CHECK(parseJob({"--max-errors", "12"}).max_errors == 12);
  checkUsage({"--max-errors", "-1"});
}

TEST_CASE("cli: -o and --bad-records keep their paths") {
  Job job = parseJob({"-o", "out.json", "--bad-records", "bad.jsonl"});
  CHECK(job.output_path == "out.json");
  CHECK(job.bad_records_path == "bad.jsonl");
}

TEST_CASE("cli: an unknown option is a usage error") {
  checkUsage({"--no-such-option"});
}

TEST_CASE("cli: -j 0 is a usage error") {
  checkUsage({"-j", "0"});
  checkUsage({"-j", "many"});
}

TEST_CASE("cli: standard input twice is a usage error") {
  checkUsage({"-", "-"});
}

TEST_CASE("cli: --help returns the help text and no job") {
  Result<CommandLine> r = parse({"--help"});
  REQUIRE(r.ok());
  CHECK_FALSE(r.value().job.has_value());
  CHECK(r.value().text.find("--chunk-size") != std::string::npos);
  CHECK(r.value().text.find("--count") != std::string::npos);
}

TEST_CASE("cli: --version returns the version and no job") {
  Result<CommandLine> r = parse({"--version"});
  REQUIRE(r.ok());
  CHECK_FALSE(r.value().job.has_value());
  CHECK(r.value().text.find("clusterproc") != std::string::npos);
}

}  // namespace
TEST_CASE("cli: -j abc says what -j expects") {
  Result<CommandLine> r = parse({"-j", "abc"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() ==
        "--jobs: expects a number of worker processes from 1 to 1024, such as "
        "-j4 or --jobs 4 "
        "(got 'abc') (see clusterproc --help)");
}

}  // namespace clusterproc
