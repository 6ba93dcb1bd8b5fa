// Plain multi-member gzip cut into pieces for the workers: pieces start at
// member candidates, the next input waits until every piece is merged, and
// when a piece's last member goes on past its end, the master decodes on
// from that piece's start, without the line the piece before took.

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "chunk_source.h"
#include "gzip_test_util.h"
#include "test_util.h"

namespace clusterproc {
namespace {

struct Members {
  testing::TempDir dir;
  std::vector<std::string> texts;
  std::vector<uint64_t> starts;  ///< compressed offsets of the members
  std::string plain;
  Result<std::vector<Input>> inputs = std::vector<Input>();
  std::unique_ptr<ShmRing> ring;

  Members() {
    std::string gz;
    // Members cut inside lines: the second starts in the middle of one.
    const std::string text = testing::sampleLines(7, 600, 70);
    const size_t cuts[] = {0, text.size() / 3 + 5, text.size() * 2 / 3,
                           text.size()};
    for (int i = 0; i < 3; ++i) {
      texts.push_back(text.substr(cuts[i], cuts[i + 1] - cuts[i]));
      starts.push_back(gz.size());
      gz += testing::gzipMember(texts.back());
    }
    plain = text;
    testing::writeFile(dir.file("in.gz"), gz);
    testing::writeFile(dir.file("next.jsonl"), "{\"next\":1}\n");
    inputs = openInputs({dir.file("in.gz"), dir.file("next.jsonl")});
    REQUIRE(inputs.ok());
    Result<std::unique_ptr<ShmRing>> r = ShmRing::create(4, 1 << 16, 1 << 16);
    REQUIRE(r.ok());
    ring = std::move(r.value());
  }
  ~Members() { closeInputs(inputs.value()); }
};

}  // namespace

TEST_CASE("gzip pieces start at members; the next input waits for them",
          "[gzip_pieces]") {
  Members m;
  ChunkSource source(m.inputs.value(), m.ring.get(), 4096, 4096, 2);
  std::vector<Assign> pieces;
  Assign a;
  ChunkMeta meta;
  for (ChunkSource::State s;
       (s = source.next(a, meta)) == ChunkSource::State::kReady;) {
    REQUIRE(a.slot == kPieceSlot);
    REQUIRE(meta.piece);
    pieces.push_back(a);
  }
  REQUIRE(pieces.size() == m.starts.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    CHECK(pieces[i].offset == m.starts[i]);
    CHECK(pieces[i].chunk_id == i);
  }
  // Until the last piece is merged, the plain file after it waits.
  for (size_t i = 0; i < pieces.size(); ++i) {
    CHECK(source.next(a, meta) == ChunkSource::State::kNeedSlot);
    source.pieceMerged();
  }
  REQUIRE(source.next(a, meta) == ChunkSource::State::kReady);
  CHECK(a.input == 1);
  CHECK(a.slot == kNoSlot);
}

TEST_CASE("a piece that ends inside a member: the master decodes on from it",
          "[gzip_pieces]") {
  Members m;
  ChunkSource source(m.inputs.value(), m.ring.get(), 4096, 4096, 2);
  Assign a;
  ChunkMeta meta;
  for (int i = 0; i < 3; ++i)
    REQUIRE(source.next(a, meta) == ChunkSource::State::kReady);
  source.pieceMerged();  // the first piece, whole
  // The second piece's member went on past its end: from its start on, the
  // master decodes, and drops the line the first piece finished.
  const uint64_t pos = m.texts[0].size();
  source.resumeSerial(0, m.starts[1], pos);
  std::string got;
  uint64_t at = 0;
  for (size_t guard = 0; guard < 1000; ++guard) {
    ChunkSource::State s = source.next(a, meta);
    if (s == ChunkSource::State::kNeedRead) {
      REQUIRE(source.readMore().ok());
      continue;
    }
    REQUIRE(s == ChunkSource::State::kReady);
    if (a.input == 1) break;  // the next input: this one is done
    REQUIRE(a.slot < m.ring->slots());
    if (got.empty()) at = meta.offset;
    CHECK(meta.offset == at + got.size());
    got.append(m.ring->slot(a.slot) + a.offset, a.size);
    source.release(a.slot);
  }
  CHECK(source.inputError().ok());
  const uint64_t first_line_end = m.plain.find('\n', pos) + 1;
  CHECK(at == first_line_end);
  CHECK(got == m.plain.substr(first_line_end));
}

}  // namespace clusterproc
