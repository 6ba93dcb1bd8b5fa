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
#include "group_table.h"
#include "job.h"
#include "status.h"

namespace clusterproc {

/// One --sort item, resolved (sort_keys.h, docs/expressions.md "Sorting").
/// Rows of a job with --sort carry a prefix with what the items read:
/// "PREFIX" kSortPrefixEnd "ROW" (the prefix is stripped before output).
struct SortItem {
  std::string text;  ///< as written, without the direction (messages)
  bool descending = false;
  /// Record jobs (--where, --select, records): the --select item whose
  /// value this is, or -1 for expr, an expression over the record. The
  /// worker evaluates both; the prefix is the JSON array of the items'
  /// values.
  int select_column = -1;
  /// Record jobs: see select_column. Aggregate jobs: an expression over the
  /// group's prefix object (its members are Query::sort_members), used
  /// when member is empty.
  std::unique_ptr<Expr> expr;
  /// Aggregate jobs: the prefix member that is the value.
  std::string member;
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
  /// --agg, then the aggregates that only --sort reads (hidden: computed,
  /// not printed).
  std::vector<AggCall> aggs;
  std::vector<AggSpec> agg_specs;  ///< aggs, as the group table wants them
  size_t visible_aggs = 0;         ///< the aggs of --agg (the first ones)
  std::vector<SortItem> sort;
  /// Aggregate jobs with --sort: the members of each group's sort prefix.
  std::vector<SortMember> sort_members;
  std::vector<std::string>
      columns;  ///< output column names, when known (not with '*')
};

/// True when an expression of q calls line() (its input's lines are then
/// counted as chunks are cut).
bool usesLine(const Query& q);

/// The group table's spec of an --agg call; usage error when its
/// parameter is out of range.
Result<AggSpec> aggSpecOf(const AggCall& call);

/// Compiles every expression option of job; errors are usage errors that
/// name the option and the column.
Result<Query> compileQuery(const Job& job);

}  // namespace clusterproc
