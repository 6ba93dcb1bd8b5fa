#include "shard.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace clusterproc {

namespace {

/// K*T/N without overflow.
uint64_t scaled(uint64_t total, uint64_t k, uint64_t n) {
  return static_cast<uint64_t>(static_cast<unsigned __int128>(total) * k / n);
}

/// The first line start at or after global byte pos: pos itself when a line
/// starts there, else the byte after the next '\n' of the same file, else
/// the start of the next file (lines never span files). first[i] is the
/// global offset of input i.
uint64_t lineStartAtOrAfter(const std::vector<Input>& inputs,
                            const std::vector<uint64_t>& first, uint64_t pos) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Input& in = inputs[i];
    if (pos < first[i] || pos >= first[i] + in.size) continue;
    uint64_t local = pos - first[i];
    if (local == 0) return pos;
    uint64_t after = lineEndAfter(in, local - 1, in.size);
    if (in.fd < 0) dropMapped(in, local, after, 2u << 20);
    return first[i] + after;
  }
  return pos;  // the end of the input (or past it)
}

}  // namespace

Status parseShard(const std::string& text, const std::string& option,
                  uint64_t& index, uint64_t& count) {
  auto bad = [&](const std::string& why) {
    return Status::error(ExitCode::kUsage,
                         option + ": " + why + ": '" + text +
                             "' (use K/N, 0 <= K < N, e.g. 0/4)");
  };
  size_t slash = text.find('/');
  if (slash == std::string::npos) return bad("expected K/N");
  uint64_t v[2] = {0, 0};
  std::string parts[2] = {text.substr(0, slash), text.substr(slash + 1)};
  for (int p = 0; p < 2; ++p) {
    if (parts[p].empty()) return bad("expected K/N");
    for (char c : parts[p]) {
      if (c < '0' || c > '9') return bad("not a number");
      uint64_t d = static_cast<uint64_t>(c - '0');
      if (v[p] > (UINT64_MAX - d) / 10) return bad("number too large");
      v[p] = v[p] * 10 + d;
    }
  }
  if (v[1] == 0) return bad("N must be at least 1");
  if (v[0] >= v[1])
    return bad("K must be less than N (shards are numbered from 0)");
  index = v[0];
  count = v[1];
  return Status();
}

std::vector<InputRange> wholeInputs(const std::vector<Input>& inputs) {
  std::vector<InputRange> ranges;
  for (const Input& in : inputs) ranges.push_back(InputRange{0, in.size, 0});
  return ranges;
}

Status requireMappedInputs(const std::vector<Input>& inputs,
                           const std::string& what) {
  for (const Input& in : inputs) {
    if (in.mapped) continue;
    std::string kind = in.compression != Compression::kNone
                           ? "a compressed file"
                       : in.name == "(stdin)" ? "standard input"
                                              : "a pipe or device";
    return Status::error(
        ExitCode::kUsage,
        what +
            " needs regular, uncompressed files (it cuts the input by "
            "byte offsets), but " +
            in.name + " is " + kind);
  }
  return Status();
}

uint64_t countNewlines(const char* data, size_t size) {
  uint64_t n = 0;
  size_t i = 0;
#if defined(__SSE2__)
  // 16 bytes at a time: each match adds 1 to a byte lane, and the lanes are
  // summed (psadbw) before they can overflow. About memory speed, whatever
  // the line length (a memchr per line is slow on short lines).
  const __m128i newline = _mm_set1_epi8('\n');
  while (i + 16 <= size) {
    __m128i lanes = _mm_setzero_si128();
    for (int k = 0; k < 255 && i + 16 <= size; ++k, i += 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
      lanes = _mm_sub_epi8(lanes, _mm_cmpeq_epi8(v, newline));
    }
    __m128i sums = _mm_sad_epu8(lanes, _mm_setzero_si128());
    n += static_cast<uint64_t>(_mm_cvtsi128_si64(sums)) +
         static_cast<uint64_t>(
             _mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
  }
#endif
  for (; i < size; ++i) n += data[i] == '\n';
  return n;
}

uint64_t newlinesBefore(const Input& in, uint64_t to) {
  if (in.fd < 0) {
    uint64_t n = countNewlines(in.data, to);
    dropMapped(in, 0, to, 2u << 20);
    return n;
  }
  // pread into one reused buffer: several times cheaper than faulting the
  // pages of a mapping in (docs/performance.md, "The read path").
  std::vector<char> buf(1u << 20);
  uint64_t n = 0;
  for (uint64_t at = 0; at < to;) {
    Result<size_t> got =
        readAt(in, at, buf.data(), std::min<uint64_t>(buf.size(), to - at));
    if (!got.ok() || got.value() == 0) break;  // shrank: the workers report it
    n += countNewlines(buf.data(), got.value());
    at += got.value();
  }
  return n;
}

std::vector<InputRange> planShard(const std::vector<Input>& inputs,
                                  uint64_t index, uint64_t count) {
  std::vector<InputRange> ranges = wholeInputs(inputs);
  if (count == 0) return ranges;
  std::vector<uint64_t> first;
  uint64_t total = 0;
  for (const Input& in : inputs) {
    first.push_back(total);
    total += in.size;
  }
  uint64_t lo = index == 0 ? 0
                           : lineStartAtOrAfter(inputs, first,
                                                scaled(total, index, count));
  uint64_t hi =
      index + 1 == count
          ? total
          : lineStartAtOrAfter(inputs, first, scaled(total, index + 1, count));
  for (size_t i = 0; i < inputs.size(); ++i) {
    uint64_t b = std::max(lo, first[i]),
             e = std::min(hi, first[i] + inputs[i].size);
    InputRange& r = ranges[i];
    if (b >= e) {
      r = InputRange{inputs[i].size, inputs[i].size, 0};
      continue;
    }
    r.begin = b - first[i];
    r.end = e - first[i];
    if (r.begin > 0) r.line_base = newlinesBefore(inputs[i], r.begin);
  }
  return ranges;
}

}  // namespace clusterproc
