#include "query.h"

#include <cctype>

namespace clusterproc {

namespace {

std::string withoutSpace(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

/// Strips a trailing "asc" or "desc" word; returns true for desc.
bool takeDirection(std::string_view& item) {
  item = trim(item);
  for (std::string_view word : {std::string_view("desc"), std::string_view("asc")}) {
    if (item.size() > word.size() && item.substr(item.size() - word.size()) == word &&
        std::isspace(static_cast<unsigned char>(item[item.size() - word.size() - 1]))) {
      item = trim(item.substr(0, item.size() - word.size()));
      return word == "desc";
    }
  }
  return false;
}

Status compileSort(const Job& job, Query& q) {
  for (std::string_view raw : splitList(job.sort)) {
    std::string_view item = raw;
    SortItem s;
    s.descending = takeDirection(item);
    std::string name = withoutSpace(item);
    for (const std::string& c : q.columns) {
      if (c == name) s.column = c;
    }
    if (s.column.empty()) {
      Result<std::unique_ptr<Expr>> e = parseExpr(item, "--sort");
      if (!e.ok()) return e.status();
      s.expr = std::move(e.value());
    }
    q.sort.push_back(std::move(s));
  }
  return Status();
}

}  // namespace

std::vector<std::string_view> splitList(std::string_view text) {
  std::vector<std::string_view> items;
  int depth = 0;
  char quote = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == '\\') ++i;
      else if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(' || c == '[') {
      ++depth;
    } else if (c == ')' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 0) {
      items.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  if (!trim(text).empty()) items.push_back(text.substr(start));
  return items;
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
      Result<AggFunc> f = aggFuncFromName(a.func, a.arg != nullptr);
      if (!f.ok()) return f.status();
      AggSpec spec{f.value(), a.param};
      Status ok = checkAggSpec(spec);
      if (!ok.ok()) return ok;
      q.agg_specs.push_back(spec);
      q.columns.push_back(a.name);
    }
  }
  Status s = compileSort(job, q);
  if (!s.ok()) return s;
  return q;
}

}  // namespace clusterproc
