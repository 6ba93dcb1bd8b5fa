#include "summary_stats.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "json_write.h"

namespace clusterproc {

namespace {

constexpr size_t kTopCount = 5;
constexpr const char* kTypeNames[FieldStats::kTypes] = {
    "null", "bool", "int", "float", "string", "array", "object"};

bool isNumber(const Scalar& v) {
  return v.kind == ScalarKind::kInt || v.kind == ScalarKind::kFloat;
}

// Appends ,"p50":X,"p99":Y: the numbers of rank lowerRank(q, n) exactly
// while the values are counted exactly (at most 100 distinct), else the
// sketch's estimates (within 1 %, as --agg quantile).
void appendQuantiles(std::string& out, const FieldStats& s) {
  constexpr std::pair<const char*, double> kQuantiles[] = {{",\"p50\":", 0.5},
                                                           {",\"p99\":", 0.99}};
  if (!s.values.exact()) {
    for (auto [name, q] : kQuantiles) {
      out += name;
      appendJsonDouble(out, s.quantiles.quantile(q).value_or(0));
    }
    return;
  }
  std::vector<std::pair<Scalar, uint64_t>> numbers =
      s.values.top(ValueSet::kMaxExact);
  std::erase_if(numbers, [](const auto& e) { return !isNumber(e.first); });
  std::sort(numbers.begin(), numbers.end(), [](const auto& a, const auto& b) {
    return compareScalars(a.first, b.first) < 0;
  });
  for (auto [name, q] : kQuantiles) {
    const uint64_t rank = lowerRank(q, s.numbers());
    uint64_t seen = 0;
    for (const auto& [v, n] : numbers) {
      seen += n;
      if (seen > rank) {
        out += name;
        appendScalar(out, v);
        break;
      }
    }
  }
}

}  // namespace

void FieldStats::merge(const FieldStats& o) {
  if (o.numbers() > 0) {
    if (numbers() == 0) {
      min = o.min;
      max = o.max;
    } else {
      if (betterMin(o.min, min)) min = o.min;
      if (betterMax(o.max, max)) max = o.max;
    }
  }
  if (o.types[kString] > 0) {
    if (types[kString] == 0) {
      min_string = o.min_string;
      max_string = o.max_string;
    } else {
      if (o.min_string < min_string) min_string = o.min_string;
      if (o.max_string > max_string) max_string = o.max_string;
    }
  }
  count += o.count;
  for (int t = 0; t < kTypes; ++t) types[t] += o.types[t];
  sum.merge(o.sum);
  quantiles.merge(o.quantiles);
  values.merge(o.values);
}

void FieldStats::renderOpen(std::string& out) const {
  out += "{\"count\":";
  appendJsonUint(out, count);
  out += ",\"types\":{";
  bool first = true;
  for (int t = 0; t < kTypes; ++t) {
    if (types[t] == 0) continue;
    if (!first) out += ',';
    first = false;
    appendJsonString(out, kTypeNames[t]);
    out += ':';
    appendJsonUint(out, types[t]);
  }
  out += '}';
  if (const uint64_t n = numbers(); n > 0) {
    out += ",\"min\":";
    appendScalar(out, min);
    out += ",\"max\":";
    appendScalar(out, max);
    out += ",\"mean\":";
    appendJsonDouble(out, sum.value() / static_cast<double>(n));
    appendQuantiles(out, *this);
  }
  if (types[kString] > 0) {
    out += ",\"min_string\":";
    appendJsonString(out, min_string);
    out += ",\"max_string\":";
    appendJsonString(out, max_string);
  }
  if (values.empty()) return;
  out += ",\"approx_distinct\":";
  appendJsonUint(out, values.distinct());
  if (values.exact()) {
    out += ",\"top\":[";
    const auto top = values.top(kTopCount);
    for (size_t i = 0; i < top.size(); ++i) {
      if (i > 0) out += ',';
      out += "{\"value\":";
      appendScalar(out, top[i].first);
      out += ",\"count\":";
      appendJsonUint(out, top[i].second);
      out += '}';
    }
    out += ']';
  }
}

void FieldStats::serialize(ByteWriter& w) const {
  w.u64(count);
  for (uint64_t t : types) w.u64(t);
  if (numbers() > 0) {
    writeScalar(w, min);
    writeScalar(w, max);
    sum.serialize(w);
    quantiles.write(w);
  }
  if (types[kString] > 0) {
    w.bytes(min_string);
    w.bytes(max_string);
  }
  values.serialize(w);
}

bool FieldStats::deserialize(ByteReader& r) {
  count = r.u64();
  for (uint64_t& t : types) t = r.u64();
  if (r.failed()) return false;
  if (numbers() > 0) {
    if (!readScalar(r, &min) || !readScalar(r, &max)) return false;
    if (!isNumber(min) || !isNumber(max)) return false;
    auto s = ExactFloatSum::deserialize(r);
    if (!s.ok()) return false;
    sum = std::move(s.value());
    if (!quantiles.read(r) || quantiles.count() != numbers()) return false;
  }
  if (types[kString] > 0) {
    min_string = r.bytes();
    max_string = r.bytes();
    if (r.failed() || min_string > max_string) return false;
  }
  return values.deserialize(r);
}

}  // namespace clusterproc
