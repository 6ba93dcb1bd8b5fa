#pragma once
// The command line: CLI11 turns argv into a Job; no other file sees CLI11.

#include <cstdint>
#include <optional>
#include <string>

#include "job.h"
#include "status.h"

namespace clusterproc {

/// A parsed command line: a Job to run, or text to print and exit 0
/// (--help, --version).
struct CommandLine {
  std::optional<Job> job;
  std::string text;
};

/// Parses argv; a usage error is a Status with ExitCode::kUsage.
Result<CommandLine> parseCommandLine(int argc, char** argv);

/// Parses a size such as 4096, 64K, 4M or 1G (powers of 1024).
Result<uint64_t> parseSize(const std::string& text, const std::string& option);

/// Parses a duration such as 0, 250ms or 2s into milliseconds.
Result<uint64_t> parseMilliseconds(const std::string& text,
                                   const std::string& option);

}  // namespace clusterproc
