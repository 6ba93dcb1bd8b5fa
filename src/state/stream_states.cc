// Streaming jobs: every matching record yields one output row right away,
// written into its chunk's report and merged by the master in input order.

#include <algorithm>

#include "chunk_report.h"
#include "field_fetch.h"
#include "job_state.h"
#include "json_raw.h"
#include "json_write.h"
#include "query.h"

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

/// --select LIST: one object per matching record. '*' writes the record's
/// members as they are written in it (key and value bytes unchanged), less
/// --exclude's keys; an item named like a member takes the member's place
/// (the first place the name has in the row), so every name appears once.
class SelectState final : public JobState {
 public:
  explicit SelectState(const Query& query)
      : items_(query.select),
        exclude_(query.exclude),
        sort_(query.sort),
        values_(items_.size()),
        done_(items_.size()) {
    for (size_t i = 0; i < items_.size(); ++i) {
      std::string key;
      appendJsonString(key, items_[i].name);
      keys_.push_back(key + ":");
      fetched_.push_back(items_[i].expr != nullptr &&
                         fetch_.add(*items_[i].expr, &values_[i]));
    }
  }
  void add(const RecordRef& rec, EvalArena& arena, ChunkReport& out) override {
    fetch_.fetch(rec.root, arena);  // the plain fields, in one pass
    for (size_t i = 0; i < items_.size(); ++i) {
      if (items_[i].expr != nullptr && !fetched_[i]) {
        values_[i] = items_[i].expr->eval(rec.root, arena);
      }
    }
    appendSortPrefix(out.output, sort_, [&](size_t i) {
      const SortItem& it = sort_[i];
      return it.select_column >= 0
                 ? values_[static_cast<size_t>(it.select_column)]
                 : it.expr->eval(rec.root, arena);
    });
    std::fill(done_.begin(), done_.end(), false);
    out.output += '{';
    bool first = true;
    for (size_t i = 0; i < items_.size(); ++i) {
      if (items_[i].expr == nullptr) {
        appendMembers(rec, arena, out.output, first);
      } else if (!done_[i]) {
        if (!first) out.output += ',';
        first = false;
        out.output += keys_[i];
        appendValueJson(out.output, value(i, rec, arena));
        done_[i] = true;
      }
    }
    out.output += "}\n";
    out.row_lines.push_back(rec.order & 0xffffffffu);
  }
  std::string serialize() const override { return {}; }
  Status mergeSerialized(std::string_view) override { return Status(); }
  void render(std::vector<std::string>&, const RunTotals&) const override {}

 private:
  /// Item i's value: every item is evaluated (or fetched) before the row
  /// is written, for the sort prefix.
  Value value(size_t i, const RecordRef&, EvalArena&) const {
    return values_[i];
  }
  /// '*': the scanner passes only objects here when the list has one.
  void appendMembers(const RecordRef& rec, EvalArena& arena, std::string& out,
                     bool& first) {
    simdjson::dom::object object;
    if (rec.root.get_object().get(object)) return;
    RawObjectCursor members(rec.line, rawSkipSpace(rec.line, 0));
    std::string_view raw_key, raw_value;
    for (simdjson::dom::key_value_pair field : object) {
      members.next(raw_key, raw_value);  // the same member, as written
      if (std::find(exclude_.begin(), exclude_.end(), field.key) !=
          exclude_.end())
        continue;
      size_t named = items_.size();
      for (size_t i = 0; i < items_.size(); ++i) {
        if (items_[i].expr != nullptr && items_[i].name == field.key) {
          named = i;
          break;
        }
      }
      if (named < items_.size() && done_[named]) continue;
      if (!first) out += ',';
      first = false;
      out += raw_key;
      out += ':';
      if (named < items_.size()) {
        appendValueJson(out, value(named, rec, arena));
        done_[named] = true;
      } else {
        out += raw_value;
      }
    }
  }

  const std::vector<ListItem>& items_;
  const std::vector<std::string>& exclude_;
  const std::vector<SortItem>& sort_;
  std::vector<std::string> keys_;  ///< "\"name\":" per item, escaped once
  std::vector<Value> values_;  ///< per item (never resized: fetch_ points in)
  std::vector<bool> fetched_;  ///< per item: a plain field, in values_
  std::vector<bool>
      done_;  ///< per item, per record: written (perhaps in a member's place)
  FieldFetch fetch_;
};

}  // namespace

std::unique_ptr<JobState> makeStreamState(const Job& job, const Query& query) {
  if (job.kind == JobKind::kSelect) return std::make_unique<SelectState>(query);
  return std::make_unique<WhereState>(query);
}

}  // namespace clusterproc
