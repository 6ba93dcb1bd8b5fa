#include "summary_table.h"

#include <simdjson.h>

#include <string>
#include <vector>

#include "json_write.h"

namespace clusterproc {

namespace {

/// A value as a person reads it: a string as its bytes, else its JSON text.
std::string plain(simdjson::dom::element v) {
  if (v.is_string()) return std::string(v.get_string().value_unsafe());
  return simdjson::minify(v);
}

/// Appends the raw JSON of stats[key] as the row's value of name, if present.
void copyField(std::string& row, simdjson::dom::object stats, const char* key,
               const char* name) {
  simdjson::dom::element v;
  if (stats.at_key(key).get(v)) return;
  row += ',';
  appendJsonString(row, name);
  row += ':';
  row += simdjson::minify(v);
}

/// "int" for one type, else "int 990, null 10" (the summary's order).
std::string typesText(simdjson::dom::object types) {
  std::string text;
  size_t n = 0;
  for (auto t : types) {
    if (n++ > 0) text += ", ";
    text += t.key;
    text += ' ';
    text += simdjson::minify(t.value);
  }
  if (n == 1) text.resize(text.find(' '));
  return text;
}

/// "GET (812), POST (97)".
std::string topText(simdjson::dom::array top) {
  std::string text;
  for (simdjson::dom::element item : top) {
    if (!text.empty()) text += ", ";
    text += plain(item["value"].value_unsafe());
    text += " (";
    text += simdjson::minify(item["count"].value_unsafe());
    text += ')';
  }
  return text;
}

class SummaryTableWriter final : public RowWriter {
 public:
  SummaryTableWriter(OutputFile& out, size_t width)
      : out_(out), width_(width) {}

  Status write(std::string_view row) override {
    simdjson::dom::parser parser;
    simdjson::dom::element summary;
    simdjson::dom::object fields;
    if (parser.parse(row.data(), row.size()).get(summary) ||
        summary["fields"].get_object().get(fields)) {
      return Status::error(ExitCode::kInput,
                           "the summary cannot be shown as a table");
    }
    std::string totals;
    for (const char* key : {"records", "bad_records", "bytes"}) {
      simdjson::dom::element v;
      if (summary[key].get(v)) continue;
      if (!totals.empty()) totals += "   ";
      totals += key;
      totals += ' ';
      totals += simdjson::minify(v);
    }
    totals += "\n\n";
    Status s = out_.write(totals);
    if (!s.ok()) return s;
    std::vector<std::string> rows;
    bool quantiles = false;
    for (auto field : fields) {
      simdjson::dom::object stats;
      if (field.value.get_object().get(stats)) continue;
      std::string r = "{\"path\":";
      appendJsonString(r, field.key);
      copyField(r, stats, "count", "count");
      simdjson::dom::object types;
      if (!stats["types"].get_object().get(types)) {
        r += ",\"types\":";
        appendJsonString(r, typesText(types));
      }
      copyField(r, stats, "min", "min");
      copyField(r, stats, "max", "max");
      copyField(r, stats, "mean", "mean");
      copyField(r, stats, "p50", "p50");
      copyField(r, stats, "p99", "p99");
      quantiles = quantiles || stats.at_key("p50").error() == simdjson::SUCCESS;
      copyField(r, stats, "approx_distinct", "distinct");
      simdjson::dom::array top;
      if (!stats["top"].get_array().get(top)) {
        r += ",\"top\":";
        appendJsonString(r, topText(top));
      }
      r += '}';
      rows.push_back(std::move(r));
    }
    std::vector<std::string> columns = {"path", "count", "types",
                                        "min",  "max",   "mean"};
    if (quantiles) columns.insert(columns.end(), {"p50", "p99"});
    columns.insert(columns.end(), {"distinct", "top"});
    std::unique_ptr<RowWriter> table =
        makeTableWriter(out_, std::move(columns), width_);
    for (const std::string& r : rows) {
      s = table->write(r);
      if (!s.ok()) return s;
    }
    return table->finish();
  }

  Status finish() override { return Status(); }

 private:
  OutputFile& out_;
  size_t width_;
};

}  // namespace

std::unique_ptr<RowWriter> makeSummaryTableWriter(OutputFile& out,
                                                  size_t width) {
  return std::make_unique<SummaryTableWriter>(out, width);
}

}  // namespace clusterproc
