#include "aggregate.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "aggregate_distinct.h"
#include "aggregate_sum.h"
#include "aggregate_variance.h"
#include "exact_sum.h"
#include "group_table.h"
#include "value_test_util.h"

namespace clusterproc {
namespace {

using testing::A;
using testing::B;
using testing::D;
using testing::I;
using testing::N;
using testing::S;
using testing::U;

// The result of one aggregate over xs (record i at input position
// orders[i], or i), as JSON text.
std::string resultOf(AggSpec spec, const std::vector<Value>& xs,
                     const std::vector<uint64_t>& orders = {}) {
  GroupTable t({spec}, 0);
  for (size_t i = 0; i < xs.size(); ++i)
    t.add(nullptr, &xs[i], orders.empty() ? i : orders[i]);
  std::vector<std::string> rows;
  t.renderRows({}, {"a"}, rows);
  REQUIRE(rows.size() == 1);
  const std::string& row = rows[0];
  REQUIRE(row.rfind("{\"a\":", 0) == 0);
  return row.substr(5, row.size() - 6);
}

std::string resultOf(AggFunc f, const std::vector<Value>& xs) {
  return resultOf(AggSpec{f}, xs);
}

TEST_CASE("aggregate names map to functions") {
  CHECK(aggFuncFromName("count", false).value() == AggFunc::kCount);
  CHECK(aggFuncFromName("count", true).value() == AggFunc::kCountOf);
  CHECK(aggFuncFromName("sum", true).value() == AggFunc::kSum);
  CHECK(aggFuncFromName("quantile_exact", true).value() ==
        AggFunc::kQuantileExact);
  CHECK(aggFuncFromName("approx_distinct", true).value() ==
        AggFunc::kApproxDistinct);
  CHECK(aggFuncName(AggFunc::kCountOf) == "count");
  CHECK(aggFuncName(AggFunc::kMedian) == "median");
}

TEST_CASE("unknown aggregates and missing arguments are usage errors") {
  Result<AggFunc> unknown = aggFuncFromName("mean", true);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == ExitCode::kUsage);
  CHECK(unknown.status().message().find("mean") != std::string::npos);
  Result<AggFunc> bare = aggFuncFromName("sum", false);
  REQUIRE_FALSE(bare.ok());
  CHECK(bare.status().code() == ExitCode::kUsage);
}

TEST_CASE("checkAggSpec bounds q and k") {
  CHECK(checkAggSpec({AggFunc::kQuantile, 0.5}).ok());
  CHECK_FALSE(checkAggSpec({AggFunc::kQuantile, 1.5}).ok());
  CHECK_FALSE(checkAggSpec({AggFunc::kQuantileExact, std::nan("")}).ok());
  CHECK(checkAggSpec({AggFunc::kTop, 3}).ok());
  CHECK_FALSE(checkAggSpec({AggFunc::kTop, 0}).ok());
  CHECK_FALSE(checkAggSpec({AggFunc::kTop, 2.5}).ok());
}

TEST_CASE("count counts records, count(x) non-null values") {
  const std::vector<Value> xs = {I(1), N, S("a"), N, B(false)};
  CHECK(resultOf(AggFunc::kCount, xs) == "5");
  CHECK(resultOf(AggFunc::kCountOf, xs) == "3");
}

TEST_CASE("sum of integers is exact beyond 64 bits") {
  const uint64_t big = 18446744073709551615ull;  // 2^64 - 1
  CHECK(resultOf(AggFunc::kSum, {U(big), U(big), U(big), I(3)}) ==
        "55340232221128654848");
  CHECK(resultOf(AggFunc::kSum, {I(INT64_MIN), I(INT64_MIN), I(-1)}) ==
        "-18446744073709551617");
  CHECK(resultOf(AggFunc::kSum, {I(2), I(-5), S("7"), N, B(true)}) == "-3");
}

TEST_CASE("sum with a double is math.fsum of all numbers") {
  // fsum([0.1] * 10) == 1.0; a naive loop gives 0.9999999999999999.
  CHECK(resultOf(AggFunc::kSum, std::vector<Value>(10, D(0.1))) == "1");
  // fsum([1e100, 1, -1e100]) == 1.0, the int included.
  CHECK(resultOf(AggFunc::kSum, {D(1e100), I(1), D(-1e100)}) == "1");
  // fsum([1, 2.5]) == 3.5.
  CHECK(resultOf(AggFunc::kSum, {I(1), D(2.5)}) == "3.5");
  // Each int is rounded to a double first, as fsum does: float(2**53 + 1)
  // is 2**53, and fsum([2**53 + 1, 0.5]) == 9007199254740992.0.
  // From 2^53 on doubles print in scientific form (they read back as doubles).
  CHECK(resultOf(AggFunc::kSum, {I(9007199254740993), D(0.5)}) ==
        "9.007199254740992e+15");
  // fsum([2**64 - 1, -1.0]) == 1.8446744073709552e19.
  CHECK(resultOf(AggFunc::kSum, {U(18446744073709551615ull), D(-1.0)}) ==
        "1.8446744073709552e+19");
}

// Doubles of every magnitude and sign: subnormals, huge values, and values
// that cancel.
std::vector<double> wideDoubles(uint32_t seed, size_t n) {
  std::mt19937_64 rng(seed);
  std::vector<double> xs;
  for (size_t i = 0; i < n; ++i) {
    double x;
    switch (rng() % 6) {
      case 0:
        x = std::ldexp(static_cast<double>(rng() >> 11),
                       static_cast<int>(rng() % 2098) - 1126);
        break;
      case 1:
        x = std::ldexp(static_cast<double>(rng() >> 11), -1074);
        break;  // subnormal
      case 2:
        x = std::ldexp(static_cast<double>(rng() >> 11), 960);
        break;  // near DBL_MAX
      case 3:
        x = i > 0 ? -xs[rng() % i] : 1.0;
        break;  // cancels
      default:
        x = std::normal_distribution<double>(100, 50)(rng);
        break;
    }
    if (!std::isfinite(x)) x = 1.5;
    xs.push_back(rng() % 2 ? x : -x);
  }
  return xs;
}

TEST_CASE(
    "WindowedSum gives ExactFloatSum's exact result, merged in any split") {
  std::mt19937_64 rng(99);
  for (uint32_t seed = 1; seed <= 30; ++seed) {
    const std::vector<double> xs = wideDoubles(seed, 500);
    ExactFloatSum reference;
    for (double x : xs) reference.add(x);
    std::vector<WindowedSum> parts(1 + rng() % 4);
    for (double x : xs) parts[rng() % parts.size()].add(x);
    WindowedSum merged;
    for (const WindowedSum& p : parts) merged.merge(p);
    const double expected = reference.value();
    INFO("seed " << seed);
    CHECK(std::bit_cast<uint64_t>(merged.total().value()) ==
          std::bit_cast<uint64_t>(expected));
    WindowedSum whole;
    for (double x : xs) whole.add(x);
    CHECK(std::bit_cast<uint64_t>(whole.total().value()) ==
          std::bit_cast<uint64_t>(expected));
  }
}

TEST_CASE("WindowedSum stays exact past its periodic fold", "[.slow]") {
  WindowedSum s;
  const uint64_t n = (uint64_t{1} << 31) + 10;
  for (uint64_t i = 0; i < n; ++i) s.add(i % 2 ? 3.0 : -1.0);
  CHECK(s.total().value() == static_cast<double>(n / 2 * 2 + (n % 2 ? -1 : 0)));
}

TEST_CASE("WindowedSum of nothing or of zeros is +0.0") {
  WindowedSum s;
  CHECK(std::bit_cast<uint64_t>(s.total().value()) == 0);
  s.add(-0.0);
  s.add(0.0);
  CHECK(std::bit_cast<uint64_t>(s.total().value()) == 0);
}

TEST_CASE("WindowedSum serializes to the exact sum") {
  WindowedSum s;
  for (double x : wideDoubles(3, 200)) s.add(x);
  ByteWriter w;
  s.serialize(w);
  ByteReader r(w.str());
  Result<WindowedSum> t = WindowedSum::deserialize(r);
  REQUIRE(t.ok());
  CHECK(r.atEnd());
  CHECK(t.value().total().value() == s.total().value());
}

TEST_CASE("sum and avg of no number are null") {
  CHECK(resultOf(AggFunc::kSum, {}) == "null");
  CHECK(resultOf(AggFunc::kSum, {S("1"), N}) == "null");
  CHECK(resultOf(AggFunc::kAvg, {B(true)}) == "null");
}

TEST_CASE("avg is fsum divided by the count of numbers") {
  CHECK(resultOf(AggFunc::kAvg, {I(1), I(2), S("x")}) == "1.5");
  CHECK(resultOf(AggFunc::kAvg, {I(1), I(2), I(4)}) == "2.3333333333333335");
  CHECK(resultOf(AggFunc::kAvg, std::vector<Value>(10, D(0.1))) == "0.1");
  CHECK(resultOf(AggFunc::kAvg, {D(1e308), D(1e308), D(-1e308)}) ==
        "3.333333333333333e+307");
}

TEST_CASE("min and max follow jq's order across types and skip null") {
  const std::vector<Value> xs = {S("a"), I(3), N, B(true), A("[1]"), D(-0.5)};
  CHECK(resultOf(AggFunc::kMin, xs) == "true");
  CHECK(resultOf(AggFunc::kMax, xs) == "[1]");
  CHECK(resultOf(AggFunc::kMin, {I(3), D(-0.5), I(2)}) == "-0.5");
  CHECK(resultOf(AggFunc::kMin, {N, N}) == "null");
}

// 1e17 is equal to 100000000000000000 but prints as "1e+17".
const int64_t kE17 = 100000000000000000;

TEST_CASE("min and max of equal values keep the earliest spelling") {
  // The double is added first but comes later in the input.
  CHECK(resultOf(AggSpec{AggFunc::kMin}, {D(1e17), I(kE17)}, {9, 4}) ==
        "100000000000000000");
  CHECK(resultOf(AggSpec{AggFunc::kMax}, {D(1e17), I(kE17)}, {4, 9}) ==
        "1e+17");
  CHECK(resultOf(AggSpec{AggFunc::kMax}, {I(1), D(1.5), D(1.0)}, {9, 4, 2}) ==
        "1.5");
}

TEST_CASE("var and stddev are the sample variance and deviation") {
  const std::vector<Value> xs = {I(1), I(2), I(3), I(4), S("9")};
  CHECK(resultOf(AggFunc::kVar, xs) == "1.6666666666666667");
  CHECK(resultOf(AggFunc::kStddev, xs) == "1.2909944487358056");
  CHECK(resultOf(AggFunc::kVar, {D(2.5), D(2.5), D(2.5)}) == "0");
}

TEST_CASE("var and stddev of fewer than two numbers are null") {
  CHECK(resultOf(AggFunc::kVar, {I(5), N}) == "null");
  CHECK(resultOf(AggFunc::kStddev, {}) == "null");
}

// Values offset + m / 1024 are exact doubles; in units of 2^-10 the variance
// is an exact rational that __int128 holds.
void checkVarianceAccuracy(uint32_t seed, int64_t offset_units,
                           int64_t spread_units, int n) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int64_t> m(-spread_units, spread_units);
  ExactFloatSum sum, squares;
  __int128 s1 = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const int64_t units = offset_units + m(rng);
    const double x = std::ldexp(static_cast<double>(units), -10);
    REQUIRE(static_cast<int64_t>(std::ldexp(x, 10)) == units);
    sum.add(x);
    addSquare(squares, x);
    s1 += units;
    s2 += static_cast<__int128>(units) * units;
  }
  const __int128 numerator = static_cast<__int128>(n) * s2 - s1 * s1;  // exact
  const long double exact = static_cast<long double>(numerator) /
                            (static_cast<long double>(n) * (n - 1)) /
                            1048576.0L;
  const double var = sampleVariance(n, sum, squares).value();
  const double sd = sampleStddev(n, sum, squares).value();
  INFO("seed " << seed << " var " << var);
  // The target is 1e-12; the computation is within about an ulp.
  CHECK(std::fabs(var - exact) <= 1e-15L * exact);
  CHECK(std::fabs(sd - std::sqrt(exact)) <= 1e-15L * std::sqrt(exact));
}

TEST_CASE("variance matches exact rational arithmetic on random data") {
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    checkVarianceAccuracy(seed, 0, int64_t{1} << 40, 1000);
  }
}

TEST_CASE("variance stays accurate when the mean dwarfs the spread") {
  // Mean 2^40, spread below 1: a naive sum-of-squares formula loses every
  // digit here.
  for (uint32_t seed = 1; seed <= 20; ++seed) {
    checkVarianceAccuracy(seed, int64_t{1} << 50, 1000, 1000);
  }
}

TEST_CASE("count_distinct counts equal values once, null not at all") {
  const std::vector<Value> xs = {I(1),     D(1.0),     S("1"),  N,
                                 A("[1]"), A("[1.0]"), B(false)};
  CHECK(resultOf(AggFunc::kCountDistinct, xs) == "4");
  CHECK(resultOf(AggFunc::kCountDistinct, {}) == "0");
}

TEST_CASE("distinct counts see arrays and objects by structure") {
  const std::vector<Value> xs = {
      A("[1,{\"a\":1.0,\"b\":2}]"), A("[1.0,{\"b\":2,\"a\":1}]"), A("[2]"),
      A("[]"), Value::container(ValueKind::kObject, "{}")};
  CHECK(resultOf(AggFunc::kCountDistinct, xs) == "4");
  CHECK(resultOf(AggFunc::kApproxDistinct, xs) == "4");
  std::vector<std::string> texts;
  for (int i = 0; i < 2000; ++i)
    texts.push_back("[" + std::to_string(i) + ",\"x\"]");
  std::vector<Value> arrays;
  for (const std::string& t : texts) arrays.push_back(A(t));
  CHECK(resultOf(AggFunc::kCountDistinct, arrays) == "2000");
  CHECK(std::fabs(std::stod(resultOf(AggFunc::kApproxDistinct, arrays)) -
                  2000) <= 100);
}

TEST_CASE("approx_distinct is near the distinct count") {
  CHECK(resultOf(AggFunc::kApproxDistinct, {I(1), D(1.0), I(2), S("2"), N}) ==
        "3");
  std::vector<Value> xs;
  for (int i = 0; i < 100000; ++i) xs.push_back(I(i % 50000));
  const double estimate = std::stod(resultOf(AggFunc::kApproxDistinct, xs));
  CHECK(std::fabs(estimate - 50000) <= 0.05 * 50000);  // 3 standard errors
  CHECK(resultOf(AggFunc::kApproxDistinct, {N}) == "0");
}

TEST_CASE("quantile and median are within 1% of the lower-rank value") {
  CHECK(resultOf(AggFunc::kMedian, {}) == "null");
  // Lower median of 1..4 is 2; the sketch answers its bucket's representative.
  const double median =
      std::stod(resultOf(AggFunc::kMedian, {I(4), I(1), I(3), I(2), S("x")}));
  CHECK(std::fabs(median - 2) <= 0.02);
  const double q = std::stod(resultOf(AggSpec{AggFunc::kQuantile, 0.9},
                                      {I(10), I(20), I(30), I(40), I(50)}));
  CHECK(std::fabs(q - 40) <= 0.4);
  // One distinct value: the exact extremes clamp the answer to it.
  CHECK(resultOf(AggSpec{AggFunc::kQuantile, 0.3}, {D(7.25), D(7.25)}) ==
        "7.25");
}

TEST_CASE("quantile_exact picks sorted[floor(q * (n - 1))] as written") {
  const std::vector<Value> xs = {I(5), I(1), D(4.5), I(2), I(3), S("0")};
  CHECK(resultOf(AggSpec{AggFunc::kQuantileExact, 0.5}, xs) == "3");
  CHECK(resultOf(AggSpec{AggFunc::kQuantileExact, 0.25}, xs) == "2");
  CHECK(resultOf(AggSpec{AggFunc::kQuantileExact, 0.9}, xs) == "4.5");
  CHECK(resultOf(AggSpec{AggFunc::kQuantileExact, 1.0}, xs) == "5");
  CHECK(resultOf(AggSpec{AggFunc::kQuantileExact, 0.0}, xs) == "1");
  CHECK(resultOf(AggSpec{AggFunc::kQuantileExact, 0.5}, {N}) == "null");
}

TEST_CASE("quantile_exact orders an int before an equal double") {
  CHECK(resultOf(AggSpec{AggFunc::kQuantileExact, 0.0}, {D(1e17), I(kE17)}) ==
        "100000000000000000");
  CHECK(resultOf(AggSpec{AggFunc::kQuantileExact, 1.0}, {D(1e17), I(kE17)}) ==
        "1e+17");
  CHECK(resultOf(AggSpec{AggFunc::kQuantileExact, 1.0},
                 {I(1), D(1.0), U(18446744073709551615ull)}) ==
        "18446744073709551615");
}

TEST_CASE("top ranks by count, then by value") {
  const std::vector<Value> xs = {S("b"), S("a"), S("c"), S("b"), S("c"),
                                 S("a"), S("c"), S("d"), N};
  CHECK(
      resultOf(AggSpec{AggFunc::kTop, 3}, xs) ==
      R"([{"value":"c","count":3},{"value":"a","count":2},{"value":"b","count":2}])");
  CHECK(resultOf(AggSpec{AggFunc::kTop, 10}, {I(2), D(1.0), I(1)}) ==
        R"([{"value":1,"count":2},{"value":2,"count":1}])");
  CHECK(resultOf(AggSpec{AggFunc::kTop, 2}, {N}) == "[]");
}

TEST_CASE("top spells a value as its earliest occurrence") {
  CHECK(resultOf(AggSpec{AggFunc::kTop, 1}, {D(1e17), I(kE17)}, {8, 3}) ==
        R"([{"value":100000000000000000,"count":2}])");
  CHECK(resultOf(AggSpec{AggFunc::kTop, 1}, {D(1e17), I(kE17)}, {3, 8}) ==
        R"([{"value":1e+17,"count":2}])");
}

TEST_CASE("first and last follow input order, not add order") {
  const std::vector<Value> xs = {S("five"), S("two"), S("nine"), S("seven")};
  const std::vector<uint64_t> orders = {5, 2, 9, 7};
  CHECK(resultOf(AggSpec{AggFunc::kFirst}, xs, orders) == "\"two\"");
  CHECK(resultOf(AggSpec{AggFunc::kLast}, xs, orders) == "\"nine\"");
  // A null there is the answer.
  CHECK(resultOf(AggSpec{AggFunc::kFirst}, {I(1), N}, {5, 1}) == "null");
}

TEST_CASE("ValueCounter keeps counts across rehashes") {
  ValueCounter c;
  std::vector<std::string> names;
  for (int i = 0; i < 1000; ++i) names.push_back("v" + std::to_string(i % 300));
  for (size_t i = 0; i < names.size(); ++i) c.add(S(names[i]), i);
  REQUIRE(c.size() == 300);
  uint64_t total = 0;
  for (const auto& e : c.entries()) total += e.count;
  CHECK(total == 1000);
}

TEST_CASE("values write and read back") {
  for (const Value& v : {N, B(true), I(-7), U(18446744073709551615ull),
                         D(-0.25), S("h\"i"), A("[1,{\"a\":2}]")}) {
    ByteWriter w;
    writeValue(w, v);
    ByteReader r(w.str());
    OwnedValue out;
    REQUIRE(readValue(r, out));
    CHECK(r.atEnd());
    CHECK(out.v.kind == v.kind);
    CHECK(equalValues(out.v, v));
  }
  ByteWriter w;
  w.u8(static_cast<uint8_t>(ValueKind::kDouble));
  w.u64(std::bit_cast<uint64_t>(std::numeric_limits<double>::infinity()));
  ByteReader r(w.str());
  OwnedValue out;
  CHECK_FALSE(readValue(r, out));
}

}  // namespace
}  // namespace clusterproc
