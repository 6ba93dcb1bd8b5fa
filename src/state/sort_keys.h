#pragma once
// --sort items resolved the way SQL resolves ORDER BY (SPEC section 2,
// docs/expressions.md "Sorting"): an output column by its name first; then,
// in record jobs, an expression over the record; in aggregate jobs, a
// --group-by key or an aggregate as written there (one that --agg lacks is
// computed as a hidden column), or an expression over those. Anything else
// is a usage error that lists the output columns.

#include "job.h"
#include "query.h"
#include "status.h"

namespace clusterproc {

/// Fills q.sort (and, for aggregate jobs, q.sort_members and the hidden
/// aggregates of q.aggs) from job.sort; q.columns must be complete.
Status resolveSort(const Job& job, Query& q);

/// Usage error when two output columns of q have the same name; it names
/// both items as written.
Status checkDistinctColumns(const Query& q);

}  // namespace clusterproc
