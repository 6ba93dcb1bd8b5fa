#pragma once
// --shard K/N: the K-th of N newline-aligned byte ranges of the inputs. The
// inputs (regular files, in order) are one concatenation of T bytes; shard K
// nominally covers [K*T/N, (K+1)*T/N) and owns exactly the lines whose first
// byte lies in that range (see docs/shards-and-checkpoints.md).

#include <cstdint>
#include <string>
#include <vector>

#include "input.h"
#include "status.h"

namespace clusterproc {

/// Where the chunking of one input starts and ends, and the number of lines
/// of the file before the start (so that line numbers stay the file's).
struct InputRange {
  uint64_t begin = 0;
  uint64_t end = 0;
  uint64_t line_base = 0;
};

/// Parses "K/N" (decimal, 0 <= K < N); errors are usage errors naming option.
Status parseShard(const std::string& text, const std::string& option,
                  uint64_t& index, uint64_t& count);

/// The whole of every input (no --shard).
std::vector<InputRange> wholeInputs(const std::vector<Input>& inputs);

/// A usage error unless every input can be cut by bytes (a regular,
/// uncompressed file); what names the option that needs it.
Status requireMappedInputs(const std::vector<Input>& inputs,
                           const std::string& what);

/// The ranges of shard index of count. Reads the bytes around the two
/// boundaries, and counts the newlines before the start in the file where
/// the shard starts. count 0: the whole input.
std::vector<InputRange> planShard(const std::vector<Input>& inputs,
                                  uint64_t index, uint64_t count);

/// Number of '\n' in bytes [0, to) of a mapped input.
uint64_t newlinesBefore(const Input& in, uint64_t to);

/// Number of '\n' in [data, data + size).
uint64_t countNewlines(const char* data, size_t size);

}  // namespace clusterproc
