#include "summary_stats.h"

#include "json_write.h"

namespace clusterproc {

namespace {

constexpr size_t kTopCount = 5;
constexpr const char* kTypeNames[FieldStats::kTypes] = {
    "null", "bool", "int", "float", "string", "array", "object"};

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
  count += o.count;
  for (int t = 0; t < kTypes; ++t) types[t] += o.types[t];
  sum.merge(o.sum);
  values.merge(o.values);
}

void FieldStats::render(std::string& out) const {
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
  }
  if (values.empty()) {
    out += '}';
    return;
  }
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
  out += '}';
}

void FieldStats::serialize(ByteWriter& w) const {
  w.u64(count);
  for (uint64_t t : types) w.u64(t);
  if (numbers() > 0) {
    writeScalar(w, min);
    writeScalar(w, max);
    sum.serialize(w);
  }
  values.serialize(w);
}

bool FieldStats::deserialize(ByteReader& r) {
  count = r.u64();
  for (uint64_t& t : types) t = r.u64();
  if (r.failed()) return false;
  if (numbers() > 0) {
    if (!readScalar(r, &min) || !readScalar(r, &max)) return false;
    const auto is_number = [](const Scalar& v) {
      return v.kind == ScalarKind::kInt || v.kind == ScalarKind::kFloat;
    };
    if (!is_number(min) || !is_number(max)) return false;
    auto s = ExactFloatSum::deserialize(r);
    if (!s.ok()) return false;
    sum = std::move(s.value());
  }
  return values.deserialize(r);
}

}  // namespace clusterproc
