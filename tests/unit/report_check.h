#pragma once
// A Catch2 check shared by the tests that compare two ChunkReports field by
// field (the message round trip, the two scan paths of RecordScanner).

#include <catch2/catch.hpp>

#include "record_scanner.h"

namespace clusterproc::testing {

/// Every field of a report but the job state (partial) is the same.
inline void checkSameReport(const ChunkReport& a, const ChunkReport& b) {
  CHECK(a.chunk_id == b.chunk_id);
  CHECK(a.lines == b.lines);
  CHECK(a.records == b.records);
  CHECK(a.matched == b.matched);
  CHECK(a.output == b.output);
  CHECK(a.row_lines == b.row_lines);
  CHECK(a.exec_error == b.exec_error);
  CHECK(a.exec_fatal == b.exec_fatal);
  CHECK(a.exec_stderr == b.exec_stderr);
  CHECK(a.held_output == b.held_output);
  REQUIRE(a.bad.size() == b.bad.size());
  for (size_t i = 0; i < a.bad.size(); ++i) {
    CHECK(a.bad[i].line == b.bad[i].line);
    CHECK(a.bad[i].offset == b.bad[i].offset);
    CHECK(a.bad[i].reason == b.bad[i].reason);
    CHECK(a.bad[i].raw == b.bad[i].raw);
  }
}

}  // namespace clusterproc::testing
