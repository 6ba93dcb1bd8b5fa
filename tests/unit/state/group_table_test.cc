#include "group_table.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <ctime>
#include <iostream>
#include <random>
#include <string>
#include <vector>

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

std::string joined(const std::vector<std::string>& rows) {
  std::string out;
  for (const std::string& r : rows) out += r + "\n";
  return out;
}

std::string render(const GroupTable& t,
                   const std::vector<std::string>& key_names,
                   const std::vector<std::string>& agg_names) {
  std::vector<std::string> rows;
  t.renderRows(key_names, agg_names, rows);
  return joined(rows);
}

// Every aggregate, with the names renderRows prints them under.
const std::vector<AggSpec> kAllSpecs = {{AggFunc::kCount},
                                        {AggFunc::kCountOf},
                                        {AggFunc::kSum},
                                        {AggFunc::kMin},
                                        {AggFunc::kMax},
                                        {AggFunc::kAvg},
                                        {AggFunc::kStddev},
                                        {AggFunc::kVar},
                                        {AggFunc::kCountDistinct},
                                        {AggFunc::kApproxDistinct},
                                        {AggFunc::kQuantile, 0.9},
                                        {AggFunc::kMedian},
                                        {AggFunc::kQuantileExact, 0.25},
                                        {AggFunc::kTop, 3},
                                        {AggFunc::kFirst},
                                        {AggFunc::kLast}};
const std::vector<std::string> kAllNames = {"count",
                                            "count(x)",
                                            "sum",
                                            "min",
                                            "max",
                                            "avg",
                                            "stddev",
                                            "var",
                                            "count_distinct",
                                            "approx_distinct",
                                            "quantile",
                                            "median",
                                            "quantile_exact",
                                            "top",
                                            "first",
                                            "last"};

struct Record {
  std::vector<Value> keys;
  Value arg;
  uint64_t order;
};

// Keys where equal values are spelled differently (1, 1.0; [1], [1.0];
// 1e17 and 100000000000000000; 0 and -0.0).
Value randomKey(std::mt19937_64& rng) {
  static const std::vector<Value> pool = {I(0),
                                          D(-0.0),
                                          I(1),
                                          D(1.0),
                                          I(2),
                                          D(2.5),
                                          I(100000000000000000),
                                          D(1e17),
                                          S("a"),
                                          S("b"),
                                          S(""),
                                          N,
                                          B(true),
                                          B(false),
                                          A("[1]"),
                                          A("[1.0]"),
                                          A("[]")};
  return pool[rng() % pool.size()];
}

Value randomArg(std::mt19937_64& rng) {
  switch (rng() % 10) {
    case 0:
      return N;
    case 1:
      return S(rng() % 2 ? "x" : "y");
    case 2:
      return I(static_cast<int64_t>(rng() % 7) - 3);
    case 3:
      return I(static_cast<int64_t>(rng()));  // often beyond 2^53
    case 4:
      return U(rng() | (uint64_t{1} << 63));
    case 5:
      return D(std::ldexp(static_cast<double>(rng() % 1000), -3) - 60);
    case 6:
      return D(std::normal_distribution<double>(0, 1e6)(rng));
    case 7:
      return D(rng() % 2 ? 0.1 : -0.0);
    case 8:
      return B(rng() % 2);
    default:
      return A(rng() % 2 ? "[1]" : "[1.0]");
  }
}

std::vector<Record> randomRecords(std::mt19937_64& rng, size_t n,
                                  size_t key_count) {
  std::vector<Record> recs(n);
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < key_count; ++k)
      recs[i].keys.push_back(randomKey(rng));
    recs[i].arg = randomArg(rng);
    recs[i].order = i * 3 + 1;  // unique, increasing, not dense
  }
  return recs;
}

void addRecord(GroupTable& t, const Record& r) {
  const std::vector<Value> args(kAllSpecs.size(), r.arg);
  t.add(r.keys.data(), args.data(), r.order);
}

// Splits the records among 1..5 tables (each fed in shuffled order), merges
// them in a random order, directly or through serialize(), and renders.
std::string splitAndMerge(const std::vector<Record>& recs, size_t key_count,
                          const std::vector<std::string>& key_names,
                          std::mt19937_64& rng) {
  std::vector<std::vector<const Record*>> parts(1 + rng() % 5);
  for (const Record& r : recs) parts[rng() % parts.size()].push_back(&r);
  std::vector<GroupTable> tables;
  for (auto& part : parts) {
    std::shuffle(part.begin(), part.end(), rng);
    tables.emplace_back(kAllSpecs, key_count);
    for (const Record* r : part) addRecord(tables.back(), *r);
  }
  while (tables.size() > 1) {
    const size_t from = rng() % tables.size();
    size_t into = rng() % (tables.size() - 1);
    if (into >= from) ++into;
    if (rng() % 2) {
      tables[into].merge(tables[from]);
    } else {
      REQUIRE(tables[into].mergeSerialized(tables[from].serialize()).ok());
    }
    tables.erase(tables.begin() + static_cast<std::ptrdiff_t>(from));
  }
  return render(tables[0], key_names, kAllNames);
}

TEST_CASE("any split and merge order renders byte-identical rows") {
  std::mt19937_64 rng(2024);
  for (size_t key_count : {0, 1, 2}) {
    const std::vector<Record> recs = randomRecords(rng, 600, key_count);
    const std::vector<std::string> key_names(key_count, "k");
    GroupTable whole(kAllSpecs, key_count);
    for (const Record& r : recs) addRecord(whole, r);
    const std::string expected = render(whole, key_names, kAllNames);
    for (int trial = 0; trial < 30; ++trial) {
      INFO("keys " << key_count << ", trial " << trial);
      REQUIRE(splitAndMerge(recs, key_count, key_names, rng) == expected);
    }
  }
}

TEST_CASE("1 and 1.0 are one group, spelled by its earliest record") {
  GroupTable t({{AggFunc::kCount}}, 1);
  const Value n = N;
  const Value k1 = D(1e17), k2 = I(100000000000000000), k3 = S("z");
  t.add(&k1, &n, 10);
  t.add(&k3, &n, 11);
  t.add(&k2, &n, 4);  // earlier in the input, added later
  t.add(&k1, &n, 12);
  CHECK(t.groups() == 2);
  CHECK(render(t, {"k"}, {"n"}) ==
        "{\"k\":100000000000000000,\"n\":3}\n{\"k\":\"z\",\"n\":1}\n");
  const Value one = I(1), one_d = D(1.0);
  GroupTable u({{AggFunc::kCount}}, 1);
  u.add(&one_d, &n, 1);
  u.add(&one, &n, 2);
  CHECK(u.groups() == 1);
}

TEST_CASE("rows come in jq order of their keys") {
  GroupTable t({{AggFunc::kCount}}, 1);
  const Value n = N;
  for (const Value& k :
       {S("b"), A("[0]"), I(10), N, D(2.5), B(true), S("a"), B(false), I(-3)}) {
    t.add(&k, &n, 0);
  }
  CHECK(render(t, {"k"}, {"c"}) ==
        "{\"k\":null,\"c\":1}\n{\"k\":false,\"c\":1}\n{\"k\":true,\"c\":1}\n"
        "{\"k\":-3,\"c\":1}\n{\"k\":2.5,\"c\":1}\n{\"k\":10,\"c\":1}\n"
        "{\"k\":\"a\",\"c\":1}\n{\"k\":\"b\",\"c\":1}\n{\"k\":[0],\"c\":1}\n");
}

TEST_CASE("several keys group as tuples, ordered lexicographically") {
  GroupTable t({{AggFunc::kCount}, {AggFunc::kSum}}, 2);
  struct In {
    Value a, b, x;
  };
  const std::vector<In> ins = {{S("x"), I(2), I(5)},
                               {S("x"), I(1), I(1)},
                               {S("w"), I(9), I(2)},
                               {S("x"), D(2.0), I(10)}};
  uint64_t order = 0;
  for (const In& in : ins) {
    const Value keys[2] = {in.a, in.b};
    const Value args[2] = {N, in.x};
    t.add(keys, args, order++);
  }
  CHECK(render(t, {"a", "b"}, {"count", "sum(x)"}) ==
        "{\"a\":\"w\",\"b\":9,\"count\":1,\"sum(x)\":2}\n"
        "{\"a\":\"x\",\"b\":1,\"count\":1,\"sum(x)\":1}\n"
        "{\"a\":\"x\",\"b\":2,\"count\":2,\"sum(x)\":15}\n");
}

TEST_CASE("no key and no record still gives one row") {
  GroupTable t(kAllSpecs, 0);
  CHECK(t.groups() == 0);
  CHECK(
      render(t, {}, kAllNames) ==
      "{\"count\":0,\"count(x)\":0,\"sum\":null,\"min\":null,\"max\":null,"
      "\"avg\":null,"
      "\"stddev\":null,\"var\":null,\"count_distinct\":0,\"approx_distinct\":0,"
      "\"quantile\":null,\"median\":null,\"quantile_exact\":null,\"top\":[],"
      "\"first\":null,\"last\":null}\n");
  GroupTable keyed(kAllSpecs, 1);
  CHECK(render(keyed, {"k"}, kAllNames).empty());
}

TEST_CASE("key and aggregate names are escaped") {
  GroupTable t({{AggFunc::kCount}}, 1);
  const Value k = S("v"), n = N;
  t.add(&k, &n, 0);
  CHECK(render(t, {"a\"b"}, {"c\\d"}) == "{\"a\\\"b\":\"v\",\"c\\\\d\":1}\n");
}

TEST_CASE("a serialized table merges into an empty one unchanged") {
  std::mt19937_64 rng(5);
  const std::vector<Record> recs = randomRecords(rng, 300, 1);
  GroupTable t(kAllSpecs, 1);
  for (const Record& r : recs) addRecord(t, r);
  GroupTable u(kAllSpecs, 1);
  REQUIRE(u.mergeSerialized(t.serialize()).ok());
  CHECK(render(u, {"k"}, kAllNames) == render(t, {"k"}, kAllNames));
}

TEST_CASE("truncated serialized tables are rejected and change nothing") {
  std::mt19937_64 rng(6);
  const std::vector<Record> recs = randomRecords(rng, 60, 1);
  GroupTable t(kAllSpecs, 1);
  for (const Record& r : recs) addRecord(t, r);
  const std::string bytes = t.serialize();
  GroupTable u(kAllSpecs, 1);
  addRecord(u, recs[0]);
  const std::string before = render(u, {"k"}, kAllNames);
  for (size_t n = 0; n < bytes.size(); ++n) {
    const Status s = u.mergeSerialized(std::string_view(bytes).substr(0, n));
    REQUIRE_FALSE(s.ok());
    REQUIRE(s.code() == ExitCode::kInput);
  }
  CHECK(render(u, {"k"}, kAllNames) == before);
  CHECK_FALSE(u.mergeSerialized(bytes + "x").ok());
}

TEST_CASE("corrupted or foreign bytes never crash the merge") {
  std::mt19937_64 rng(7);
  const std::vector<Record> recs = randomRecords(rng, 40, 2);
  GroupTable t(kAllSpecs, 2);
  for (const Record& r : recs) addRecord(t, r);
  const std::string bytes = t.serialize();
  for (int trial = 0; trial < 3000; ++trial) {
    std::string bad = bytes;
    for (int flips = 1 + static_cast<int>(rng() % 4); flips > 0; --flips) {
      bad[rng() % bad.size()] = static_cast<char>(rng());
    }
    GroupTable u(kAllSpecs, 2);
    const Status s = u.mergeSerialized(bad);
    if (!s.ok()) {
      REQUIRE(s.code() == ExitCode::kInput);
    } else {
      render(u, {"a", "b"}, kAllNames);  // whatever it holds renders
    }
  }
  for (int trial = 0; trial < 1000; ++trial) {
    std::string garbage(rng() % 200, '\0');
    for (char& c : garbage) c = static_cast<char>(rng());
    GroupTable u(kAllSpecs, 2);
    CHECK_FALSE(u.mergeSerialized(garbage).ok());
  }
}

TEST_CASE("a table of other aggregates or keys is rejected") {
  GroupTable t({{AggFunc::kSum}}, 1);
  GroupTable other_func({{AggFunc::kAvg}}, 1);
  GroupTable other_keys({{AggFunc::kSum}}, 2);
  GroupTable other_param({{AggFunc::kQuantile, 0.5}}, 1);
  GroupTable q({{AggFunc::kQuantile, 0.9}}, 1);
  CHECK_FALSE(t.mergeSerialized(other_func.serialize()).ok());
  CHECK_FALSE(t.mergeSerialized(other_keys.serialize()).ok());
  CHECK_FALSE(q.mergeSerialized(other_param.serialize()).ok());
  CHECK(t.mergeSerialized(GroupTable({{AggFunc::kSum}}, 1).serialize()).ok());
}

// Throughput of a count, sum, avg group-by over 20 string keys, given ready
// values: run with `[.bench]`. The values cycle through a small array, as
// they would come from the per-record evaluation (hot in cache); CPU time
// is measured, so other processes on the machine matter less.
TEST_CASE("group-by throughput", "[.bench]") {
  std::vector<std::string> names;
  for (int i = 0; i < 20; ++i)
    names.push_back("status-" + std::to_string(100 + i * 7));
  constexpr size_t kRecords = 4096;
  std::mt19937_64 rng(1);
  std::vector<Value> keys(kRecords);
  std::vector<Value> int_args(kRecords * 3), double_args(kRecords * 3);
  for (size_t i = 0; i < kRecords; ++i) {
    keys[i] = S(names[rng() % names.size()]);
    const Value iv = I(static_cast<int64_t>(rng() % 100000));
    const Value dv = D(static_cast<double>(rng() % 100000) / 1000);
    int_args[3 * i] = N;
    int_args[3 * i + 1] = int_args[3 * i + 2] = iv;
    double_args[3 * i] = N;
    double_args[3 * i + 1] = double_args[3 * i + 2] = dv;
  }
  const std::vector<AggSpec> specs = {
      {AggFunc::kCount}, {AggFunc::kSum}, {AggFunc::kAvg}};
  for (const auto* args : {&int_args, &double_args}) {
    GroupTable t(specs, 1);
    constexpr int kPasses = 10000;
    const std::clock_t start = std::clock();
    uint64_t order = 0;
    for (int pass = 0; pass < kPasses; ++pass) {
      for (size_t i = 0; i < kRecords; ++i)
        t.add(&keys[i], &(*args)[3 * i], order++);
    }
    const double seconds =
        static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
    std::cout << (args == &int_args ? "int" : "double")
              << " arguments: " << order / seconds / 1e6 << " M records/s\n";
    CHECK(t.groups() == 20);
  }
}

}  // namespace
}  // namespace clusterproc
