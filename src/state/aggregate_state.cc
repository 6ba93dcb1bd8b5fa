// --group-by/--agg: evaluates the key and argument expressions of each
// record and feeds the group table.

#include "field_fetch.h"
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
    for (size_t j = 0; j < query.visible_aggs; ++j)
      agg_names_.push_back(query.aggs[j].name);
    // Plain fields are fetched in one pass; the other expressions evaluated.
    for (size_t i = 0; i < keys_.size(); ++i) {
      const Expr& e = *query.group_by[i].expr;
      if (!fetch_.add(e, &keys_[i])) evals_.push_back({&e, &keys_[i]});
    }
    for (size_t i = 0; i < args_.size(); ++i) {
      const Expr* e = query.aggs[i].arg.get();
      if (e != nullptr && !fetch_.add(*e, &args_[i]))
        evals_.push_back({e, &args_[i]});
    }
  }

  void add(const RecordRef& rec, EvalArena& arena, ChunkReport&) override {
    fetch_.fetch(rec.root, arena);
    for (const Eval& e : evals_) *e.out = e.expr->eval(rec.root, arena);
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
    table_.renderRows(key_names_, agg_names_, rows, query_.sort_members);
  }

 private:
  const Query& query_;
  GroupTable table_;
  std::vector<Value>
      keys_;  ///< reused per record (never resized: fetch_ points in)
  std::vector<Value> args_;  ///< null for an aggregate without argument
  struct Eval {
    const Expr* expr;
    Value* out;
  };
  FieldFetch fetch_;
  std::vector<Eval> evals_;
  std::vector<std::string> key_names_;
  std::vector<std::string> agg_names_;
};

}  // namespace

std::unique_ptr<JobState> makeAggregateState(const Query& query) {
  return std::make_unique<AggregateJobState>(query);
}

}  // namespace clusterproc
