#pragma once
// A Job's expressions, compiled once in the master before the workers are
// forked (so a bad expression is a usage error before any work, and the
// workers inherit the compiled form).

#include <memory>
#include <string>
#include <vector>

#include "aggregate.h"
#include "explode.h"
#include "expr.h"
#include "job.h"
#include "status.h"

namespace clusterproc {

/// One --sort item: a column of the output rows, or an expression on them.
struct SortItem {
  std::string column;           ///< set when the item names an output column
  std::unique_ptr<Expr> expr;   ///< otherwise
  bool descending = false;
};

/// The compiled parts of a job.
struct Query {
  std::vector<ExplodePath> explode;  ///< --explode, in the order given
  std::vector<std::unique_ptr<Expr>> where;
  std::vector<ListItem> select;
  bool star = false;  ///< --select has '*': columns vary by record
  std::vector<std::string>
      exclude;  ///< --exclude: top-level keys '*' leaves out
  std::vector<ListItem> group_by;
  std::vector<AggCall> aggs;
  std::vector<AggSpec> agg_specs;   ///< aggs, as the group table wants them
  std::vector<SortItem> sort;
  std::vector<std::string>
      columns;  ///< output column names, when known (not with '*')
};

/// True when an expression of q calls line() (its input's lines are then
/// counted as chunks are cut).
bool usesLine(const Query& q);

/// Compiles every expression option of job; errors are usage errors that
/// name the option and the column.
Result<Query> compileQuery(const Job& job);

}  // namespace clusterproc
