#include "row_writer.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>

#include "row_columns.h"
#include "row_spool.h"

namespace clusterproc {

namespace {

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

/// csv and tsv: a header line, then one line per row. With the job's
/// columns, rows are written as they come; for whole records the header is
/// the union of every row's keys, so the rows wait in a spool until the end.
class DelimitedWriter final : public RowWriter {
 public:
  DelimitedWriter(OutputFile& out, std::vector<std::string> columns, bool csv)
      : out_(out), columns_(std::move(columns), false), csv_(csv) {}
  Status write(std::string_view row) override {
    Status s = columns_.split(row, cells_);
    if (!s.ok()) return s;
    if (!columns_.fixed()) return spool_.append(row);
    if (!header_done_) {
      header_done_ = true;
      s = line(columns_.names());
      if (!s.ok()) return s;
    }
    return line(cells_);
  }
  Status finish() override {
    if (!header_done_ && !columns_.names().empty()) {
      header_done_ = true;
      Status s = line(columns_.names());
      if (!s.ok()) return s;
    }
    return spool_.replay([this](std::string_view row) {
      Status s = columns_.split(row, cells_);
      return s.ok() ? line(cells_) : s;
    });
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
  RowColumns columns_;
  bool csv_;
  bool header_done_ = false;
  RowSpool spool_;
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
  return Status::error(ExitCode::kUsage,
                       "--format: unknown format '" + std::string(name) +
                           "' (use jsonl, json, csv, tsv or table)");
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
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        out += c;
    }
  }
}

size_t terminalWidth() {
  if (const char* cols = std::getenv("COLUMNS")) {
    long n = std::strtol(cols, nullptr, 10);
    if (n > 0) return static_cast<size_t>(n);
  }
  struct winsize ws;
  if (::isatty(STDOUT_FILENO) && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
      ws.ws_col > 0) {
    return ws.ws_col;
  }
  return 0;
}

std::unique_ptr<RowWriter> makeRowWriter(Format f, OutputFile& out,
                                         std::vector<std::string> columns,
                                         size_t width) {
  switch (f) {
    case Format::kJsonl:
      return std::make_unique<JsonlWriter>(out);
    case Format::kJson:
      return std::make_unique<JsonWriter>(out);
    case Format::kCsv:
      return std::make_unique<DelimitedWriter>(out, std::move(columns), true);
    case Format::kTsv:
      return std::make_unique<DelimitedWriter>(out, std::move(columns), false);
    case Format::kTable:
      break;
  }
  return makeTableWriter(out, std::move(columns), width);
}

}  // namespace clusterproc
