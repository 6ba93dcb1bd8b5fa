#include "job_state.h"

#include "json_write.h"
#include "summary.h"

namespace clusterproc {

namespace {

/// --count: the master's record total is the answer; nothing to keep.
class CountState final : public JobState {
 public:
  void add(simdjson::dom::element) override {}
  std::string serialize() const override { return {}; }
  Status mergeSerialized(std::string_view) override { return Status(); }
  void render(std::string& out, const RunTotals& totals) const override {
    out += "{\"count\":";
    appendJsonUint(out, totals.records);
    out += '}';
  }
};

/// The default job: the summary profile.
class SummaryJobState final : public JobState {
 public:
  void add(simdjson::dom::element record) override { state_.add(record); }
  std::string serialize() const override { return state_.serialize(); }
  Status mergeSerialized(std::string_view bytes) override {
    Result<SummaryState> other = SummaryState::deserialize(bytes);
    if (!other.ok()) return other.status();
    state_.merge(other.value());
    return Status();
  }
  void render(std::string& out, const RunTotals& totals) const override {
    state_.render(out, totals.records, totals.bad_records, totals.bytes);
  }

 private:
  SummaryState state_;
};

}  // namespace

std::unique_ptr<JobState> makeJobState(const Job& job) {
  switch (job.kind) {
    case JobKind::kCount:
      return std::make_unique<CountState>();
    case JobKind::kSummary:
      break;
  }
  return std::make_unique<SummaryJobState>();
}

}  // namespace clusterproc
