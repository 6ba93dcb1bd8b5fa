// Streaming jobs: every matching record yields one output row right away,
// written into its chunk's report and merged by the master in input order.

#include "field_fetch.h"
#include "job_state.h"
#include "json_write.h"
#include "query.h"
#include "record_scanner.h"

namespace clusterproc {

namespace {

/// --where alone (and --exec's input): the matching line, byte for byte (its ending normalized to
/// "\n", so a last line without one still ends the output properly).
class WhereState final : public JobState {
 public:
  void add(const RecordRef& rec, EvalArena&, ChunkReport& out) override {
    out.output.append(rec.line);
    out.output += '\n';
    out.row_lines.push_back(rec.order & 0xffffffffu);
  }
  std::string serialize() const override { return {}; }
  Status mergeSerialized(std::string_view) override { return Status(); }
  void render(std::vector<std::string>&, const RunTotals&) const override {}
};

/// --select LIST: one object per matching record.
class SelectState final : public JobState {
 public:
  explicit SelectState(const Query& query) : items_(query.select), values_(items_.size()) {
    for (size_t i = 0; i < items_.size(); ++i) {
      std::string key;
      appendJsonString(key, items_[i].name);
      keys_.push_back(key + ":");
      fetched_.push_back(fetch_.add(*items_[i].expr, &values_[i]));
    }
  }
  void add(const RecordRef& rec, EvalArena& arena, ChunkReport& out) override {
    fetch_.fetch(rec.root, arena);  // the plain fields, in one pass
    out.output += '{';
    for (size_t i = 0; i < items_.size(); ++i) {
      if (i > 0) out.output += ',';
      out.output += keys_[i];
      appendValueJson(out.output, fetched_[i] ? values_[i] : items_[i].expr->eval(rec.root, arena));
    }
    out.output += "}\n";
    out.row_lines.push_back(rec.order & 0xffffffffu);
  }
  std::string serialize() const override { return {}; }
  Status mergeSerialized(std::string_view) override { return Status(); }
  void render(std::vector<std::string>&, const RunTotals&) const override {}

 private:
  const std::vector<ListItem>& items_;
  std::vector<std::string> keys_;  ///< "\"name\":" per item, escaped once
  std::vector<Value> values_;      ///< per item (never resized: fetch_ points in)
  std::vector<bool> fetched_;      ///< per item: a plain field, in values_
  FieldFetch fetch_;
};

}  // namespace

std::unique_ptr<JobState> makeStreamState(const Job& job, const Query& query) {
  if (job.kind == JobKind::kSelect) return std::make_unique<SelectState>(query);
  return std::make_unique<WhereState>();
}

}  // namespace clusterproc
