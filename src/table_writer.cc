// -f table: rows buffered, then printed as aligned columns that fit the
// terminal (long cells are cut with an ellipsis).

#include <algorithm>
#include <numeric>

#include "row_writer.h"

namespace clusterproc {

namespace {

constexpr size_t kGap = 2;
constexpr size_t kMinColumn = 6;

bool isWide(uint32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1FAFF) ||
         (cp >= 0x20000 && cp <= 0x3FFFD);
}

/// Decodes the code point at text[i] (lenient: a stray byte is one column).
uint32_t decode(std::string_view text, size_t& i) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
  if (i + n > text.size()) n = 1;
  uint32_t cp = n == 1 ? c : c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  i += n;
  return cp;
}

/// Control characters would break the layout: show them as spaces.
std::string printable(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return out;
}

/// text cut to at most width columns, with "…" when cut.
std::string fit(const std::string& text, size_t width) {
  if (displayWidth(text) <= width) return text;
  std::string out;
  size_t used = 0;
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    uint32_t cp = decode(text, i);
    size_t w = isWide(cp) ? 2 : 1;
    if (used + w + 1 > width) break;
    out.append(text, start, i - start);
    used += w;
  }
  return out + "\xE2\x80\xA6";
}

class TableWriter final : public RowWriter {
 public:
  TableWriter(OutputFile& out, std::vector<std::string> columns, size_t width)
      : out_(out), columns_(std::move(columns)), width_(width) {}

  Status write(std::string_view row) override {
    if (rows_.empty() && columns_.empty()) columns_ = rowKeys(row);
    rows_.emplace_back();
    std::vector<char> numeric;
    rowCells(row, columns_, rows_.back(), &numeric);
    if (numeric_.empty()) numeric_.assign(columns_.size(), 1);
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (!rows_.back()[i].empty() && !numeric[i]) numeric_[i] = 0;
      rows_.back()[i] = printable(rows_.back()[i]);
    }
    return Status();
  }

  Status finish() override {
    if (columns_.empty()) return Status();
    if (numeric_.empty()) numeric_.assign(columns_.size(), 0);
    std::vector<size_t> widths = columnWidths();
    std::string text;
    std::vector<std::string> header(columns_);
    appendLine(text, header, widths, true);
    for (size_t i = 0; i < widths.size(); ++i) {
      if (i > 0) text.append(kGap, ' ');
      for (size_t k = 0; k < widths[i]; ++k) text += "\xE2\x94\x80";  // ─
    }
    text += '\n';
    for (const std::vector<std::string>& r : rows_) appendLine(text, r, widths, false);
    return out_.write(text);
  }

 private:
  std::vector<size_t> columnWidths() const {
    std::vector<size_t> w(columns_.size());
    for (size_t i = 0; i < columns_.size(); ++i) {
      w[i] = displayWidth(columns_[i]);
      for (const auto& r : rows_) w[i] = std::max(w[i], displayWidth(r[i]));
    }
    if (width_ == 0) return w;
    size_t gaps = kGap * (w.size() - 1);
    // Shrink the widest column until the table fits (or all are minimal).
    while (std::accumulate(w.begin(), w.end(), gaps) > width_) {
      auto widest = std::max_element(w.begin(), w.end());
      if (*widest <= kMinColumn) break;
      --*widest;
    }
    return w;
  }

  void appendLine(std::string& text, const std::vector<std::string>& cells,
                  const std::vector<size_t>& widths, bool header) const {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line.append(kGap, ' ');
      std::string cell = fit(cells[i], widths[i]);
      size_t pad = widths[i] - std::min(widths[i], displayWidth(cell));
      bool right = numeric_[i] && !header;
      if (right) line.append(pad, ' ');
      line += cell;
      if (!right && i + 1 < cells.size()) line.append(pad, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    text += line;
    text += '\n';
  }

  OutputFile& out_;
  std::vector<std::string> columns_;
  size_t width_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<char> numeric_;
};

}  // namespace

size_t displayWidth(std::string_view text) {
  size_t w = 0;
  for (size_t i = 0; i < text.size();) w += isWide(decode(text, i)) ? 2 : 1;
  return w;
}

std::unique_ptr<RowWriter> makeTableWriter(OutputFile& out, std::vector<std::string> columns,
                                           size_t width) {
  return std::make_unique<TableWriter>(out, std::move(columns), width);
}

}  // namespace clusterproc
