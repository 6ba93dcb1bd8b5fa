// --group-by/--agg: evaluates the key and argument expressions of each
// record and feeds the group table.

#include "group_table.h"
#include "job_state.h"
#include "query.h"

namespace clusterproc {

namespace {

class AggregateJobState final : public JobState {
 public:
  explicit AggregateJobState(const Query& query)
      : query_(query),
        table_(query.agg_specs, query.group_by.size()),
        keys_(query.group_by.size()),
        args_(query.aggs.size()) {
    for (const ListItem& it : query.group_by) key_names_.push_back(it.name);
    for (const AggCall& a : query.aggs) agg_names_.push_back(a.name);
  }

  void add(const RecordRef& rec, EvalArena& arena, ChunkReport&) override {
    for (size_t i = 0; i < keys_.size(); ++i) {
      keys_[i] = query_.group_by[i].expr->eval(rec.root, arena);
    }
    for (size_t i = 0; i < args_.size(); ++i) {
      const AggCall& a = query_.aggs[i];
      args_[i] = a.arg ? a.arg->eval(rec.root, arena) : Value::null();
    }
    table_.add(keys_.data(), args_.data(), rec.order);
  }
  std::string serialize() const override { return table_.serialize(); }
  std::string takePartial() override {
    std::string bytes = table_.serialize();
    table_ = GroupTable(query_.agg_specs, query_.group_by.size());
    return bytes;
  }
  Status mergeSerialized(std::string_view bytes) override {
    return table_.mergeSerialized(bytes);
  }
  Status mergeShifted(std::string_view bytes, uint64_t order_offset) override {
    return table_.mergeSerialized(bytes, order_offset);
  }
  void render(std::vector<std::string>& rows, const RunTotals&) const override {
    table_.renderRows(key_names_, agg_names_, rows);
  }

 private:
  const Query& query_;
  GroupTable table_;
  std::vector<Value> keys_;  ///< reused per record
  std::vector<Value> args_;
  std::vector<std::string> key_names_;
  std::vector<std::string> agg_names_;
};

}  // namespace

std::unique_ptr<JobState> makeAggregateState(const Query& query) {
  return std::make_unique<AggregateJobState>(query);
}

}  // namespace clusterproc
