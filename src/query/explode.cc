#include "explode.h"

#include <stdexcept>

#include "chunker.h"
#include "expr_parser.h"

namespace clusterproc {

namespace {

using simdjson::dom::element;

constexpr const char* kOption = "--explode";

}  // namespace

Result<ExplodePath> parseExplodePath(std::string_view text) {
  if (isBlank(text)) {
    return Status::error(ExitCode::kUsage,
                         "error in --explode at column 1: empty path");
  }
  expr::Parser p(text, kOption);
  const size_t begin = p.token().begin;
  expr::NodePtr root = p.parseExpression();
  if (root && p.token().type != expr::Tok::kEnd) p.failUnexpected();
  if (p.failed()) return p.status();
  const auto* path = dynamic_cast<const expr::PathNode*>(root.get());
  ExplodePath out;
  out.text = std::string(text);
  bool plain = path != nullptr && path->fromRoot();
  for (size_t i = 0; plain && i < path->steps().size(); ++i) {
    const expr::Step& s = path->steps()[i];
    if (s.kind == expr::Step::kDynamic) {
      plain = false;
      break;
    }
    ExplodePath::Step step;
    step.is_index = s.kind == expr::Step::kIndex;
    step.key = s.key;
    step.index = s.index;
    out.steps.push_back(std::move(step));
  }
  if (!plain) {
    p.fail(begin,
           "expected a path of keys and indexes to an array (tags, .a.b, "
           "items[0].tags)");
    return p.status();
  }
  return out;
}

Exploder::Exploder(std::vector<ExplodePath> paths) : paths_(std::move(paths)) {
  for (size_t i = 0; i < paths_.size(); ++i)
    levels_.push_back(std::make_unique<Level>());
}

Exploder::Found Exploder::locate(const ExplodePath& path, element root,
                                 std::string_view text, size_t& begin,
                                 size_t& end) {
  // The DOM finds the value (and says which member or element it is), the
  // text walk in step with it finds its bytes.
  element cur = root;
  size_t at = rawSkipSpace(text, 0);
  for (const ExplodePath::Step& s : path.steps) {
    std::string_view raw;
    if (s.is_index) {
      simdjson::dom::array a;
      if (cur.get_array().get(a)) return Found::kNothing;
      const size_t n = a.size();
      int64_t i = s.index;
      if (i < 0) i += static_cast<int64_t>(n);
      if (i < 0 || static_cast<uint64_t>(i) >= n) return Found::kNothing;
      cur = a.at(static_cast<size_t>(i)).value_unsafe();
      RawArrayCursor elements(text, at);
      for (int64_t k = 0; k <= i; ++k) elements.next(raw);
    } else {
      simdjson::dom::object o;
      if (cur.get_object().get(o)) return Found::kNothing;
      RawObjectCursor members(text, at);
      std::string_view key;
      bool found = false;
      for (simdjson::dom::key_value_pair field : o) {
        members.next(key, raw);
        if (field.key ==
            s.key) {  // the first member of that name, as paths take it
          cur = field.value;
          found = true;
          break;
        }
      }
      if (!found) return Found::kNothing;
    }
    at = static_cast<size_t>(raw.data() - text.data());
  }
  if (cur.is_null()) return Found::kNothing;
  if (!cur.is_array()) return Found::kKeep;
  if (cur.get_array().value_unsafe().begin() ==
      cur.get_array().value_unsafe().end()) {
    return Found::kNothing;
  }
  begin = at;
  end = rawValueEnd(text, at);
  return Found::kArray;
}

element Exploder::substitute(Level& level, std::string_view text, size_t begin,
                             size_t end, std::string_view element_text,
                             std::string_view& produced) {
  std::string& buf = level.text;
  buf.assign(text.substr(0, begin));
  buf.append(element_text);
  buf.append(text.substr(end));
  const size_t size = buf.size();
  buf.append(simdjson::SIMDJSON_PADDING, ' ');
  element root;
  // Valid: valid JSON with one value replaced by another valid value, no
  // deeper than before.
  if (simdjson::error_code err =
          level.parser.parse(buf.data(), size, false, root)) {
    throw std::runtime_error(
        std::string("--explode: a produced record does not parse: ") +
        simdjson::error_message(err));
  }
  produced = std::string_view(buf.data(), size);
  return root;
}

}  // namespace clusterproc
