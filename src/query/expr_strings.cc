// The string functions that build text: replace, extract, trim, ltrim,
// rtrim, join and concat (docs/expressions.md). Regexes are compiled once,
// when the option is parsed; results are built in thread-local scratch
// strings and stored in the arena (no heap allocation per record once warm).

#include <re2/re2.h>

#include <memory>

#include "expr_functions.h"
#include "json_write.h"

namespace clusterproc::expr {

namespace {

bool isString(const Datum& d) { return d.v.kind == ValueKind::kString; }

/// Bytes of the UTF-8 sequence that starts at s[i] (1 for an invalid byte).
size_t sequenceLength(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const size_t n = c < 0x80           ? 1
                   : (c >> 5) == 0x6  ? 2
                   : (c >> 4) == 0xE  ? 3
                   : (c >> 3) == 0x1E ? 4
                                      : 1;
  if (i + n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

/// The regex argument at index i: a constant string that compiles.
std::unique_ptr<re2::RE2> constantRegex(const std::vector<NodePtr>& args,
                                        size_t i, std::string_view fname,
                                        CallError& err) {
  const Value* v = args[i]->constant();
  if (!v || v->kind != ValueKind::kString) {
    err = {i, std::string(fname) + "() takes its regex as a constant string"};
    return nullptr;
  }
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(
      re2::StringPiece(v->s.data(), v->s.size()), options);
  if (!re->ok()) {
    err = {i, "invalid regex: " + re->error()};
    return nullptr;
  }
  return re;
}

/// Appends a value as concat() and join() show it: strings as they are,
/// other values as compact JSON.
void appendText(std::string& out, const Datum& d, EvalArena& arena) {
  if (isString(d)) {
    out.append(d.v.s);
  } else {
    appendValueJson(out, materialize(d, arena));
  }
}

/// replace(s, re, repl): every non-overlapping match, as RE2::GlobalReplace
/// (after an empty match the next character is copied), into a scratch
/// string rather than a fresh std::string per record.
class ReplaceNode : public Node {
 public:
  ReplaceNode(std::vector<NodePtr> args, std::unique_ptr<re2::RE2> re)
      : args_(std::move(args)),
        re_(std::move(re)),
        groups_(re_->NumberOfCapturingGroups() + 1) {}

  Datum eval(const Ctx& c) const override {
    const Datum s = args_[0]->eval(c);
    const Datum repl = args_[2]->eval(c);
    if (!isString(s) || !isString(repl)) return Datum();
    const re2::StringPiece rewrite(repl.v.s.data(), repl.v.s.size());
    if (!args_[2]->constant() && !re_->CheckRewriteString(rewrite, nullptr))
      return Datum();
    const std::string_view text = s.v.s;
    re2::StringPiece whole(text.data(), text.size());
    re2::StringPiece m[10];
    const int n = std::min(groups_, 10);
    ScratchString buf;
    std::string& out = buf.str();
    size_t p = 0;
    const char* last_end = nullptr;
    bool changed = false;
    while (p <= text.size()) {
      if (!re_->Match(whole, p, text.size(), re2::RE2::UNANCHORED, m, n)) break;
      const size_t at = static_cast<size_t>(m[0].data() - text.data());
      out.append(text.substr(p, at - p));
      if (m[0].data() == last_end && m[0].empty()) {
        // No empty match right where the last match ended: move on a character.
        if (p < text.size()) {
          const size_t k = sequenceLength(text, p);
          out.append(text.substr(p, k));
          p += k;
        } else {
          ++p;
        }
        continue;
      }
      re_->Rewrite(&out, rewrite, m, n);
      changed = true;
      p = at + m[0].size();
      last_end = m[0].data() + m[0].size();
    }
    if (!changed) return s;
    if (p < text.size()) out.append(text.substr(p));
    return Value::string(c.arena.store(out));
  }
  bool foldable() const override {
    return args_[0]->constant() && args_[2]->constant();
  }

 private:
  std::vector<NodePtr> args_;
  std::unique_ptr<re2::RE2> re_;
  int groups_;
};

/// extract(s, re[, group]): the first match, or one of its groups.
class ExtractNode : public Node {
 public:
  ExtractNode(NodePtr s, std::unique_ptr<re2::RE2> re, int group)
      : s_(std::move(s)), re_(std::move(re)), group_(group) {}

  Datum eval(const Ctx& c) const override {
    const Datum s = s_->eval(c);
    if (!isString(s)) return Datum();
    re2::StringPiece text(s.v.s.data(), s.v.s.size());
    re2::StringPiece m[10];
    if (!re_->Match(text, 0, text.size(), re2::RE2::UNANCHORED, m, group_ + 1))
      return Datum();
    const re2::StringPiece& g = m[group_];
    if (g.data() == nullptr) return Datum();  // a group that took no part
    return Value::string(std::string_view(g.data(), g.size()));
  }
  bool foldable() const override { return s_->constant() != nullptr; }

 private:
  NodePtr s_;
  std::unique_ptr<re2::RE2> re_;
  int group_;
};

constexpr std::string_view kWhiteSpace = " \t\n\r\f\v";

/// trim, ltrim, rtrim: a view into s without the leading and/or trailing
/// characters of a set (code points; ASCII white space by default).
class TrimNode : public Node {
 public:
  TrimNode(Fn fn, std::vector<NodePtr> args)
      : fn_(fn), args_(std::move(args)) {}

  Datum eval(const Ctx& c) const override {
    const Datum s = args_[0]->eval(c);
    if (!isString(s)) return Datum();
    std::string_view set = kWhiteSpace;
    if (args_.size() > 1) {
      const Datum chars = args_[1]->eval(c);
      if (!isString(chars)) return Datum();
      set = chars.v.s;
    }
    std::string_view t = s.v.s;
    if (fn_ != Fn::kRtrim) {
      while (!t.empty()) {
        const size_t k = sequenceLength(t, 0);
        if (set.find(t.substr(0, k)) == std::string_view::npos) break;
        t.remove_prefix(k);
      }
    }
    if (fn_ != Fn::kLtrim) {
      while (!t.empty()) {
        size_t b = t.size() - 1;  // the start of the last sequence
        while (b > 0 && (static_cast<unsigned char>(t[b]) & 0xC0) == 0x80 &&
               t.size() - b < 4)
          --b;
        if (sequenceLength(t, b) != t.size() - b) b = t.size() - 1;
        if (set.find(t.substr(b)) == std::string_view::npos) break;
        t.remove_suffix(t.size() - b);
      }
    }
    return Value::string(t);
  }
  bool foldable() const override { return allConstant(args_); }

 private:
  Fn fn_;
  std::vector<NodePtr> args_;
};

/// join(array, sep): the elements as text (null as ""), sep between them.
class JoinNode : public Node {
 public:
  JoinNode(NodePtr a, NodePtr sep) : a_(std::move(a)), sep_(std::move(sep)) {}

  Datum eval(const Ctx& c) const override {
    const Datum a = a_->eval(c);
    const Datum sep = sep_->eval(c);
    if (a.v.kind != ValueKind::kArray || !isString(sep)) return Datum();
    ScratchString buf;
    std::string& out = buf.str();
    withContainer(a, [&](simdjson::dom::element e) {
      bool first = true;
      const simdjson::dom::array items = e.get_array().value_unsafe();
      for (simdjson::dom::element item : items) {
        if (!first) out.append(sep.v.s);
        first = false;
        const Datum d = fromRecord(item);
        if (!d.v.isNull()) appendText(out, d, c.arena);
      }
    });
    return Value::string(c.arena.store(out));
  }
  bool foldable() const override { return a_->constant() && sep_->constant(); }

 private:
  NodePtr a_, sep_;
};

/// concat(a, b, ...): the texts of the arguments that are not null.
class ConcatNode : public Node {
 public:
  explicit ConcatNode(std::vector<NodePtr> args) : args_(std::move(args)) {}

  Datum eval(const Ctx& c) const override {
    ScratchString buf;
    std::string& out = buf.str();
    for (const NodePtr& a : args_) {
      const Datum d = a->eval(c);
      if (!d.v.isNull()) appendText(out, d, c.arena);
    }
    return Value::string(c.arena.store(out));
  }
  bool foldable() const override { return allConstant(args_); }

 private:
  std::vector<NodePtr> args_;
};

}  // namespace

NodePtr makeStringCall(Fn fn, std::vector<NodePtr>& args, CallError& err) {
  switch (fn) {
    case Fn::kReplace: {
      auto re = constantRegex(args, 1, "replace", err);
      if (!re) return nullptr;
      if (re->NumberOfCapturingGroups() > 9) {
        err = {1, "replace() supports at most 9 groups"};
        return nullptr;
      }
      if (const Value* repl = args[2]->constant();
          repl && repl->kind == ValueKind::kString) {
        std::string why;
        if (!re->CheckRewriteString(
                re2::StringPiece(repl->s.data(), repl->s.size()), &why)) {
          err = {2, "invalid replacement: " + why};
          return nullptr;
        }
      }
      return std::make_unique<ReplaceNode>(std::move(args), std::move(re));
    }
    case Fn::kExtract: {
      auto re = constantRegex(args, 1, "extract", err);
      if (!re) return nullptr;
      int group = 0;
      if (args.size() > 2) {
        const Value* g = args[2]->constant();
        const int groups = re->NumberOfCapturingGroups();
        if (!g || g->kind != ValueKind::kInt || g->i < 0 ||
            g->i > std::min(groups, 9)) {
          err = {2, "extract() takes a constant group number from 0 to " +
                        std::to_string(std::min(groups, 9)) +
                        " for this regex"};
          return nullptr;
        }
        group = static_cast<int>(g->i);
      }
      return std::make_unique<ExtractNode>(std::move(args[0]), std::move(re),
                                           group);
    }
    case Fn::kJoin:
      return std::make_unique<JoinNode>(std::move(args[0]), std::move(args[1]));
    case Fn::kConcat:
      return std::make_unique<ConcatNode>(std::move(args));
    default:
      return std::make_unique<TrimNode>(fn, std::move(args));
  }
}

}  // namespace clusterproc::expr
