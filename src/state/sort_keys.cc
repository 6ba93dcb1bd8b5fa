#include "sort_keys.h"

#include <cctype>
#include <optional>
#include <utility>

#include "expr_text.h"

namespace clusterproc {

namespace {

Status usage(const std::string& msg) {
  return Status::error(ExitCode::kUsage, msg);
}

/// "the output columns are: host, n" (or what the rows are).
std::string columnList(const Job& job, const Query& q) {
  if (job.kind == JobKind::kWhere) return "the rows are whole records";
  std::string s = "the output columns are: ";
  for (size_t i = 0; i < q.columns.size(); ++i)
    s += (i > 0 ? ", " : "") + q.columns[i];
  return s;
}

/// " (did you mean 'Host'?)" when name is a column but for the case of letters.
std::string caseHint(const Query& q, const std::string& name) {
  for (const std::string& c : q.columns) {
    if (expr::asciiLowercase(c) == expr::asciiLowercase(name))
      return " (did you mean '" + c + "'?)";
  }
  return "";
}

/// The output column an item names: its text, or a string literal with the
/// column's name (`--sort '"total bytes" desc'`, as SQL's quoted names).
std::optional<size_t> namedColumn(const Query& q, const Expr& e) {
  std::string name = e.name();
  if (e.isConstant()) {
    EvalArena arena;
    Value v = e.eval(simdjson::dom::element(), arena);
    if (v.kind != ValueKind::kString) return std::nullopt;
    name = std::string(v.s);
  }
  for (size_t i = 0; i < q.columns.size(); ++i) {
    if (q.columns[i] == name) return i;
  }
  return std::nullopt;
}

/// text as one aggregate call (`count`, `Count`, `sum(bytes)`), if it is one.
std::optional<AggCall> aggregateCall(const std::string& text) {
  Result<std::vector<AggCall>> calls = parseAggList(text, "--sort");
  if (!calls.ok() || calls.value().size() != 1) return std::nullopt;
  return std::move(calls.value()[0]);
}

/// Why text, a call of an aggregate's name, is not a valid aggregate.
Status aggregateError(const std::string& text) {
  Result<std::vector<AggCall>> calls =
      parseAggList(text, "--sort item '" + text + "'");
  return calls.ok() ? usage("--sort '" + text + "': one aggregate expected")
                    : calls.status();
}

bool sameAggregate(const AggCall& a, const AggCall& b) {
  if (a.func != b.func || a.param != b.param) return false;
  if ((a.arg == nullptr) != (b.arg == nullptr)) return false;
  return a.arg == nullptr || a.arg->name() == b.arg->name();
}

/// Resolves the items of an aggregate job to members of the rows' prefix.
class AggregateSort {
 public:
  AggregateSort(const Job& job, Query& q) : job_(job), q_(q) {}

  Status item(ListItem& it) {
    SortItem s;
    s.text = it.expr->name();
    s.descending = it.descending;
    if (std::optional<size_t> col = namedColumn(q_, *it.expr)) {
      s.member = q_.columns[*col];
      addColumn(*col);
    } else if (std::optional<size_t> key = keyWritten(s.text)) {
      s.member = s.text;
      addMember(s.text, true, *key);
    } else if (std::optional<AggCall> call = aggregateCall(s.text)) {
      s.member = s.text;
      Result<size_t> j = aggregate(std::move(*call));
      if (!j.ok()) return j.status();
      addMember(s.text, false, j.value());
    } else {
      // An expression over the columns, keys and aggregates it names.
      if (it.roots.empty()) return constantError(s.text);
      for (const RootRef& r : it.roots) {
        Status ok = root(s.text, r);
        if (!ok.ok()) return ok;
      }
      s.expr = std::move(it.expr);
    }
    q_.sort.push_back(std::move(s));
    return Status();
  }

 private:
  Status root(const std::string& item, const RootRef& r) {
    if (r.kind == RootRef::kWhole) {
      return usage("--sort '" + item +
                   "': '.' is a record, and the rows of --group-by/--agg " +
                   "are groups (" + columnList(job_, q_) + ")");
    }
    if (r.kind == RootRef::kKey) {
      for (size_t i = 0; i < q_.columns.size(); ++i) {
        if (q_.columns[i] == r.name) {
          addColumn(i);
          return Status();
        }
      }
      if (std::optional<size_t> key = keyWritten(r.name)) {
        addMember(r.name, true, *key);
        return Status();
      }
    }
    std::optional<AggCall> call = aggregateCall(r.name);
    if (!call && r.kind == RootRef::kAggregate) return aggregateError(r.name);
    if (!call) {
      std::string what = item == r.name ? "" : "'" + r.name + "' in ";
      return usage(
          "--sort " + what + "'" + item +
          "': not an output column, a --group-by key or an aggregate; " +
          columnList(job_, q_) + caseHint(q_, r.name));
    }
    Result<size_t> j = aggregate(std::move(*call));
    if (!j.ok()) return j.status();
    addMember(r.name, false, j.value());
    return Status();
  }

  /// The --group-by key written as text (`host`, `lower(host)`).
  std::optional<size_t> keyWritten(const std::string& text) const {
    for (size_t k = 0; k < q_.group_by.size(); ++k) {
      if (q_.group_by[k].expr->name() == text) return k;
    }
    return std::nullopt;
  }

  /// The index in q.aggs of call: the --agg item that computes it, or a new
  /// hidden aggregate.
  Result<size_t> aggregate(AggCall call) {
    for (size_t j = 0; j < q_.aggs.size(); ++j) {
      if (sameAggregate(q_.aggs[j], call)) return j;
    }
    Result<AggSpec> spec = aggSpecOf(call);
    if (!spec.ok()) return spec.status();
    q_.agg_specs.push_back(spec.value());
    q_.aggs.push_back(std::move(call));
    return q_.aggs.size() - 1;
  }

  void addColumn(size_t col) {
    const size_t keys = q_.group_by.size();
    addMember(q_.columns[col], col < keys, col < keys ? col : col - keys);
  }

  void addMember(const std::string& name, bool key, size_t index) {
    for (const SortMember& m : q_.sort_members) {
      if (m.name == name) return;
    }
    q_.sort_members.push_back(SortMember{name, key, index});
  }

  Status constantError(const std::string& item) const {
    return usage("--sort '" + item + "': a constant does not order the rows; " +
                 columnList(job_, q_));
  }

  const Job& job_;
  Query& q_;
};

/// Record jobs: an output column, or an expression over the record.
Status recordItem(const Job& job, Query& q, ListItem& it) {
  SortItem s;
  s.text = it.expr->name();
  s.descending = it.descending;
  if (std::optional<size_t> col = namedColumn(q, *it.expr)) {
    s.select_column = static_cast<int>(*col);
  } else {
    for (const RootRef& r : it.roots) {
      if (r.kind == RootRef::kAggregate) {
        return usage(
            "--sort '" + s.text + "': " + r.name +
            " is an aggregate, and aggregates need --group-by or --agg; " +
            columnList(job, q));
      }
    }
    if (it.expr->isConstant()) {
      return usage("--sort '" + s.text +
                   "': a constant does not order the rows; " +
                   columnList(job, q));
    }
    s.expr = std::move(it.expr);
  }
  q.sort.push_back(std::move(s));
  return Status();
}

}  // namespace

Status resolveSort(const Job& job, Query& q) {
  if (job.sort.empty()) return Status();
  Result<std::vector<ListItem>> items = parseList(job.sort, "--sort", true);
  if (!items.ok()) return items.status();
  if (job.kind == JobKind::kAggregate) {
    AggregateSort sort(job, q);
    for (ListItem& it : items.value()) {
      Status s = sort.item(it);
      if (!s.ok()) return s;
    }
    return Status();
  }
  for (ListItem& it : items.value()) {
    Status s = recordItem(job, q, it);
    if (!s.ok()) return s;
  }
  return Status();
}

Status checkDistinctColumns(const Query& q) {
  struct Made {
    const char* option;
    const std::string* name;
    const std::string* text;
  };
  std::vector<Made> made;
  for (const ListItem& it : q.select)
    made.push_back({"--select", &it.name, &it.text});
  for (const ListItem& it : q.group_by)
    made.push_back({"--group-by", &it.name, &it.text});
  for (size_t j = 0; j < q.visible_aggs; ++j) {
    made.push_back({"--agg", &q.aggs[j].name, &q.aggs[j].text});
  }
  for (size_t b = 1; b < made.size(); ++b) {
    for (size_t a = 0; a < b; ++a) {
      if (*made[a].name != *made[b].name) continue;
      return usage("two output columns are named '" + *made[a].name +
                   "': " + made[a].option + " '" + *made[a].text + "' and " +
                   made[b].option + " '" + *made[b].text +
                   "'; rename one with 'as NAME'");
    }
  }
  return Status();
}

}  // namespace clusterproc
