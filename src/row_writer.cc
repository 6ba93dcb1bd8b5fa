#include "row_writer.h"

#include <simdjson.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

#include "big_number.h"

namespace clusterproc {

namespace {

simdjson::dom::parser& rowParser() {
  static thread_local simdjson::dom::parser parser;
  return parser;
}

// A number, big numbers (big_number.h) included.
bool isNumber(simdjson::dom::element e) {
  return e.is_number() ||
         (e.is_string() && isBigNumber(e.get_string().value_unsafe()));
}

void elementText(std::string& cell, simdjson::dom::element e) {
  cell.clear();
  if (e.is_null()) return;
  if (e.is_string()) {
    cell.assign(e.get_string().value_unsafe());  // a big number: its text
    return;
  }
  if (bigNumbersSeen()) {
    appendElementJson(cell, e);
    return;
  }
  cell = simdjson::minify(e);
}

class JsonlWriter final : public RowWriter {
 public:
  explicit JsonlWriter(OutputFile& out) : out_(out) {}
  Status write(std::string_view row) override {
    line_.assign(row);
    line_ += '\n';
    return out_.write(line_);
  }
  Status finish() override { return Status(); }

 private:
  OutputFile& out_;
  std::string line_;
};

class JsonWriter final : public RowWriter {
 public:
  explicit JsonWriter(OutputFile& out) : out_(out) {}
  Status write(std::string_view row) override {
    line_ = first_ ? "[\n" : ",\n";
    first_ = false;
    line_.append(row);
    return out_.write(line_);
  }
  Status finish() override { return out_.write(first_ ? "[]\n" : "\n]\n"); }

 private:
  OutputFile& out_;
  std::string line_;
  bool first_ = true;
};

/// csv and tsv: a header line from the columns, then one line per row.
class DelimitedWriter final : public RowWriter {
 public:
  DelimitedWriter(OutputFile& out, std::vector<std::string> columns, bool csv)
      : out_(out), columns_(std::move(columns)), csv_(csv) {}
  Status write(std::string_view row) override {
    if (!header_done_) {
      if (columns_.empty()) columns_ = rowKeys(row);
      Status s = line(columns_);
      if (!s.ok()) return s;
      header_done_ = true;
    }
    rowCells(row, columns_, cells_);
    return line(cells_);
  }
  Status finish() override {
    if (!header_done_ && !columns_.empty()) return line(columns_);
    return Status();
  }

 private:
  Status line(const std::vector<std::string>& fields) {
    text_.clear();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) text_ += csv_ ? ',' : '\t';
      if (csv_) {
        appendCsvField(text_, fields[i]);
      } else {
        appendTsvField(text_, fields[i]);
      }
    }
    text_ += '\n';
    return out_.write(text_);
  }
  OutputFile& out_;
  std::vector<std::string> columns_;
  bool csv_;
  bool header_done_ = false;
  std::vector<std::string> cells_;
  std::string text_;
};

}  // namespace

Result<Format> parseFormat(std::string_view name) {
  if (name == "jsonl" || name == "ndjson") return Format::kJsonl;
  if (name == "json") return Format::kJson;
  if (name == "csv") return Format::kCsv;
  if (name == "tsv") return Format::kTsv;
  if (name == "table") return Format::kTable;
  return Status::error(ExitCode::kUsage, "--format: unknown format '" + std::string(name) +
                                             "' (use jsonl, json, csv, tsv or table)");
}

std::vector<std::string> rowKeys(std::string_view row) {
  simdjson::dom::element e;
  std::vector<std::string> keys;
  simdjson::dom::object obj;
  if (parseJson(rowParser(), row, e) || e.get_object().get(obj)) return {"."};
  for (auto field : obj) keys.emplace_back(field.key);
  return keys;
}

void rowCells(std::string_view row, const std::vector<std::string>& columns,
              std::vector<std::string>& cells, std::vector<char>* numeric) {
  cells.resize(columns.size());
  for (std::string& c : cells) c.clear();
  if (numeric) numeric->assign(columns.size(), 0);
  simdjson::dom::element e;
  if (parseJson(rowParser(), row, e)) return;
  if (!e.is_object()) {
    for (size_t i = 0; i < columns.size(); ++i) {
      if (columns[i] == ".") elementText(cells[i], e);
      if (columns[i] == "." && numeric) (*numeric)[i] = isNumber(e);
    }
    return;
  }
  simdjson::dom::object obj = e.get_object().value_unsafe();
  for (size_t i = 0; i < columns.size(); ++i) {
    simdjson::dom::element v;
    if (obj.at_key(columns[i]).get(v)) continue;
    elementText(cells[i], v);
    if (numeric) (*numeric)[i] = isNumber(v);
  }
}

void appendCsvField(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void appendTsvField(std::string& out, std::string_view field) {
  for (char c : field) {
    switch (c) {
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\\': out += "\\\\"; break;
      default: out += c;
    }
  }
}

size_t terminalWidth() {
  if (const char* cols = std::getenv("COLUMNS")) {
    long n = std::strtol(cols, nullptr, 10);
    if (n > 0) return static_cast<size_t>(n);
  }
  struct winsize ws;
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return ws.ws_col;
  }
  return 0;
}

std::unique_ptr<RowWriter> makeRowWriter(Format f, OutputFile& out,
                                         std::vector<std::string> columns, size_t width) {
  switch (f) {
    case Format::kJsonl: return std::make_unique<JsonlWriter>(out);
    case Format::kJson: return std::make_unique<JsonWriter>(out);
    case Format::kCsv: return std::make_unique<DelimitedWriter>(out, std::move(columns), true);
    case Format::kTsv: return std::make_unique<DelimitedWriter>(out, std::move(columns), false);
    case Format::kTable: break;
  }
  return makeTableWriter(out, std::move(columns), width);
}

}  // namespace clusterproc
