#include "result_sink.h"

#include <catch2/catch.hpp>

namespace clusterproc {
namespace {

TEST_CASE(
    "result_sink: --select at a terminal is a table, but jsonl for a live "
    "input") {
  Job job;
  job.kind = JobKind::kSelect;
  CHECK(resolveFormat(job, true).value() == Format::kTable);
  // A table is printed at the end of the input; a pipe's rows are wanted as
  // they come.
  CHECK(resolveFormat(job, true, true).value() == Format::kJsonl);
  CHECK(resolveFormat(job, false, true).value() == Format::kJsonl);
  job.format = "table";
  CHECK(resolveFormat(job, true, true).value() == Format::kTable);
  // Aggregates print at the end anyway: still a table.
  Job agg;
  agg.kind = JobKind::kAggregate;
  CHECK(resolveFormat(agg, true, true).value() == Format::kTable);
}

}  // namespace
}  // namespace clusterproc
