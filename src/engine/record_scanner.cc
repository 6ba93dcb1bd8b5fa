#include "record_scanner.h"

#include <cstring>

#include "big_number.h"
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
    : state_(state),
      where_(where),
      max_record_(max_record),
      keep_raw_(keep_raw) {
#ifdef SIMDJSON_THREADS_ENABLED
  // Workers are forked processes: no stage-1 thread in a document stream
  // (and a region is a single batch anyway).
  stream_parser_.threaded = false;
#endif
}

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

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/// "an array", "a string", ... for messages.
const char* kindOf(simdjson::dom::element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY:
      return "an array";
    case simdjson::dom::element_type::OBJECT:
      return "an object";
    case simdjson::dom::element_type::STRING:
      return "a string";
    case simdjson::dom::element_type::BOOL:
      return "a boolean";
    case simdjson::dom::element_type::NULL_VALUE:
      return "null";
    default:
      return "a number";
  }
}

}  // namespace

void RecordScanner::accept(simdjson::dom::element root, const Line& line,
                           uint64_t line_no, uint64_t order,
                           ChunkReport& report) {
  ++report.records;
  bool bad = false;
  if (exploder_ == nullptr) {
    take(root, line.text, line, line_no, order, report, bad);
    return;
  }
  exploder_->each(root, line.text,
                  [&](simdjson::dom::element r, std::string_view text) {
                    take(r, text, line, line_no, order, report, bad);
                  });
}

void RecordScanner::take(simdjson::dom::element root, std::string_view text,
                         const Line& line, uint64_t line_no, uint64_t order,
                         ChunkReport& report, bool& bad) {
  arena_.clear();
  arena_.origin().line = origin_base_ + line_no;
  if (!matches(root)) return;
  if (!object_reason_.empty() && !root.is_object()) {
    if (!bad)
      addBad(report, line_no, line.offset, object_reason_ + kindOf(root),
             line.text);
    bad = true;
    return;
  }
  ++report.matched;
  RecordRef rec{root, text, line.offset, order + line_no};
  state_.add(rec, arena_, report);
}

void RecordScanner::scanLine(const Line& line, uint64_t line_no,
                             size_t readable, uint64_t order,
                             ChunkReport& report) {
  if (line.text.size() > max_record_) {
    addBad(report, line_no, line.offset,
           "record longer than --max-record (" + std::to_string(max_record_) +
               " bytes)",
           std::string_view());
    return;
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
  simdjson::error_code err = parser_.parse(text, line.text.size(), false, root);
  if (err) {
    // Bad lines are rare: a second, precise pass says where and why.
    JsonProblem problem = diagnoseJson(line.text);
    addBad(report, line_no, line.offset,
           problem.found ? describeJsonProblem(problem) : parseErrorReason(err),
           line.text);
    return;
  }
  accept(root, line, line_no, order, report);
}

void RecordScanner::scanLines(const char* data, size_t end, size_t readable,
                              Pos& pos, uint64_t max_lines, uint64_t order,
                              ChunkReport& report) {
  LineCursor cursor(data + pos.at, end - pos.at);
  Line line;
  const size_t base = pos.at;
  while (cursor.count() < max_lines && cursor.next(line)) {
    line.offset += base;
    if (!line.blank)
      scanLine(line, pos.lines + cursor.count(), readable, order, report);
  }
  pos.at = base + cursor.consumed();
  pos.lines += cursor.count();
}

bool RecordScanner::scanStream(const char* data, size_t end, Pos& pos,
                               uint64_t order, ChunkReport& report) {
  const size_t base = pos.at;
  simdjson::dom::document_stream stream;
  if (stream_parser_.parse_many(data + base, end - base, end - base)
          .get(stream))
    return false;
  LineCursor cursor(data + base, end - base);
  Line line;
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    // The next non-blank line; the document must be exactly its content.
    do {
      if (!cursor.next(line))
        return true;  // more documents than lines: misaligned
      if (line.blank) {
        pos.at = base + cursor.consumed();
        ++pos.lines;
      }
    } while (line.blank);
    simdjson::dom::element root;
    if (simdjson::error_code err = (*it).get(root)) {
      // Stage 1 failed for the whole region (the bad byte may be anywhere in
      // it): another stream over the same bytes would fail again.
      using simdjson::error_code;
      return err != error_code::UTF8_ERROR &&
             err != error_code::UNESCAPED_CHARS &&
             err != error_code::UNCLOSED_STRING;
    }
    const char* first = line.text.data();
    const char* last = first + line.text.size();  // exclusive
    while (isSpace(*first)) ++first;  // not blank: stops in the line
    while (isSpace(last[-1])) --last;
    if (data + base + it.current_index() != first ||
        (*first != '{' && *first != '[')) {
      return true;
    }
    std::string_view src = it.source();
    if (src.data() + src.size() != last) return true;
    if (line.text.size() > max_record_) return true;
    line.offset += base;
    accept(root, line, pos.lines + 1, order, report);
    pos.at = base + cursor.consumed();
    ++pos.lines;
    ++streamed_;
  }
  return true;
}

void RecordScanner::scan(const char* data, size_t size, size_t readable,
                         uint64_t order_id, uint64_t line_base,
                         ChunkReport& report) {
  const uint64_t order = (order_id << 32) | line_base;
  Pos pos;
  while (pos.at < size) {
    const size_t end = chunkEnd(data, size, pos.at, kStreamRegion);
    // Streams need simdjson's padding after the region, and a region is not
    // much longer than kStreamRegion unless one line is huge (such lines go
    // to the per-line parser, which sizes itself to the longest line anyway).
    if (streaming_ && end + simdjson::SIMDJSON_PADDING <= readable &&
        end - pos.at <= 4 * kStreamRegion) {
      bool retry = true;
      for (unsigned tries = 0; pos.at < end; ++tries) {
        if (retry)
          retry = scanStream(data, end, pos, order, report) &&
                  tries < kStreamRestarts;
        // The line that stopped the stream (or, with no retries left, every
        // line to the end of the region) takes the per-line path.
        scanLines(data, end, readable, pos, retry ? 1 : UINT64_MAX, order,
                  report);
      }
    } else {
      scanLines(data, end, readable, pos, UINT64_MAX, order, report);
    }
  }
  report.lines += pos.lines;
}

}  // namespace clusterproc
