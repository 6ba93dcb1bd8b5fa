#include "query.h"

#include "sort_keys.h"

namespace clusterproc {

Result<AggSpec> aggSpecOf(const AggCall& call) {
  Result<AggFunc> f = aggFuncFromName(call.func, call.arg != nullptr);
  if (!f.ok()) return f.status();
  AggSpec spec{f.value(), call.param};
  Status ok = checkAggSpec(spec);
  if (!ok.ok()) return ok;
  return spec;
}

Result<Query> compileQuery(const Job& job) {
  Query q;
  for (const std::string& w : job.where) {
    Result<std::unique_ptr<Expr>> e = parseExpr(w, "--where");
    if (!e.ok()) return e.status();
    q.where.push_back(std::move(e.value()));
  }
  if (!job.select.empty()) {
    Result<std::vector<ListItem>> items = parseList(job.select, "--select", false);
    if (!items.ok()) return items.status();
    q.select = std::move(items.value());
    for (const ListItem& it : q.select) q.columns.push_back(it.name);
  }
  if (!job.group_by.empty()) {
    Result<std::vector<ListItem>> items = parseList(job.group_by, "--group-by", false);
    if (!items.ok()) return items.status();
    q.group_by = std::move(items.value());
    for (const ListItem& it : q.group_by) q.columns.push_back(it.name);
  }
  if (job.kind == JobKind::kAggregate) {
    // --group-by alone counts the records of each group.
    Result<std::vector<AggCall>> aggs = parseAggList(job.agg.empty() ? "count" : job.agg, "--agg");
    if (!aggs.ok()) return aggs.status();
    q.aggs = std::move(aggs.value());
    for (const AggCall& a : q.aggs) {
      Result<AggSpec> spec = aggSpecOf(a);
      if (!spec.ok()) return spec.status();
      q.agg_specs.push_back(spec.value());
      q.columns.push_back(a.name);
    }
    q.visible_aggs = q.aggs.size();
  }
  Status s = checkDistinctColumns(q);
  if (!s.ok()) return s;
  s = resolveSort(job, q);
  if (!s.ok()) return s;
  return q;
}

}  // namespace clusterproc
