#include "mpi_verdict.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

using namespace clusterproc;

namespace {

/// What MPI_MAXLOC does with the ranks' outcomes: the largest value, the
/// lowest rank among equal ones.
MpiVerdict agreeOn(const std::vector<std::pair<int, bool>>& outcomes) {
  int best = -1, at = 0;
  for (size_t r = 0; r < outcomes.size(); ++r) {
    int v = encodeOutcome(outcomes[r].first, outcomes[r].second);
    if (v > best) {
      best = v;
      at = static_cast<int>(r);
    }
  }
  return decodeOutcome(best, at);
}

}  // namespace

TEST_CASE("mpi verdict: outcomes ordered from success to signals") {
  std::vector<int> order = {encodeOutcome(0, false),  encodeOutcome(3, false),
                            encodeOutcome(3, true),   encodeOutcome(1, true),
                            encodeOutcome(2, true),   encodeOutcome(4, true),
                            encodeOutcome(141, true), encodeOutcome(129, true),
                            encodeOutcome(130, true), encodeOutcome(143, true)};
  CHECK(std::is_sorted(order.begin(), order.end()));
  CHECK(std::adjacent_find(order.begin(), order.end()) == order.end());
}

TEST_CASE("mpi verdict: decoding gives back the code and whether it failed") {
  for (int code : {0, 1, 2, 3, 4, 129, 130, 141, 143}) {
    for (bool failed : {false, true}) {
      MpiVerdict v = decodeOutcome(encodeOutcome(code, failed), 7);
      CHECK(v.code == code);
      CHECK(v.rank == 7);
      CHECK(v.failed == ((code == 0 || code == 3) ? failed : true));
    }
  }
}

TEST_CASE(
    "mpi verdict: an input error on one rank outweighs bad records elsewhere") {
  MpiVerdict v = agreeOn({{3, false}, {0, false}, {2, true}, {3, false}});
  CHECK(v.code == 2);
  CHECK(v.failed);
  CHECK(v.rank == 2);
}

TEST_CASE(
    "mpi verdict: bad records on any rank make the run exit 3 with its "
    "result") {
  MpiVerdict v = agreeOn({{0, false}, {3, false}, {3, false}});
  CHECK(v.code == 3);
  CHECK_FALSE(v.failed);
  CHECK(v.rank == 1);  // the lowest rank among equals
}

TEST_CASE("mpi verdict: --max-errors stopping one rank fails the run") {
  MpiVerdict v = agreeOn({{3, false}, {3, true}, {0, false}});
  CHECK(v.code == 3);
  CHECK(v.failed);
  CHECK(v.rank == 1);
}

TEST_CASE("mpi verdict: an unknown status counts as a failure") {
  MpiVerdict v = agreeOn({{70, true}, {3, false}});
  CHECK(v.code == 70);
  CHECK(v.failed);
}
