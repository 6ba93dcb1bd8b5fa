#pragma once
// The summary profile as a table for people (-f table, and the default at a
// terminal): a line with the totals, then one row per field with its path,
// count, types, min, max, mean, distinct values and most frequent values.

#include <memory>

#include "output.h"
#include "row_writer.h"

namespace clusterproc {

/// A writer that takes the summary's JSON object (summary.h) and prints it
/// as a table of width terminal columns (0: unlimited).
std::unique_ptr<RowWriter> makeSummaryTableWriter(OutputFile& out,
                                                  size_t width);

}  // namespace clusterproc
