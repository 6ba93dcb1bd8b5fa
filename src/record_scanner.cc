#include "record_scanner.h"

#include <csignal>
#include <cstring>

#include "chunker.h"
#include "json_diagnose.h"

namespace clusterproc {

std::string parseErrorReason(simdjson::error_code code) {
  using simdjson::error_code;
  switch (code) {
    case error_code::UTF8_ERROR:
      return "invalid JSON: invalid UTF-8";
    case error_code::DEPTH_ERROR:
      return "invalid JSON: nested deeper than 1024 levels";
    case error_code::NUMBER_ERROR:
      return "invalid JSON: malformed number";
    case error_code::NUMBER_OUT_OF_RANGE:
      return "invalid JSON: number out of range";
    case error_code::STRING_ERROR:
      return "invalid JSON: invalid string escape";
    case error_code::UNCLOSED_STRING:
      return "invalid JSON: unterminated string";
    case error_code::UNESCAPED_CHARS:
      return "invalid JSON: control character in string";
    case error_code::T_ATOM_ERROR:
    case error_code::F_ATOM_ERROR:
    case error_code::N_ATOM_ERROR:
      return "invalid JSON: invalid literal";
    case error_code::EMPTY:
      return "invalid JSON: no value";
    case error_code::TAPE_ERROR:
    case error_code::INCORRECT_TYPE:
      return "invalid JSON: bad structure (missing or extra comma, brace, "
             "bracket, quote or colon, or text after the value)";
    default:
      return std::string("invalid JSON: ") + simdjson::error_message(code);
  }
}

RecordScanner::RecordScanner(JobState& state,
                             const std::vector<std::unique_ptr<Expr>>& where,
                             uint64_t max_record, bool keep_raw)
    : state_(state), where_(where), max_record_(max_record), keep_raw_(keep_raw) {}

bool RecordScanner::matches(simdjson::dom::element root) {
  for (const std::unique_ptr<Expr>& e : where_) {
    if (!e->test(root, arena_)) return false;
  }
  return true;
}

void RecordScanner::addBad(ChunkReport& report, uint64_t line, size_t offset,
                           std::string reason, std::string_view raw) {
  BadRecord bad;
  bad.line = line;
  bad.offset = offset;
  bad.reason = std::move(reason);
  if (keep_raw_) bad.raw.assign(raw);
  report.bad.push_back(std::move(bad));
}

void RecordScanner::scan(const char* data, size_t size, size_t readable,
                         uint64_t order_id, uint64_t line_base, ChunkReport& report) {
  LineCursor cursor(data, size);
  Line line;
  while (cursor.next(line)) {
    if (line.blank) continue;
    if (line.text.size() > max_record_) {
      addBad(report, cursor.count(), line.offset,
             "record longer than --max-record (" +
                 std::to_string(max_record_) + " bytes)",
             std::string_view());
      continue;
    }
    if (!crash_text_.empty() && line.text.find(crash_text_) != std::string_view::npos) {
      ::raise(SIGSEGV);
    }
    const char* text = line.text.data();
    size_t end = line.offset + line.text.size();
    if (end + simdjson::SIMDJSON_PADDING > readable) {
      // Near the end of the mapping: parse a padded copy instead.
      scratch_.assign(line.text);
      scratch_.append(simdjson::SIMDJSON_PADDING, ' ');
      text = scratch_.data();
    }
    simdjson::dom::element root;
    simdjson::error_code err =
        parser_.parse(text, line.text.size(), false).get(root);
    if (err) {
      // Bad lines are rare: a second, precise pass says where and why.
      JsonProblem problem = diagnoseJson(line.text);
      addBad(report, cursor.count(), line.offset,
             problem.found ? describeJsonProblem(problem) : parseErrorReason(err),
             line.text);
      continue;
    }
    ++report.records;
    arena_.clear();
    if (!matches(root)) continue;
    ++report.matched;
    RecordRef rec{root, line.text, line.offset, (order_id << 32) | (line_base + cursor.count())};
    state_.add(rec, arena_, report);
  }
  report.lines += cursor.count();
}

}  // namespace clusterproc
