#include "row_columns.h"

#include <simdjson.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace clusterproc {

namespace {

simdjson::ondemand::parser& rowParser() {
  static thread_local simdjson::ondemand::parser parser;
  return parser;
}

std::string_view trimRight(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' ||
                        s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool isFloatToken(std::string_view token) {
  return token.find_first_of(".eE") != std::string_view::npos;
}

Status rowError(simdjson::error_code e) {
  return Status::error(ExitCode::kInput,
                       std::string("cannot split an output row into cells: ") +
                           simdjson::error_message(e));
}

}  // namespace

void appendCompactJson(std::string& out, std::string_view json) {
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < json.size()) {
        out += json[++i];
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
      out += c;
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
      out += c;
    }
  }
}

std::string shortFloat(std::string_view token) {
  std::string text(token);
  char* end = nullptr;
  double d = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(d)) return text;
  char buf[32];
  // From 10^7 on, %.7g would write 1.743113e+09: whole numbers read better
  // (up to 10^15, where a double still holds every integer digit).
  double a = std::fabs(d);
  std::snprintf(buf, sizeof buf, a >= 1e7 && a < 1e15 ? "%.0f" : "%.7g", d);
  return buf;
}

RowColumns::RowColumns(std::vector<std::string> fixed, bool short_floats)
    : names_(std::move(fixed)),
      fixed_(!names_.empty()),
      short_floats_(short_floats) {
  for (size_t i = 0; i < names_.size(); ++i) index_[names_[i]].push_back(i);
}

ptrdiff_t RowColumns::columnFor(std::string_view key,
                                std::vector<std::string>& cells,
                                std::vector<char>* numeric) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    for (size_t c : it->second) {
      if (!filled_[c]) return static_cast<ptrdiff_t>(c);
    }
  }
  if (fixed_ || names_.size() >= kMaxColumns) return -1;
  // A new key, or one more occurrence of a key in this row: a new column.
  size_t c = names_.size();
  names_.emplace_back(key);
  if (it == index_.end())
    it = index_.emplace(std::string(key), std::vector<size_t>()).first;
  it->second.push_back(c);
  filled_.push_back(0);
  cells.emplace_back();
  if (numeric) numeric->push_back(0);
  return static_cast<ptrdiff_t>(c);
}

Status RowColumns::cell(std::string_view key, std::string_view text,
                        bool number, std::vector<std::string>& cells,
                        std::vector<char>* numeric) {
  ptrdiff_t c = columnFor(key, cells, numeric);
  if (c < 0) {
    if (fixed_) {
      return Status::error(ExitCode::kInput,
                           "an output row has the key '" + std::string(key) +
                               "', which is not one of its columns");
    }
    return Status::error(
        ExitCode::kInput,
        "the records have more than " + std::to_string(kMaxColumns) +
            " distinct keys, too many for csv, tsv or table columns "
            "(write jsonl, or pick columns with --select)");
  }
  filled_[c] = 1;
  if (number && short_floats_ && isFloatToken(text)) {
    cells[c] = shortFloat(text);
  } else {
    cells[c].assign(text);
  }
  if (numeric) (*numeric)[c] = number;
  return Status();
}

Status RowColumns::split(std::string_view row, std::vector<std::string>& cells,
                         std::vector<char>* numeric) {
  using simdjson::ondemand::json_type;
  cells.resize(names_.size());
  for (std::string& c : cells) c.clear();
  if (numeric) numeric->assign(names_.size(), 0);
  filled_.assign(names_.size(), 0);
  padded_.assign(row);
  padded_.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::ondemand::document doc;
  auto e =
      rowParser().iterate(padded_.data(), row.size(), padded_.size()).get(doc);
  json_type type;
  if (!e) e = doc.type().get(type);
  if (e) return rowError(e);
  if (type != json_type::object) {
    std::string_view raw;
    if (type == json_type::string) {
      e = doc.get_string().get(raw);
    } else {
      e = doc.raw_json().get(raw);
      text_.clear();
      if (!e && type != json_type::null) appendCompactJson(text_, raw);
      raw = text_;
    }
    if (e) return rowError(e);
    return cell(".", raw, type == json_type::number, cells, numeric);
  }
  simdjson::ondemand::object obj;
  if ((e = doc.get_object().get(obj))) return rowError(e);
  for (auto field : obj) {
    std::string_view key;
    simdjson::ondemand::value v;
    if ((e = field.unescaped_key().get(key)) || (e = field.value().get(v)) ||
        (e = v.type().get(type))) {
      return rowError(e);
    }
    std::string_view text;
    switch (type) {
      case json_type::string:
        e = v.get_string().get(text);
        break;
      case json_type::null:
        e = v.is_null().error();
        break;
      case json_type::number:
      case json_type::boolean:
        text = trimRight(v.raw_json_token());
        break;
      case json_type::array:
      case json_type::object: {
        std::string_view raw;
        if (type == json_type::array) {
          simdjson::ondemand::array a;
          if (!(e = v.get_array().get(a))) e = a.raw_json().get(raw);
        } else {
          simdjson::ondemand::object o;
          if (!(e = v.get_object().get(o))) e = o.raw_json().get(raw);
        }
        text_.clear();
        appendCompactJson(text_, raw);
        text = text_;
        break;
      }
    }
    if (e) return rowError(e);
    Status s = cell(key, text, type == json_type::number, cells, numeric);
    if (!s.ok()) return s;
  }
  return Status();
}

}  // namespace clusterproc
