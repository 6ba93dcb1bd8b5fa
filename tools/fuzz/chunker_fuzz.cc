// libFuzzer target: the chunker and the line splitter.
//
// Input: 4 control bytes, then the data.
//   byte 0: chunk target (1..256), byte 1: --max-record for the stream path
//   (1..256), byte 2: seed of the read sizes of the stream, byte 3: ring
//   slots (2..5).
// Checks:
//   * chunkEnd: chunks are non-empty, contiguous, cover the input exactly,
//     end just past a '\n' (or at the end), and are as short as the rule says.
//   * lastLineEnd: just past the last '\n', or 0.
//   * LineCursor: the lines of every chunk rebuild the chunk byte for byte
//     (text + "\n" / "\r\n" / "\r" at the very end / nothing), blank is
//     isBlank(text), and the lines of all chunks are those of the whole input.
//   * ChunkSource over a stream (the shared-memory ring path, with reads of
//     random sizes): the pieces tile the input in order; a dropped
//     (oversized) piece is exactly one line longer than --max-record.

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chunk_source.h"
#include "chunker.h"
#include "fuzz_check.h"
#include "input.h"
#include "shm_ring.h"

using namespace clusterproc;

namespace {

struct LineInfo {
  std::string_view text;
  size_t offset;  // in the whole input
};

// Lines of [data, data + size) with offsets shifted by base; checks that
// they rebuild the bytes exactly.
void splitLines(const char* data, size_t size, size_t base,
                std::vector<LineInfo>& out) {
  LineCursor cursor(data, size);
  Line line;
  size_t expected_offset = 0;
  uint64_t n = 0;
  while (cursor.next(line)) {
    ++n;
    CHECK(cursor.count() == n);
    CHECK(line.offset == expected_offset);
    CHECK(line.text.data() == data + line.offset);
    CHECK(line.offset + line.text.size() <= size);
    CHECK(line.blank == isBlank(line.text));
    CHECK(line.text.find('\n') == std::string_view::npos);
    // What follows the text up to the next line: "\n", "\r\n", or at the
    // very end "" or "\r".
    size_t after = line.offset + line.text.size();
    const void* nl = std::memchr(data + after, '\n', size - after);
    size_t next =
        nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) + 1
           : size;
    std::string_view tail(data + after, next - after);
    CHECK(tail == "\n" || tail == "\r\n" ||
          (next == size && (tail.empty() || tail == "\r")));
    // A stripped '\r' is only ever the one before the newline.
    if (tail.empty() || tail == "\n") {
      CHECK(line.text.empty() || line.text.back() != '\r');
    }
    expected_offset = next;
    out.push_back({line.text, base + line.offset});
  }
  CHECK(expected_offset == size);
  // Lines = newlines, plus one for a last line without its newline.
  size_t newlines = 0;
  for (size_t i = 0; i < size; ++i) newlines += data[i] == '\n';
  CHECK(n == newlines + (size > 0 && data[size - 1] != '\n' ? 1 : 0));
  CHECK(!cursor.next(line));
}

void checkChunks(const char* data, size_t size, size_t target) {
  std::vector<LineInfo> whole;
  splitLines(data, size, 0, whole);
  std::vector<LineInfo> pieced;
  size_t begin = 0;
  while (begin < size) {
    size_t end = chunkEnd(data, size, begin, target);
    CHECK(end > begin);
    CHECK(end <= size);
    if (end < size) {
      CHECK(data[end - 1] == '\n');
      // At least target bytes (1 when 0), and the newline that ends it is
      // the first one at or after begin + target - 1.
      size_t t = target == 0 ? 1 : target;
      CHECK(end - begin >= t);
      size_t from = begin + t - 1;
      CHECK(std::memchr(data + from, '\n', end - 1 - from) == nullptr);
    } else if (size - begin > (target == 0 ? 1 : target)) {
      // Ran to the end: no newline from the target on, except the last byte.
      size_t from = begin + (target == 0 ? 1 : target) - 1;
      CHECK(std::memchr(data + from, '\n', size - 1 - from) == nullptr);
    }
    // lastLineEnd of the chunk.
    size_t last = lastLineEnd(data + begin, end - begin);
    if (last == 0) {
      CHECK(std::memchr(data + begin, '\n', end - begin) == nullptr);
    } else {
      CHECK(data[begin + last - 1] == '\n');
      CHECK(std::memchr(data + begin + last, '\n', end - begin - last) ==
            nullptr);
    }
    splitLines(data + begin, end - begin, begin, pieced);
    begin = end;
  }
  CHECK(begin == size);
  CHECK(pieced.size() == whole.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    CHECK(pieced[i].offset == whole[i].offset);
    CHECK(pieced[i].text == whole[i].text);
  }
}

// A stream that returns the data in pieces of pseudo-random size.
class PieceSource : public ByteSource {
 public:
  PieceSource(std::string_view data, uint32_t seed)
      : data_(data), state_(seed | 1) {}
  int pollFd() const override { return -1; }
  Result<size_t> read(char* buf, size_t n) override {
    state_ = state_ * 1103515245u + 12345u;
    size_t piece = 1 + (state_ >> 16) % 97;
    size_t take = std::min({n, piece, data_.size() - pos_});
    if (take == 0) return size_t{0};
    std::memcpy(buf, data_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  bool atEnd() const override { return pos_ == data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
  uint32_t state_;
};

void checkStream(std::string_view data, size_t chunk, size_t max_record,
                 uint32_t seed, size_t slots) {
  Result<std::unique_ptr<ShmRing>> made =
      ShmRing::create(slots, chunk, max_record);
  if (!made.ok()) {
    std::fprintf(stderr, "ShmRing::create: %s\n",
                 made.status().message().c_str());
    std::abort();
  }
  ShmRing& ring = *made.value();
  std::vector<Input> inputs(1);
  inputs[0].name = "fuzz";
  inputs[0].source = std::make_shared<PieceSource>(data, seed);
  ChunkSource source(inputs, &ring, 0, chunk, 1);
  std::vector<uint32_t> held;
  uint64_t pos = 0;
  uint64_t next_id = 0;
  for (size_t guard = 0;; ++guard) {
    CHECK(guard < 10 * data.size() + 100);  // no endless loop
    Assign a;
    ChunkMeta m;
    ChunkSource::State s = source.next(a, m);
    if (s == ChunkSource::State::kDone) break;
    if (s == ChunkSource::State::kNeedRead) {
      CHECK(source.readFd() == -1);
      Status st = source.readMore();
      CHECK(st.ok());
      continue;
    }
    if (s == ChunkSource::State::kNeedSlot) {
      CHECK(held.size() == ring.slots());  // no slot lost inside the source
      while (!held.empty()) {
        source.release(held.back());
        held.pop_back();
      }
      continue;
    }
    CHECK(s == ChunkSource::State::kReady);
    CHECK(a.chunk_id == next_id++);
    // A UTF-8 byte-order mark at the start of the input is skipped.
    // The slot still holds it: the assignment starts after it.
    const bool bom_chunk =
        pos == 0 && data.substr(0, 3) == "\xEF\xBB\xBF" && m.offset == 3;
    if (bom_chunk) pos = 3;
    CHECK(m.offset == pos);
    if (m.oversized) {
      CHECK(a.slot == kNoSlot && a.size == 0);
      uint64_t len = m.oversized_bytes;
      CHECK(len > 0 && pos + len <= data.size());
      std::string_view line = data.substr(pos, len);
      // Exactly one line...
      CHECK(line.find('\n') >= len - 1);
      // ... whose text is longer than --max-record (no record of allowed
      // length is ever dropped).
      if (line.back() == '\n') line.remove_suffix(1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      // (findings/chunker-*: a line of exactly max_record bytes ending in
      // "\r\n", or "\r" at the end, was dropped with a 1-byte chunk.)
      if (line.size() <= max_record) {
        std::fprintf(
            stderr,
            "dropped a line of %zu bytes (%zu with its ending) at %zu: "
            "--max-record %zu, chunk %zu\n",
            line.size(), static_cast<size_t>(len), static_cast<size_t>(pos),
            max_record, chunk);
        std::abort();
      }
      pos += len;
    } else {
      CHECK(a.slot < ring.slots());
      CHECK(a.offset == (bom_chunk ? 3u : 0u));
      // (An input that is only a BOM gives one empty chunk.)
      CHECK((a.size > 0 || bom_chunk) && a.size <= ring.capacity());
      for (uint32_t h : held) CHECK(h != a.slot);
      CHECK(pos + a.size <= data.size());
      CHECK(std::memcmp(ring.slot(a.slot) + a.offset, data.data() + pos,
                        a.size) == 0);
      pos += a.size;
      CHECK(pos == data.size() || data[pos - 1] == '\n');
      held.push_back(a.slot);
    }
  }
  for (uint32_t h : held) source.release(h);
  CHECK(pos == data.size());
  CHECK(source.bytes() == data.size());
  CHECK(source.inputError().ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size < 4) return 0;
  size_t target = bytes[0];  // 0 is allowed: chunkEnd treats it as 1
  size_t stream_chunk = 1 + bytes[0];
  size_t max_record = 1 + bytes[1];
  uint32_t seed = bytes[2];
  size_t slots = 2 + bytes[3] % 4;  // the master has 2 * workers + 2 >= 4
  // A copy without slack after it, so ASan sees any read past the end.
  std::vector<char> data(reinterpret_cast<const char*>(bytes) + 4,
                         reinterpret_cast<const char*>(bytes) + size);
  checkChunks(data.data(), data.size(), target);
  checkStream(std::string_view(data.data(), data.size()), stream_chunk,
              max_record, seed, slots);
  return 0;
}
