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

/// The table path of a summary path below an array's elements: "tags[]",
/// "items[].sku", "items[][\"x-y\"]" (prefix "" at the top level).
std::string rowPath(std::string_view prefix, std::string_view path) {
  if (prefix.empty()) return std::string(path);
  std::string p(prefix);
  if (path.front() == '.') {
    p += path.substr(1);  // .["x-y"]
  } else {
    p += '.';
    p += path;
  }
  return p;
}

/// Appends stats[key] as the row's value of name when stats has it, else
/// stats[fallback] (min_string for min) if present.
void copyEither(std::string& row, simdjson::dom::object stats, const char* key,
                const char* fallback, const char* name) {
  if (stats.at_key(key).error() == simdjson::SUCCESS) {
    copyField(row, stats, key, name);
  } else {
    copyField(row, stats, fallback, name);
  }
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

/// The row of one STATS object under path.
std::string statsRow(const std::string& path, simdjson::dom::object stats,
                     bool& quantiles) {
  std::string r = "{\"path\":";
  appendJsonString(r, path);
  copyField(r, stats, "count", "count");
  simdjson::dom::object types;
  if (!stats["types"].get_object().get(types)) {
    r += ",\"types\":";
    appendJsonString(r, typesText(types));
  }
  // Strings show their bounds when the path has no numbers.
  copyEither(r, stats, "min", "min_string", "min");
  copyEither(r, stats, "max", "max_string", "max");
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
  return r;
}

void addElementRows(std::vector<std::string>& rows, bool& quantiles,
                    const std::string& path, simdjson::dom::object stats);

/// Appends the rows of fields (a "fields" object) below prefix, each
/// followed by the rows of its arrays' elements.
void addRows(std::vector<std::string>& rows, bool& quantiles,
             std::string_view prefix, simdjson::dom::object fields) {
  for (auto field : fields) {
    simdjson::dom::object stats;
    if (field.value.get_object().get(stats)) continue;
    const std::string path = rowPath(prefix, field.key);
    rows.push_back(statsRow(path, stats, quantiles));
    addElementRows(rows, quantiles, path, stats);
  }
}

/// Appends the row "PATH[]" of stats' "elements", if any, then the rows of
/// the keys of the objects among them and of nested arrays.
void addElementRows(std::vector<std::string>& rows, bool& quantiles,
                    const std::string& path, simdjson::dom::object stats) {
  simdjson::dom::object elements;
  if (stats["elements"].get_object().get(elements)) return;
  const std::string own = path + "[]";
  rows.push_back(statsRow(own, elements, quantiles));
  simdjson::dom::object fields;
  if (!elements["fields"].get_object().get(fields)) {
    addRows(rows, quantiles, own, fields);
  }
  addElementRows(rows, quantiles, own, elements);
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
    addRows(rows, quantiles, "", fields);
    std::vector<std::string> columns = {"path", "count", "types",
                                        "min",  "max",   "mean"};
    if (quantiles) columns.insert(columns.end(), {"p50", "p99"});
    columns.insert(columns.end(), {"distinct", "top"});
    std::unique_ptr<RowWriter> table =
        makeTableWriter(out_, std::move(columns), width_, 1);  // the path
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
