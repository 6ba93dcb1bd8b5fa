#pragma once
// --sort: orders output rows by the sort prefix they carry (query.h).

#include <string>
#include <vector>

#include "query.h"

namespace clusterproc {

/// Sorts rows ("PREFIX" kSortPrefixEnd "ROW" each) by items, stably: rows
/// with equal keys keep their input order, so the result is the same for
/// any -j and --chunk-size. Values compare in the order of SPEC section 3.
/// The prefixes are removed. Returns the texts of the items that were null
/// on every row (when there are two rows or more): likely a misspelt field.
std::vector<std::string> sortRows(std::vector<std::string>& rows,
                                  const std::vector<SortItem>& items);

}  // namespace clusterproc
