#include "summary.h"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "ddsketch.h"
#include "summary_trie.h"

// Counts heap allocations, to check that add() stays off the heap once the
// paths and values of a workload are known. Every non-aligned form is
// replaced so that allocation and release always match (ASan checks that).
namespace {
std::atomic<long> g_allocations{0};

void* countedAlloc(std::size_t n) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}
}  // namespace

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  if (void* p = countedAlloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (void* p = countedAlloc(n)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return countedAlloc(n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return countedAlloc(n);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
#pragma GCC diagnostic pop

namespace clusterproc {
namespace {

// Parses lines and keeps the documents alive (one parser per record).
class Records {
 public:
  explicit Records(const std::vector<std::string>& lines) {
    for (const auto& line : lines) {
      parsers_.push_back(std::make_unique<simdjson::dom::parser>());
      simdjson::dom::element e;
      auto err = parsers_.back()->parse(line).get(e);
      REQUIRE(err == simdjson::SUCCESS);
      elements_.push_back(e);
    }
  }
  const std::vector<simdjson::dom::element>& all() const { return elements_; }

 private:
  std::vector<std::unique_ptr<simdjson::dom::parser>> parsers_;
  std::vector<simdjson::dom::element> elements_;
};

std::string render(const SummaryState& s, uint64_t records = 0) {
  std::string out;
  s.render(out, records, 0, 0);
  return out;
}

SummaryState summarize(const Records& r) {
  SummaryState s;
  for (auto e : r.all()) s.add(e);
  return s;
}

SummaryState roundTrip(const SummaryState& s) {
  auto back = SummaryState::deserialize(s.serialize());
  REQUIRE(back.ok());
  return std::move(back.value());
}

// Field "f" of one record per value, each value a JSON literal.
std::vector<std::string> fieldValues(const std::vector<std::string>& values) {
  std::vector<std::string> lines;
  for (const auto& v : values) lines.push_back("{\"f\":" + v + "}");
  return lines;
}

std::vector<std::string> randomRecords(std::mt19937_64& rng, int n) {
  std::vector<std::string> lines;
  const char* floats[] = {"1.5", "-0.0", "0.0", "1e2", "2.25", "1.0", "0.1"};
  for (int i = 0; i < n; ++i) {
    std::string l = "{\"id\":" + std::to_string(i);
    l += ",\"low\":\"v" + std::to_string(rng() % 7) + "\"";
    if (rng() % 3) l += ",\"x\":" + std::string(floats[rng() % 7]);
    if (rng() % 4 == 0) l += ",\"x\":\"dup\"";  // a repeated key
    l += ",\"user\":{\"name\":\"u" + std::to_string(rng() % 150) + "\"";
    if (rng() % 2)
      l += ",\"n\":" + std::to_string(static_cast<int>(rng() % 90) - 45);
    if (rng() % 5 == 0) l += ",\"deep\":{\"a\":[1],\"b\":null}";
    l += "},\"big\":" + std::to_string(rng() % 2 ? 18446744073709551615ULL
                                                 : 9223372036854775808ULL);
    if (rng() % 6 == 0)
      l += ",\"flag\":" + std::string(rng() % 2 ? "true" : "false");
    l += "}";
    if (rng() % 15 == 0) l = rng() % 2 ? "[1,2]" : "-3";
    lines.push_back(l);
  }
  return lines;
}

// r's records (shuffled or not) dealt at random among 1 to 12 states,
// merged in a random order, a third of them through serialize() first.
SummaryState splitAndMerge(const Records& r, std::mt19937_64& rng,
                           bool shuffle) {
  const size_t parts = 1 + rng() % 12;
  std::vector<SummaryState> states(parts);
  std::vector<simdjson::dom::element> order = r.all();
  if (shuffle) std::shuffle(order.begin(), order.end(), rng);
  for (auto e : order) states[rng() % parts].add(e);
  while (states.size() > 1) {
    const size_t i = rng() % states.size();
    size_t j = rng() % (states.size() - 1);
    if (j >= i) ++j;
    if (rng() % 3 == 0) states[j] = roundTrip(states[j]);
    states[i].merge(states[j]);
    states.erase(states.begin() + static_cast<std::ptrdiff_t>(j));
  }
  return std::move(states[0]);
}

TEST_CASE("summary: renders a small input exactly") {
  Records r({
      R"({"name":"ann","age":30,"tags":["a"],"addr":{"city":"Oslo","zip":"0150"},"score":1.5})",
      R"({"name":"bob","age":25.5,"addr":{"city":"Oslo"},"score":null,"ok":true})",
      R"({"name":"ann","age":30,"addr":null,"ok":false})",
      R"([1,2])",
      R"(7)",
  });
  std::string out;
  summarize(r).render(out, 5, 1, 123);
  CHECK(
      out ==
      R"({"records":5,"bad_records":1,"bytes":123,"fields":{)"
      R"(".":{"count":2,"types":{"int":1,"array":1},"min":7,"max":7,"mean":7,"p50":7,"p99":7,"approx_distinct":1,"top":[{"value":7,"count":1}],)"
      R"("elements":{"count":2,"types":{"int":2},"min":1,"max":2,"mean":1.5,"p50":1,"p99":1,"approx_distinct":2,"top":[{"value":1,"count":1},{"value":2,"count":1}]}},)"
      R"("addr":{"count":3,"types":{"null":1,"object":2}},)"
      R"("addr.city":{"count":2,"types":{"string":2},"min_string":"Oslo","max_string":"Oslo","approx_distinct":1,"top":[{"value":"Oslo","count":2}]},)"
      R"("addr.zip":{"count":1,"types":{"string":1},"min_string":"0150","max_string":"0150","approx_distinct":1,"top":[{"value":"0150","count":1}]},)"
      R"("age":{"count":3,"types":{"int":2,"float":1},"min":25.5,"max":30,"mean":28.5,"p50":30,"p99":30,"approx_distinct":2,"top":[{"value":30,"count":2},{"value":25.5,"count":1}]},)"
      R"("name":{"count":3,"types":{"string":3},"min_string":"ann","max_string":"bob","approx_distinct":2,"top":[{"value":"ann","count":2},{"value":"bob","count":1}]},)"
      R"("ok":{"count":2,"types":{"bool":2},"approx_distinct":2,"top":[{"value":false,"count":1},{"value":true,"count":1}]},)"
      R"("score":{"count":2,"types":{"null":1,"float":1},"min":1.5,"max":1.5,"mean":1.5,"p50":1.5,"p99":1.5,"approx_distinct":1,"top":[{"value":1.5,"count":1}]},)"
      R"("tags":{"count":1,"types":{"array":1},)"
      R"("elements":{"count":1,"types":{"string":1},"min_string":"a","max_string":"a","approx_distinct":1,"top":[{"value":"a","count":1}]}}}})");
}

TEST_CASE("summary: an empty state has no fields") {
  CHECK(render(SummaryState()) ==
        R"({"records":0,"bad_records":0,"bytes":0,"fields":{}})");
}

TEST_CASE("summary: integers compare exactly with floats") {
  // 2^53 + 1 is above the float 2^53, though equal once cast to double.
  Records r(fieldValues({"9007199254740993", "9007199254740992.0",
                         "-9223372036854775808", "18446744073709551615"}));
  const std::string out = render(summarize(r));
  CHECK_THAT(out, Catch::Contains(R"("min":-9223372036854775808,)"
                                  R"("max":18446744073709551615,)"));
  Records tie(fieldValues({"9007199254740993", "9007199254740992.0"}));
  CHECK_THAT(render(summarize(tie)),
             Catch::Contains(
                 R"("min":9.007199254740992e+15,"max":9007199254740993,)"));
}

TEST_CASE("summary: the mean sums the numbers as doubles, exactly") {
  // math.fsum of the doubles (2^53 + 1 is the double 2^53), divided by 6.
  Records r(
      fieldValues({"9007199254740993", "9007199254740993", "-9007199254740992",
                   "18446744073709551615", "-9223372036854775808", "3"}));
  CHECK_THAT(render(summarize(r)),
             Catch::Contains(R"("mean":1.5387298726849196e+18,)"));
  // 2^53 + 1 - 2^53 is 1, but its double minus 2^53 is 0.
  Records r2(fieldValues({"9007199254740993", "-9007199254740992"}));
  CHECK_THAT(render(summarize(r2)), Catch::Contains(R"("mean":0,)"));
  Records r3(fieldValues({"9007199254740993", "-9007199254740992.0"}));
  CHECK_THAT(render(summarize(r3)), Catch::Contains(R"("mean":0,)"));
}

TEST_CASE("summary: strings of every length are told apart") {
  // Strings of 0 to 40 bytes, the one of length n n + 1 times, and once each
  // a variant that differs in its last byte.
  std::vector<std::string> values;
  for (int n = 0; n <= 40; ++n) {
    const std::string x(n, 'x');
    for (int k = 0; k <= n; ++k) values.push_back("\"" + x + "\"");
    if (n > 0) values.push_back("\"" + x.substr(1) + "y\"");
  }
  const std::string out = render(summarize(Records(fieldValues(values))));
  const std::string x40(40, 'x'), x39(39, 'x');
  CHECK_THAT(out, Catch::Contains(R"("approx_distinct":81,"top":[{"value":")" +
                                  x40 + R"(","count":41},{"value":")" + x39 +
                                  R"(","count":40},)"));
}

TEST_CASE("summary: on an exact tie the int is printed and sorted first") {
  // 1e19 fits in uint64; as a double it prints as 1e+19.
  Records r(fieldValues({"1e19", "10000000000000000000"}));
  CHECK_THAT(render(summarize(r)),
             Catch::Contains(
                 R"("min":10000000000000000000,"max":10000000000000000000,)"
                 R"("mean":1e+19,"p50":10000000000000000000,)"
                 R"("p99":10000000000000000000,"approx_distinct":2,)"
                 R"("top":[{"value":10000000000000000000,"count":1},)"
                 R"({"value":1e+19,"count":1}]})"));
}

TEST_CASE("summary: value identity is type and value") {
  // 1 and 1.0 differ, "1" is a string, -0.0 is the float 0, 1e2 is 100.0.
  Records r(fieldValues(
      {"1", "1.0", "\"1\"", "0.0", "-0.0", "1e2", "100.0", "true", "null"}));
  CHECK_THAT(
      render(summarize(r)),
      Catch::Contains(R"("approx_distinct":6,"top":[{"value":0,"count":2},)"
                      R"({"value":100,"count":2},{"value":true,"count":1},)"
                      R"({"value":1,"count":1},{"value":1,"count":1}]})"));
}

TEST_CASE("summary: a key repeated in one object counts each time") {
  Records r({R"({"a":1,"a":"x","b":{"c":1,"c":2}})"});
  CHECK(
      render(summarize(r)) ==
      R"({"records":0,"bad_records":0,"bytes":0,"fields":{)"
      R"("a":{"count":2,"types":{"int":1,"string":1},"min":1,"max":1,"mean":1,"p50":1,"p99":1,"min_string":"x","max_string":"x","approx_distinct":2,"top":[{"value":1,"count":1},{"value":"x","count":1}]},)"
      R"("b":{"count":1,"types":{"object":1}},)"
      R"("b.c":{"count":2,"types":{"int":2},"min":1,"max":2,"mean":1.5,"p50":1,"p99":1,"approx_distinct":2,"top":[{"value":1,"count":1},{"value":2,"count":1}]}}})");
}

TEST_CASE("summary: a flat key with a dot and the nested path stay apart") {
  Records r({R"({"a.b":1,"a":{"b":2}})", R"({"a":{"b":3}})"});
  const std::string out = render(summarize(r));
  // Each name is the expression that reaches the field.
  CHECK_THAT(out,
             Catch::Contains(R"(".[\"a.b\"]":{"count":1,"types":{"int":1},)"));
  CHECK_THAT(out, Catch::Contains(R"("a.b":{"count":2,"types":{"int":2},)"
                                  R"("min":2,"max":3,"mean":2.5,)"));
}

TEST_CASE("summary: path steps as expressions") {
  std::string p;
  appendPathStep(p, "id");
  appendPathStep(p, "orig_h");
  CHECK(p == "id.orig_h");
  p.clear();
  appendPathStep(p, "id.orig_h");
  appendPathStep(p, "x-y");
  appendPathStep(p, "région");
  CHECK(p == R"(.["id.orig_h"]["x-y"].région)");
  p.clear();
  appendPathStep(p, "null");
  appendPathStep(p, "1st");
  appendPathStep(p, "");
  CHECK(p == R"(.["null"]["1st"][""])");
}

TEST_CASE("summary: keys and values are escaped") {
  Records r({R"({"q\"\n":"tab\there"})"});
  CHECK_THAT(
      render(summarize(r)),
      Catch::Contains(
          R"(".[\"q\\\"\\n\"]":{"count":1,"types":{"string":1},)"
          R"("min_string":"tab\there","max_string":"tab\there",)"
          R"("approx_distinct":1,"top":[{"value":"tab\there","count":1}]})"));
}

TEST_CASE("summary: 100 distinct values are exact, 101 are estimated") {
  std::vector<std::string> values;
  for (int i = 0; i < 100; ++i) values.push_back(std::to_string(i % 100));
  values.push_back("7");
  const std::string low = render(summarize(Records(fieldValues(values))));
  CHECK_THAT(low, Catch::Contains(
                      R"("approx_distinct":100,"top":[{"value":7,"count":2},)"
                      R"({"value":0,"count":1},{"value":1,"count":1},)"
                      R"({"value":2,"count":1},{"value":3,"count":1}]})"));
  values.push_back("\"one more\"");
  const std::string high = render(summarize(Records(fieldValues(values))));
  CHECK(high.find("\"top\"") == std::string::npos);
  const auto pos = high.find("\"approx_distinct\":");
  REQUIRE(pos != std::string::npos);
  const int estimate = std::atoi(high.c_str() + pos + 18);
  CHECK(estimate >= 96);
  CHECK(estimate <= 106);
}

TEST_CASE("summary: merging exact halves whose union passes 100 drops top") {
  std::vector<std::string> a, b, all;
  for (int i = 0; i < 60; ++i) a.push_back(std::to_string(i));
  for (int i = 50; i < 110; ++i) b.push_back(std::to_string(i));
  all = a;
  all.insert(all.end(), b.begin(), b.end());
  Records ra(fieldValues(a)), rb(fieldValues(b)), rall(fieldValues(all));
  SummaryState sa = summarize(ra), sb = summarize(rb);
  CHECK(render(sa).find("\"top\"") != std::string::npos);
  sa.merge(sb);
  CHECK(render(sa).find("\"top\"") == std::string::npos);
  CHECK(render(sa) == render(summarize(rall)));
}

TEST_CASE("summary: any split and merge order renders the same bytes") {
  std::mt19937_64 rng(2024);
  Records r(randomRecords(rng, 3000));
  const std::string expected = render(summarize(r), 3000);
  CHECK_THAT(expected, Catch::Contains(R"("user.name":{"count":)"));
  for (int round = 0; round < 30; ++round) {
    REQUIRE(render(splitAndMerge(r, rng, round % 2 == 1), 3000) == expected);
  }
}

TEST_CASE("summary: serialization round trip renders identically") {
  std::mt19937_64 rng(7);
  Records r(randomRecords(rng, 500));
  SummaryState s = summarize(r);
  const std::string bytes = s.serialize();
  auto back = SummaryState::deserialize(bytes);
  REQUIRE(back.ok());
  CHECK(render(back.value()) == render(s));
  CHECK(back.value().serialize() == bytes);
  // A restored state keeps accepting records.
  back.value().add(r.all()[0]);
  s.add(r.all()[0]);
  CHECK(render(back.value()) == render(s));
}

TEST_CASE("summary: truncated or garbage partial states are rejected") {
  std::mt19937_64 rng(9);
  Records r(randomRecords(rng, 200));
  const std::string bytes = summarize(r).serialize();
  for (size_t n = 0; n < bytes.size(); n += 1 + n / 50) {
    auto back = SummaryState::deserialize(std::string_view(bytes.data(), n));
    REQUIRE_FALSE(back.ok());
    CHECK(back.status().code() == ExitCode::kInput);
  }
  CHECK_FALSE(SummaryState::deserialize(bytes + "x").ok());
  std::string wrong_version = bytes;
  wrong_version[0] = 9;
  CHECK_FALSE(SummaryState::deserialize(wrong_version).ok());
  for (int i = 0; i < 2000; ++i) {  // flipped bytes: error or a valid state
    std::string mutated = bytes;
    mutated[rng() % mutated.size()] ^= static_cast<char>(1 + rng() % 255);
    auto back = SummaryState::deserialize(mutated);
    if (back.ok()) render(back.value());
  }
}

TEST_CASE("summary: add does not allocate once paths and values are known") {
  std::mt19937_64 rng(5);
  Records r(randomRecords(rng, 2000));
  SummaryState s;
  for (auto e : r.all()) s.add(e);
  const long before = g_allocations.load();
  for (int pass = 0; pass < 3; ++pass) {
    for (auto e : r.all()) s.add(e);
  }
  CHECK(g_allocations.load() - before == 0);
  // The counter works: a new path and a new long value do allocate.
  Records fresh({R"({"new_field_name":"a value longer than the SSO buffer"})"});
  const long before_new = g_allocations.load();
  s.add(fresh.all()[0]);
  CHECK(g_allocations.load() > before_new);
}

// The profile beyond SPEC section 5: p50/p99, string bounds, elements.

// The member key of the entry path in a rendered summary, parsed.
double number(const std::string& json, const char* path, const char* key) {
  simdjson::dom::parser p;
  simdjson::dom::element root = p.parse(json);
  double v = 0;
  REQUIRE(root["fields"][path][key].get(v) == simdjson::SUCCESS);
  return v;
}

std::vector<std::string> randomProfileRecords(std::mt19937_64& rng, int n) {
  const char* words[] = {"a", "é", "zz", "", "日本", "Z", "a\\u0000b", "~"};
  std::vector<std::string> lines;
  for (int i = 0; i < n; ++i) {
    std::string l = "{\"lat\":" + std::to_string(rng() % 100000) + "e-3";
    l += ",\"ts\":\"2024-0" + std::to_string(1 + rng() % 9) + "-1" +
         std::to_string(rng() % 10) + "T00:00:00Z\"";
    l += ",\"tags\":[";
    for (uint64_t k = 0, m = rng() % 4; k < m; ++k) {
      if (k > 0) l += ',';
      l += rng() % 5 ? "\"" + std::string(words[rng() % 8]) + "\""
                     : std::string(rng() % 2 ? "null" : "7");
    }
    l += "]";
    if (rng() % 3 == 0) {
      l += ",\"items\":[{\"sku\":\"s" + std::to_string(rng() % 20) +
           "\",\"n\":" + std::to_string(rng() % 9) + "},{\"sku\":null}]";
    }
    if (rng() % 4 == 0) l += ",\"m\":[[1,2.5],[],[[\"x\"]]]";
    if (i > n / 2) l += ",\"late\":\"" + std::string(words[rng() % 8]) + "\"";
    l += "}";
    lines.push_back(l);
  }
  return lines;
}

TEST_CASE(
    "summary profile: string bounds are the least and greatest by bytes") {
  Records d({R"({"s":"b"})", R"({"s":"é"})", R"({"s":"B"})", R"({"s":3})",
             R"({"s":"b\u0000"})", R"({"s":""})", R"({"s":null})"});
  CHECK_THAT(render(summarize(d)),
             Catch::Contains(R"("min":3,"max":3,"mean":3,"p50":3,"p99":3,)"
                             R"("min_string":"","max_string":"é",)"));
  Records only({R"({"s":"x"})"});
  CHECK_THAT(render(summarize(only)),
             Catch::Contains(R"("min_string":"x","max_string":"x",)"));
  Records none({R"({"s":1})"});
  CHECK(render(summarize(none)).find("min_string") == std::string::npos);
}

TEST_CASE("summary profile: p50 and p99 are the quantile aggregate's sketch") {
  std::vector<std::string> lines;
  std::vector<double> values;
  DDSketch sketch;
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> dist(3, 1.5);
  for (int i = 0; i < 5000; ++i) {
    const double v = i % 10 == 0 ? -dist(rng) : dist(rng);
    char buf[64];
    std::snprintf(buf, sizeof buf, "{\"v\":%.17g}", v);
    lines.push_back(buf);
    values.push_back(std::strtod(buf + 5, nullptr));
    sketch.add(values.back());
  }
  const std::string out = render(summarize(Records(lines)));
  std::sort(values.begin(), values.end());
  for (auto [key, q] : {std::pair{"p50", 0.5}, std::pair{"p99", 0.99}}) {
    const double got = number(out, "v", key);
    CHECK(got == *sketch.quantile(q));
    const double exact = values[lowerRank(q, values.size())];
    CHECK(std::abs(got - exact) <= 0.0101 * std::abs(exact));
  }
}

TEST_CASE(
    "summary profile: p50 and p99 are exact values while values are exact") {
  // Ranks floor(0.5 * 4) = 2 and floor(0.99 * 4) = 3 of 1 1.0 2 5 7.5.
  Records d({R"({"v":5})", R"({"v":1.0})", R"({"v":"x"})", R"({"v":2})",
             R"({"v":7.5})", R"({"v":1})", R"({"v":null})"});
  CHECK_THAT(render(summarize(d)),
             Catch::Contains(R"("mean":3.3,"p50":2,"p99":5,)"));
  // 101 distinct values: the sketch's estimates, as --agg quantile.
  std::vector<std::string> lines;
  DDSketch sketch;
  for (int i = 0; i <= 100; ++i) {
    lines.push_back("{\"v\":" + std::to_string(i) + "}");
    sketch.add(i);
  }
  const std::string out = render(summarize(Records(lines)));
  CHECK(number(out, "v", "p50") == *sketch.quantile(0.5));
  CHECK(number(out, "v", "p99") == *sketch.quantile(0.99));
  CHECK(number(out, "v", "p50") != 50);
}

TEST_CASE(
    "summary profile: the elements of arrays, nested objects and arrays") {
  Records d(
      {R"({"tags":["x","y",null],"items":[{"sku":"A","n":2},{"sku":"B"}]})",
       R"({"tags":[],"items":[{"sku":"C","q":[1]}],"m":[[1,2],[]]})",
       R"({"tags":"none"})"});
  const std::string out = render(summarize(d));
  CHECK_THAT(out,
             Catch::Contains(
                 R"("tags":{"count":3,"types":{"string":1,"array":2},)"
                 R"("min_string":"none","max_string":"none",)"
                 R"("approx_distinct":1,"top":[{"value":"none","count":1}],)"
                 R"("elements":{"count":3,"types":{"null":1,"string":2},)"
                 R"("min_string":"x","max_string":"y","approx_distinct":2,)"));
  CHECK_THAT(out,
             Catch::Contains(R"("items":{"count":2,"types":{"array":2},)"
                             R"("elements":{"count":3,"types":{"object":3},)"
                             R"("fields":{"n":{"count":1,)"));
  CHECK_THAT(out,
             Catch::Contains(R"("q":{"count":1,"types":{"array":1},)"
                             R"("elements":{"count":1,"types":{"int":1},)"));
  CHECK_THAT(out,
             Catch::Contains(R"("m":{"count":1,"types":{"array":1},)"
                             R"("elements":{"count":2,"types":{"array":2},)"
                             R"("elements":{"count":2,"types":{"int":2},)"));
  // The paths of fields stay the object paths: no entry for elements.
  CHECK(out.find("\"items.sku\"") == std::string::npos);
  CHECK(out.find("[]") == std::string::npos);
}

TEST_CASE("summary profile: only empty arrays give no elements") {
  Records d({R"({"a":[]})", R"({"a":[]})"});
  CHECK(render(summarize(d)) ==
        R"({"records":0,"bad_records":0,"bytes":0,"fields":{)"
        R"("a":{"count":2,"types":{"array":2}}}})");
}

TEST_CASE(
    "summary profile: any split, merge order and round trip give the same "
    "bytes") {
  std::mt19937_64 rng(84);
  Records d(randomProfileRecords(rng, 2000));
  const std::string expected = render(summarize(d));
  CHECK_THAT(expected, Catch::Contains(R"("elements":{"count":)"));
  for (int round = 0; round < 20; ++round) {
    REQUIRE(render(splitAndMerge(d, rng, round % 2 == 1)) == expected);
  }
}

TEST_CASE("summary profile: state bytes round trip and damage is refused") {
  std::mt19937_64 rng(3);
  Records d(randomProfileRecords(rng, 300));
  const std::string bytes = summarize(d).serialize();
  auto back = SummaryState::deserialize(bytes);
  REQUIRE(back.ok());
  CHECK(back.value().serialize() == bytes);
  CHECK(render(back.value()) == render(summarize(d)));
  // Version 2 (an older build) is refused, not misread.
  std::string old = bytes;
  old[0] = 2;
  CHECK(SummaryState::deserialize(old).status().message() ==
        "malformed summary state: unknown version");
  for (size_t n = 0; n < bytes.size(); n += 1 + n / 40) {
    CHECK_FALSE(SummaryState::deserialize(bytes.substr(0, n)).ok());
  }
  for (int i = 0; i < 2000; ++i) {  // flipped bytes: error or a valid state
    std::string mutated = bytes;
    mutated[rng() % mutated.size()] ^= static_cast<char>(1 + rng() % 255);
    auto r = SummaryState::deserialize(mutated);
    if (r.ok()) render(r.value());
  }
}

}  // namespace
}  // namespace clusterproc
