#include "bad_records.h"

#include <simdjson.h>
#include <unistd.h>

#include "console.h"
#include "json_write.h"
#include "sys.h"

namespace clusterproc {

namespace {

/// Length of the valid UTF-8 sequence at s[i], or 0 if it is not valid.
size_t utf8Length(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80         ? 1
             : (c >> 5) == 6  ? 2
             : (c >> 4) == 14 ? 3
             : (c >> 3) == 30 ? 4
                              : 0;
  if (n == 0 || i + n > s.size()) return 0;
  return simdjson::validate_utf8(s.data() + i, n) ? n : 0;
}

}  // namespace

void appendJsonStringLossy(std::string& out, std::string_view s) {
  if (simdjson::validate_utf8(s.data(), s.size())) {
    appendJsonString(out, s);
    return;
  }
  std::string clean;
  clean.reserve(s.size() + 16);
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8Length(s, i);
    if (n == 0) {
      clean += "\xEF\xBF\xBD";
      ++i;
    } else {
      clean.append(s.substr(i, n));
      i += n;
    }
  }
  appendJsonString(out, clean);
}

BadRecordReporter::BadRecordReporter(std::optional<OutputFile> file,
                                     uint64_t show)
    : file_(std::move(file)), show_(show) {}

Status BadRecordReporter::report(const std::string& file, uint64_t line,
                                 uint64_t offset, const BadRecord& bad) {
  ++count_;
  if (count_ <= show_) {
    line_ = file + ":" + std::to_string(line) + ": " + bad.reason + "\n";
    console().print(line_);
  }
  if (!file_) return Status();
  line_ = "{\"file\":";
  appendJsonStringLossy(line_, file);
  line_ += ",\"line\":";
  appendJsonUint(line_, line);
  line_ += ",\"offset\":";
  appendJsonUint(line_, offset);
  line_ += ",\"error\":";
  appendJsonString(line_, bad.reason);
  line_ += ",\"raw\":";
  appendJsonStringLossy(line_, bad.raw);
  line_ += "}\n";
  return file_->write(line_);
}

Status BadRecordReporter::finish() {
  if (count_ > show_) {
    console().say(std::to_string(count_) + " bad records in all; the first " +
                  std::to_string(show_) + " are shown above");
  }
  if (file_) return file_->commit();
  return Status();
}

}  // namespace clusterproc
