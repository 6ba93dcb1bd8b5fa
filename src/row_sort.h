#pragma once
// --sort: orders output rows by columns or expressions evaluated on them.

#include <string>
#include <vector>

#include "query.h"

namespace clusterproc {

/// Sorts rows (JSON texts) by items, stably: rows with equal keys keep their
/// input order, so the result is the same for any -j and --chunk-size.
/// Values compare in the order of SPEC section 3.
void sortRows(std::vector<std::string>& rows, const std::vector<SortItem>& items);

}  // namespace clusterproc
