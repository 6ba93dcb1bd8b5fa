// Streaming jobs: every matching record yields one output row right away,
// written into its chunk's report and merged by the master in input order.

#include "field_fetch.h"
#include "job_state.h"
#include "json_write.h"
#include "query.h"
#include "record_scanner.h"

namespace clusterproc {

namespace {

/// With --sort, a row starts with the values of the sort items: a JSON
/// array, then kSortPrefixEnd (query.h). value(i) is item i's value.
template <typename ValueOf>
void appendSortPrefix(std::string& out, const std::vector<SortItem>& items,
                      ValueOf value) {
  if (items.empty()) return;
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    appendValueJson(out, value(i));
  }
  out += ']';
  out += kSortPrefixEnd;
}

/// --where alone, records alone (--sort, --limit) and --exec's input: the
/// matching line, byte for byte (its ending normalized to "\n", so a last
/// line without one still ends the output properly).
class WhereState final : public JobState {
 public:
  explicit WhereState(const Query& query) : sort_(query.sort) {}
  void add(const RecordRef& rec, EvalArena& arena, ChunkReport& out) override {
    appendSortPrefix(out.output, sort_, [&](size_t i) {
      return sort_[i].expr->eval(rec.root, arena);
    });
    out.output.append(rec.line);
    out.output += '\n';
    out.row_lines.push_back(rec.order & 0xffffffffu);
  }
  std::string serialize() const override { return {}; }
  Status mergeSerialized(std::string_view) override { return Status(); }
  void render(std::vector<std::string>&, const RunTotals&) const override {}

 private:
  const std::vector<SortItem>& sort_;
};

/// --select LIST: one object per matching record.
class SelectState final : public JobState {
 public:
  explicit SelectState(const Query& query)
      : items_(query.select), sort_(query.sort), values_(items_.size()) {
    for (size_t i = 0; i < items_.size(); ++i) {
      std::string key;
      appendJsonString(key, items_[i].name);
      keys_.push_back(key + ":");
      fetched_.push_back(fetch_.add(*items_[i].expr, &values_[i]));
    }
  }
  void add(const RecordRef& rec, EvalArena& arena, ChunkReport& out) override {
    fetch_.fetch(rec.root, arena);  // the plain fields, in one pass
    for (size_t i = 0; i < items_.size(); ++i) {
      if (!fetched_[i]) values_[i] = items_[i].expr->eval(rec.root, arena);
    }
    appendSortPrefix(out.output, sort_, [&](size_t i) {
      const SortItem& it = sort_[i];
      return it.select_column >= 0
                 ? values_[static_cast<size_t>(it.select_column)]
                 : it.expr->eval(rec.root, arena);
    });
    out.output += '{';
    for (size_t i = 0; i < items_.size(); ++i) {
      if (i > 0) out.output += ',';
      out.output += keys_[i];
      appendValueJson(out.output, values_[i]);
    }
    out.output += "}\n";
    out.row_lines.push_back(rec.order & 0xffffffffu);
  }
  std::string serialize() const override { return {}; }
  Status mergeSerialized(std::string_view) override { return Status(); }
  void render(std::vector<std::string>&, const RunTotals&) const override {}

 private:
  const std::vector<ListItem>& items_;
  const std::vector<SortItem>& sort_;
  std::vector<std::string> keys_;  ///< "\"name\":" per item, escaped once
  std::vector<Value> values_;      ///< per item (never resized: fetch_ points in)
  std::vector<bool> fetched_;      ///< per item: a plain field, in values_
  FieldFetch fetch_;
};

}  // namespace

std::unique_ptr<JobState> makeStreamState(const Job& job, const Query& query) {
  if (job.kind == JobKind::kSelect) return std::make_unique<SelectState>(query);
  return std::make_unique<WhereState>(query);
}

}  // namespace clusterproc
