#include "job_state.h"

#include "json_write.h"
#include "query.h"
#include "summary.h"

namespace clusterproc {

std::unique_ptr<JobState> makeStreamState(const Job& job, const Query& query);
std::unique_ptr<JobState> makeAggregateState(const Query& query);

namespace {

/// --count: the master's matched total is the answer; nothing to keep.
class CountState final : public JobState {
 public:
  void add(const RecordRef&, EvalArena&, ChunkReport&) override {}
  std::string serialize() const override { return {}; }
  Status mergeSerialized(std::string_view) override { return Status(); }
  void render(std::vector<std::string>& rows,
              const RunTotals& totals) const override {
    std::string out = "{\"count\":";
    appendJsonUint(out, totals.matched);
    out += '}';
    rows.push_back(std::move(out));
  }
};

/// The default job: the summary profile.
class SummaryJobState final : public JobState {
 public:
  /// exploded: --explode makes the records profiled more than those read.
  explicit SummaryJobState(bool exploded) : exploded_(exploded) {}
  void add(const RecordRef& rec, EvalArena&, ChunkReport&) override {
    state_.add(rec.root);
  }
  std::string serialize() const override { return state_.serialize(); }
  std::string takePartial() override {
    std::string bytes = state_.serialize();
    state_ = SummaryState();
    return bytes;
  }
  Status mergeSerialized(std::string_view bytes) override {
    Result<SummaryState> other = SummaryState::deserialize(bytes);
    if (!other.ok()) return other.status();
    state_.merge(other.value());
    return Status();
  }
  void render(std::vector<std::string>& rows,
              const RunTotals& totals) const override {
    std::string out;
    state_.render(out, exploded_ ? totals.matched : totals.records,
                  totals.bad_records, totals.bytes);
    rows.push_back(std::move(out));
  }

 private:
  bool exploded_;
  SummaryState state_;
};

}  // namespace

bool isStreamingJob(const Job& job) {
  return job.kind == JobKind::kWhere || job.kind == JobKind::kSelect ||
         job.kind == JobKind::kExec;
}

std::unique_ptr<JobState> makeJobState(const Job& job, const Query& query) {
  switch (job.kind) {
    case JobKind::kCount:
      return std::make_unique<CountState>();
    case JobKind::kWhere:
    case JobKind::kSelect:
    case JobKind::kExec:
      return makeStreamState(job, query);
    case JobKind::kAggregate:
      return makeAggregateState(query);
    case JobKind::kSummary:
      break;
  }
  return std::make_unique<SummaryJobState>(!query.explode.empty());
}

}  // namespace clusterproc
