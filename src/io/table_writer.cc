// -f table: rows buffered, then printed as aligned columns that fit the
// terminal (long cells are cut with an ellipsis).

#include <algorithm>
#include <numeric>

#include "row_columns.h"
#include "row_spool.h"
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
  size_t n = c < 0x80         ? 1
             : (c >> 5) == 6  ? 2
             : (c >> 4) == 14 ? 3
             : (c >> 3) == 30 ? 4
                              : 1;
  if (i + n > text.size()) n = 1;
  uint32_t cp = n == 1 ? c : c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
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

/// Two passes over the rows (kept in a spool, so memory stays bounded): the
/// first finds the columns, their widths and which hold only numbers; the
/// second prints.
class TableWriter final : public RowWriter {
 public:
  TableWriter(OutputFile& out, std::vector<std::string> columns, size_t width,
              size_t keep)
      : out_(out),
        columns_(std::move(columns), true),
        width_(width),
        keep_(keep) {}

  Status write(std::string_view row) override {
    Status s = columns_.split(row, cells_, &numeric_cells_);
    if (!s.ok()) return s;
    const std::vector<std::string>& names = columns_.names();
    for (size_t i = widths_.size(); i < names.size(); ++i) {
      widths_.push_back(displayWidth(names[i]));
      numeric_.push_back(1);
    }
    for (size_t i = 0; i < names.size(); ++i) {
      if (!cells_[i].empty() && !numeric_cells_[i]) numeric_[i] = 0;
      widths_[i] = std::max(widths_[i], displayWidth(cells_[i]));
    }
    return spool_.append(row);
  }

  Status finish() override {
    const std::vector<std::string>& names = columns_.names();
    if (names.empty()) return Status();
    if (spool_.rows() == 0) {  // a header alone
      widths_.clear();
      for (const std::string& n : names) widths_.push_back(displayWidth(n));
      numeric_.assign(names.size(), 0);
    }
    fitWidths();
    std::string text;
    appendLine(text, names, true);
    for (size_t i = 0; i < widths_.size(); ++i) {
      if (i > 0) text.append(kGap, ' ');
      for (size_t k = 0; k < widths_[i]; ++k) text += "\xE2\x94\x80";  // ─
    }
    text += '\n';
    Status s = out_.write(text);
    if (!s.ok()) return s;
    return spool_.replay([this](std::string_view row) {
      Status st = columns_.split(row, cells_);
      if (!st.ok()) return st;
      for (std::string& c : cells_) c = printable(c);
      std::string line;
      appendLine(line, cells_, false);
      return out_.write(line);
    });
  }

 private:
  /// Shrinks the widest column until the table fits (or all are minimal):
  /// columns of text first, since a cut number misleads more than cut text,
  /// and the first keep_ columns last.
  void fitWidths() {
    if (width_ == 0) return;
    size_t gaps = kGap * (widths_.size() - 1);
    const auto tier = [this](size_t i) { return i < keep_ ? 2 : numeric_[i]; };
    while (std::accumulate(widths_.begin(), widths_.end(), gaps) > width_) {
      size_t widest = widths_.size();
      for (int t = 0; t < 3 && widest == widths_.size(); ++t) {
        for (size_t i = 0; i < widths_.size(); ++i) {
          if (tier(i) == t && widths_[i] > kMinColumn &&
              (widest == widths_.size() || widths_[i] > widths_[widest])) {
            widest = i;
          }
        }
      }
      if (widest == widths_.size()) break;
      --widths_[widest];
    }
  }

  void appendLine(std::string& text, const std::vector<std::string>& cells,
                  bool header) const {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line.append(kGap, ' ');
      std::string cell = fit(cells[i], widths_[i]);
      size_t pad = widths_[i] - std::min(widths_[i], displayWidth(cell));
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
  RowColumns columns_;
  size_t width_;
  size_t keep_;
  RowSpool spool_;
  std::vector<std::string> cells_;
  std::vector<char> numeric_cells_;
  std::vector<size_t> widths_;  ///< per column: the widest cell or name
  std::vector<char> numeric_;   ///< per column: only numbers (right-aligned)
};

}  // namespace

size_t displayWidth(std::string_view text) {
  size_t w = 0;
  for (size_t i = 0; i < text.size();) w += isWide(decode(text, i)) ? 2 : 1;
  return w;
}

std::unique_ptr<RowWriter> makeTableWriter(OutputFile& out,
                                           std::vector<std::string> columns,
                                           size_t width, size_t keep) {
  return std::make_unique<TableWriter>(out, std::move(columns), width, keep);
}

}  // namespace clusterproc
