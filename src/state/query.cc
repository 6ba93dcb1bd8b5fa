#include "query.h"

#include "sort_keys.h"

namespace clusterproc {

namespace {

/// --exclude LIST: top-level keys, written as paths (`host`, `.["a b"]`).
Status compileExclude(const Job& job, Query& q) {
  if (job.exclude.empty()) return Status();
  if (!q.star) {
    return Status::error(
        ExitCode::kUsage,
        "--exclude drops keys from the whole record: add '*' to --select "
        "(--select '*, EXPR as NAME') or leave --select out");
  }
  Result<std::vector<ListItem>> items =
      parseList(job.exclude, "--exclude", false);
  if (!items.ok()) return items.status();
  for (const ListItem& it : items.value()) {
    const std::string* key = it.expr->rootKey();
    if (key == nullptr || it.name != it.expr->name()) {
      return Status::error(
          ExitCode::kUsage,
          "--exclude takes top-level keys (host, .[\"user agent\"]), not '" +
              it.text + "'");
    }
    q.exclude.push_back(*key);
  }
  return Status();
}

}  // namespace

bool usesLine(const Query& q) {
  for (const auto& e : q.where) {
    if (e->usesLine()) return true;
  }
  for (const auto* list : {&q.select, &q.group_by}) {
    for (const ListItem& it : *list) {
      if (it.expr && it.expr->usesLine()) return true;  // '*' has none
    }
  }
  // Record jobs evaluate their --sort expressions in the worker, with the
  // record (aggregate jobs: over the group's prefix, no line there).
  for (const SortItem& s : q.sort) {
    if (s.expr && s.expr->usesLine()) return true;
  }
  for (const AggCall& a : q.aggs) {
    if (a.arg && a.arg->usesLine()) return true;
  }
  return false;
}

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
  for (const std::string& e : job.explode) {
    Result<ExplodePath> path = parseExplodePath(e);
    if (!path.ok()) return path.status();
    q.explode.push_back(std::move(path.value()));
  }
  for (const std::string& w : job.where) {
    Result<std::unique_ptr<Expr>> e = parseExpr(w, "--where");
    if (!e.ok()) return e.status();
    q.where.push_back(std::move(e.value()));
  }
  if (!job.select.empty()) {
    Result<std::vector<ListItem>> items =
        parseList(job.select, "--select", false, true);
    if (!items.ok()) return items.status();
    q.select = std::move(items.value());
    for (const ListItem& it : q.select) q.star = q.star || it.expr == nullptr;
    // With '*' the columns are each record's own keys: none known here.
    for (const ListItem& it : q.select) {
      if (!q.star) q.columns.push_back(it.name);
    }
  }
  if (Status s = compileExclude(job, q); !s.ok()) return s;
  if (!job.group_by.empty()) {
    Result<std::vector<ListItem>> items =
        parseList(job.group_by, "--group-by", false);
    if (!items.ok()) return items.status();
    q.group_by = std::move(items.value());
    for (const ListItem& it : q.group_by) q.columns.push_back(it.name);
  }
  if (job.kind == JobKind::kAggregate) {
    // --group-by alone counts the records of each group.
    Result<std::vector<AggCall>> aggs =
        parseAggList(job.agg.empty() ? "count" : job.agg, "--agg");
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
