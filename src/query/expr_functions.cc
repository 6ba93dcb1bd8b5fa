#include "expr_functions.h"

#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "expr_text.h"
#include "json_write.h"

namespace clusterproc::expr {

namespace {

constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;

constexpr std::array<FuncInfo, 42> kFunctions{{
    {"len", Fn::kLen, 1, 1},
    {"lower", Fn::kLower, 1, 1},
    {"upper", Fn::kUpper, 1, 1},
    {"contains", Fn::kContains, 2, 2},
    {"starts_with", Fn::kStartsWith, 2, 2},
    {"ends_with", Fn::kEndsWith, 2, 2},
    {"substr", Fn::kSubstr, 2, 3},
    {"split", Fn::kSplit, 2, 2},
    {"exists", Fn::kExists, 1, 1},
    {"is_null", Fn::kIsNull, 1, 1},
    {"coalesce", Fn::kCoalesce, 1, -1},
    {"int", Fn::kInt, 1, 1},
    {"float", Fn::kFloat, 1, 1},
    {"str", Fn::kStr, 1, 1},
    {"abs", Fn::kAbs, 1, 1},
    {"round", Fn::kRound, 1, 2},
    {"floor", Fn::kFloor, 1, 1},
    {"ceil", Fn::kCeil, 1, 1},
    {"epoch", Fn::kEpoch, 1, 1},
    {"type", Fn::kType, 1, 1},
    {"if", Fn::kIf, 3, 3},
    {"replace", Fn::kReplace, 3, 3},
    {"extract", Fn::kExtract, 2, 3},
    {"trim", Fn::kTrim, 1, 2},
    {"ltrim", Fn::kLtrim, 1, 2},
    {"rtrim", Fn::kRtrim, 1, 2},
    {"join", Fn::kJoin, 2, 2},
    {"concat", Fn::kConcat, 1, -1},
    {"log", Fn::kLog, 1, 2},
    {"ln", Fn::kLn, 1, 1},
    {"exp", Fn::kExp, 1, 1},
    {"sqrt", Fn::kSqrt, 1, 1},
    {"pow", Fn::kPow, 2, 2},
    {"least", Fn::kLeast, 1, -1},
    {"greatest", Fn::kGreatest, 1, -1},
    {"hash", Fn::kHash, 1, 1},
    {"strptime", Fn::kStrptime, 2, 2},
    {"strftime", Fn::kStrftime, 2, 2},
    {"date_trunc", Fn::kDateTrunc, 2, 2},
    {"time_bucket", Fn::kTimeBucket, 2, 2},
    {"file", Fn::kFile, 0, 0},
    {"line", Fn::kLine, 0, 0},
}};

bool isString(const Datum& d) { return d.v.kind == ValueKind::kString; }

/// A number as an int64, truncated toward zero and saturated.
std::optional<int64_t> toInt64(const Value& v) {
  switch (v.kind) {
    case ValueKind::kInt:
      return v.i;
    case ValueKind::kUint:
      return std::numeric_limits<int64_t>::max();
    case ValueKind::kDouble:
      if (v.d >= kTwo63) return std::numeric_limits<int64_t>::max();
      if (v.d < -kTwo63) return std::numeric_limits<int64_t>::min();
      return static_cast<int64_t>(v.d);
    default:
      return std::nullopt;
  }
}

/// A double with no fraction as an int when it fits int64/uint64.
Value integral(double r) {
  if (r >= -kTwo63 && r < kTwo63)
    return Value::integer(static_cast<int64_t>(r));
  return Value::number(r);
}

Value len(const Datum& d) {
  if (isString(d))
    return Value::integer(static_cast<int64_t>(utf8Length(d.v.s)));
  size_t n = 0;
  if (!withContainer(d,
                     [&](simdjson::dom::element e) { n = containerSize(e); }))
    return {};
  return Value::integer(static_cast<int64_t>(n));
}

Value changeCaseOf(const Datum& d, bool upper, EvalArena& arena) {
  if (!isString(d)) return {};
  std::string& s = arena.scratch();
  if (!changeCase(d.v.s, upper, s)) return d.v;
  return Value::string(arena.commit());
}

// Strings: substring test; arrays: an element equals x.
Value contains(const Datum& a, const Datum& x, EvalArena& arena) {
  if (isString(a)) {
    if (!isString(x)) return {};
    return Value::boolean(a.v.s.find(x.v.s) != std::string_view::npos);
  }
  if (a.v.kind != ValueKind::kArray) return {};
  bool found = false;
  withContainer(a, [&](simdjson::dom::element e) {
    const simdjson::dom::array items = e.get_array().value_unsafe();
    for (simdjson::dom::element item : items) {
      if (compareData(fromRecord(item), x, arena) == 0) {
        found = true;
        return;
      }
    }
  });
  return Value::boolean(found);
}

Value substr(const Datum& s, const Datum& start, const Datum* length) {
  if (!isString(s)) return {};
  const auto from = toInt64(start.v);
  if (!from) return {};
  uint64_t begin;
  if (*from < 0) {
    const uint64_t n = utf8Length(s.v.s);
    const uint64_t back = static_cast<uint64_t>(-(*from + 1)) + 1;
    begin = back >= n ? 0 : n - back;
  } else {
    begin = static_cast<uint64_t>(*from);
  }
  const size_t b = utf8Offset(s.v.s, begin);
  std::string_view rest = s.v.s.substr(b);
  if (length) {
    const auto count = toInt64(length->v);
    if (!count) return {};
    rest = rest.substr(
        0, *count <= 0 ? 0 : utf8Offset(rest, static_cast<uint64_t>(*count)));
  }
  return Value::string(rest);
}

Value split(const Datum& s, const Datum& sep, EvalArena& arena) {
  if (!isString(s) || !isString(sep)) return {};
  std::string& out = arena.scratch();
  out.push_back('[');
  std::string_view rest = s.v.s;
  if (sep.v.s.empty()) {
    // Code points, as jq's split("").
    for (size_t i = 0; i < rest.size();) {
      const size_t n = std::max<size_t>(utf8Offset(rest.substr(i), 1), 1);
      if (out.size() > 1) out.push_back(',');
      appendJsonString(out, rest.substr(i, n));
      i += n;
    }
  } else {
    while (true) {
      const size_t at = rest.find(sep.v.s);
      if (out.size() > 1) out.push_back(',');
      appendJsonString(out, rest.substr(0, at));
      if (at == std::string_view::npos) break;
      rest.remove_prefix(at + sep.v.s.size());
    }
  }
  out.push_back(']');
  return Value::container(ValueKind::kArray, arena.commit());
}

Value toInt(const Value& v) {
  switch (v.kind) {
    case ValueKind::kInt:
    case ValueKind::kUint:
      return v;
    case ValueKind::kDouble: {
      const double t = std::trunc(v.d);
      if (t >= -kTwo63 && t < kTwo63)
        return Value::integer(static_cast<int64_t>(t));
      if (t >= kTwo63 && t < kTwo64)
        return Value::uinteger(static_cast<uint64_t>(t));
      return {};
    }
    case ValueKind::kString: {
      std::string_view s = v.s;
      const bool negative = !s.empty() && s[0] == '-';
      if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
      if (s.empty() || s[0] < '0' || s[0] > '9') return {};
      uint64_t u = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), u);
      if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return {};
      if (!negative) return Value::uinteger(u);
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + 1)
        return {};
      return Value::integer(
          static_cast<int64_t>(0 - u));  // two's complement: -u
    }
    default:
      return {};
  }
}

Value toFloat(const Value& v) {
  if (v.isNumber()) return Value::number(v.asDouble());
  if (v.kind != ValueKind::kString) return {};
  std::string_view s = v.s;
  if (!s.empty() && s[0] == '+') {
    s.remove_prefix(1);
    if (!s.empty() && s[0] == '-') return {};
  }
  double d = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), d);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return {};
  return Value::number(d);  // "inf" and "nan" become null
}

Value toStr(const Datum& d, EvalArena& arena) {
  if (isString(d)) return d.v;
  const Value v = materialize(d, arena);
  if (v.kind == ValueKind::kArray || v.kind == ValueKind::kObject)
    return Value::string(v.s);
  std::string& s = arena.scratch();
  appendValueJson(s, v);
  return Value::string(arena.commit());
}

Value rounding(Fn fn, const Value& v) {
  if (v.kind == ValueKind::kInt || v.kind == ValueKind::kUint) return v;
  if (v.kind != ValueKind::kDouble) return {};
  switch (fn) {
    case Fn::kRound:
      return integral(std::round(v.d));  // half away from zero
    case Fn::kFloor:
      return integral(std::floor(v.d));
    default:
      return integral(std::ceil(v.d));
  }
}

Value absOf(const Value& v) {
  switch (v.kind) {
    case ValueKind::kInt:
      if (v.i >= 0) return v;
      if (v.i == std::numeric_limits<int64_t>::min())
        return Value::uinteger(uint64_t{1} << 63);
      return Value::integer(-v.i);
    case ValueKind::kUint:
      return v;
    case ValueKind::kDouble:
      return Value::number(std::fabs(v.d));
    default:
      return {};
  }
}

Value typeOf(const Value& v) {
  switch (v.kind) {
    case ValueKind::kNull:
      return Value::string("null");
    case ValueKind::kBool:
      return Value::string("boolean");
    case ValueKind::kString:
      return Value::string("string");
    case ValueKind::kArray:
      return Value::string("array");
    case ValueKind::kObject:
      return Value::string("object");
    default:
      return Value::string("number");
  }
}

class FuncNode : public Node {
 public:
  FuncNode(Fn fn, std::vector<NodePtr> args)
      : fn_(fn), args_(std::move(args)) {}

  Datum eval(const Ctx& c) const override {
    if (fn_ == Fn::kCoalesce) {
      for (const NodePtr& a : args_) {
        Datum d = a->eval(c);
        if (!d.v.isNull()) return d;
      }
      return Datum();
    }
    const Datum a = args_[0]->eval(c);
    switch (fn_) {
      case Fn::kLen:
        return len(a);
      case Fn::kLower:
        return changeCaseOf(a, false, c.arena);
      case Fn::kUpper:
        return changeCaseOf(a, true, c.arena);
      case Fn::kIsNull:
        return Value::boolean(a.v.isNull());
      case Fn::kInt:
        return toInt(a.v);
      case Fn::kFloat:
        return toFloat(a.v);
      case Fn::kStr:
        return toStr(a, c.arena);
      case Fn::kAbs:
        return absOf(a.v);
      case Fn::kRound:
      case Fn::kFloor:
      case Fn::kCeil:
        return rounding(fn_, a.v);
      case Fn::kEpoch:
        return isString(a) ? parseRfc3339(a.v.s) : Value::null();
      case Fn::kType:
        return typeOf(a.v);
      default:
        break;
    }
    const Datum b = args_[1]->eval(c);
    switch (fn_) {
      case Fn::kContains:
        return contains(a, b, c.arena);
      case Fn::kStartsWith:
        if (!isString(a) || !isString(b)) return Datum();
        return Value::boolean(a.v.s.starts_with(b.v.s));
      case Fn::kEndsWith:
        if (!isString(a) || !isString(b)) return Datum();
        return Value::boolean(a.v.s.ends_with(b.v.s));
      case Fn::kSplit:
        return split(a, b, c.arena);
      case Fn::kSubstr: {
        if (args_.size() < 3) return substr(a, b, nullptr);
        const Datum n = args_[2]->eval(c);
        return substr(a, b, &n);
      }
      default:
        return Datum();
    }
  }

  bool foldable() const override {
    for (const NodePtr& a : args_) {
      if (!a->constant()) return false;
    }
    return true;
  }

  Fn fn() const { return fn_; }
  std::vector<NodePtr> takeArgs() { return std::move(args_); }

 private:
  Fn fn_;
  std::vector<NodePtr> args_;
};

/// split(s, sep)[index]: the piece as a view into s.
class SplitIndexNode : public Node {
 public:
  SplitIndexNode(std::vector<NodePtr> args, int64_t index)
      : s_(std::move(args[0])), sep_(std::move(args[1])), index_(index) {}

  Datum eval(const Ctx& c) const override {
    const Datum s = s_->eval(c);
    const Datum sep = sep_->eval(c);
    if (!isString(s) || !isString(sep)) return Datum();
    const std::string_view text = s.v.s, by = sep.v.s;
    if (by.empty()) {
      const int64_t n = static_cast<int64_t>(utf8Length(text));
      const int64_t k = index_ < 0 ? n + index_ : index_;
      if (k < 0 || k >= n) return Datum();
      const size_t b = utf8Offset(text, static_cast<size_t>(k));
      return Value::string(text.substr(b, utf8Offset(text.substr(b), 1)));
    }
    int64_t k = index_;
    if (k < 0) {
      int64_t pieces = 1;
      for (size_t at = text.find(by); at != std::string_view::npos;
           at = text.find(by, at + by.size())) {
        ++pieces;
      }
      k += pieces;
      if (k < 0) return Datum();
    }
    size_t begin = 0;
    for (; k > 0; --k) {
      const size_t at = text.find(by, begin);
      if (at == std::string_view::npos) return Datum();
      begin = at + by.size();
    }
    const size_t end = text.find(by, begin);
    return Value::string(
        text.substr(begin, end == std::string_view::npos ? end : end - begin));
  }
  bool foldable() const override { return s_->constant() && sep_->constant(); }

 private:
  NodePtr s_, sep_;
  int64_t index_;
};

class ExistsNode : public Node {
 public:
  explicit ExistsNode(std::unique_ptr<PathNode> path)
      : path_(std::move(path)) {}
  Datum eval(const Ctx& c) const override { return Value::boolean(test(c)); }
  bool test(const Ctx& c) const override { return path_->exists(c); }
  bool foldable() const override { return path_->foldable(); }

 private:
  std::unique_ptr<PathNode> path_;
};

/// if(c, a, b): only the branch taken is evaluated.
class IfNode : public Node {
 public:
  explicit IfNode(std::vector<NodePtr> args) : args_(std::move(args)) {}
  Datum eval(const Ctx& c) const override {
    return args_[args_[0]->test(c) ? 1 : 2]->eval(c);
  }
  bool test(const Ctx& c) const override {
    return args_[args_[0]->test(c) ? 1 : 2]->test(c);
  }
  bool foldable() const override {
    const Value* cond = args_[0]->constant();
    return cond && args_[truthy(*cond) ? 1 : 2]->constant();
  }

 private:
  std::vector<NodePtr> args_;
};

/// case when ... then ... [else ...] end: the first condition that holds.
class CaseNode : public Node {
 public:
  CaseNode(std::vector<NodePtr> whens, std::vector<NodePtr> thens,
           NodePtr otherwise)
      : whens_(std::move(whens)),
        thens_(std::move(thens)),
        else_(std::move(otherwise)) {}
  Datum eval(const Ctx& c) const override {
    const Node* n = pick(c);
    return n ? n->eval(c) : Datum();
  }
  bool test(const Ctx& c) const override {
    const Node* n = pick(c);
    return n && n->test(c);
  }
  bool foldable() const override {
    for (size_t i = 0; i < whens_.size(); ++i) {
      const Value* cond = whens_[i]->constant();
      if (!cond) return false;
      if (truthy(*cond)) return thens_[i]->constant() != nullptr;
    }
    return !else_ || else_->constant();
  }

 private:
  const Node* pick(const Ctx& c) const {
    for (size_t i = 0; i < whens_.size(); ++i) {
      if (whens_[i]->test(c)) return thens_[i].get();
    }
    return else_.get();
  }

  std::vector<NodePtr> whens_, thens_;
  NodePtr else_;
};

/// file() and line(): where the record comes from (EvalArena::origin()).
class OriginNode : public Node {
 public:
  explicit OriginNode(Fn fn) : fn_(fn) {}
  Datum eval(const Ctx& c) const override {
    const RecordOrigin& o = c.arena.origin();
    if (fn_ == Fn::kFile)
      return o.file.empty() ? Datum() : Datum(Value::string(o.file));
    return o.line == 0 ? Datum() : Datum(Value::uinteger(o.line));
  }

 private:
  Fn fn_;
};

}  // namespace

std::vector<std::string_view> functionNames() {
  std::vector<std::string_view> names;
  for (const FuncInfo& f : kFunctions) names.push_back(f.name);
  return names;
}

NodePtr makeCase(std::vector<NodePtr> whens, std::vector<NodePtr> thens,
                 NodePtr otherwise) {
  assert(whens.size() == thens.size());
  return std::make_unique<CaseNode>(std::move(whens), std::move(thens),
                                    std::move(otherwise));
}

const FuncInfo* findFunction(std::string_view name) {
  for (const FuncInfo& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

NodePtr makeCall(Fn fn, std::vector<NodePtr> args, CallError& err) {
  switch (fn) {
    case Fn::kIf:
      return std::make_unique<IfNode>(std::move(args));
    case Fn::kFile:
    case Fn::kLine:
      return std::make_unique<OriginNode>(fn);
    case Fn::kReplace:
    case Fn::kExtract:
    case Fn::kTrim:
    case Fn::kLtrim:
    case Fn::kRtrim:
    case Fn::kJoin:
    case Fn::kConcat:
      return makeStringCall(fn, args, err);
    case Fn::kRound:
      if (args.size() == 1) break;
      [[fallthrough]];
    case Fn::kLog:
    case Fn::kLn:
    case Fn::kExp:
    case Fn::kSqrt:
    case Fn::kPow:
    case Fn::kLeast:
    case Fn::kGreatest:
    case Fn::kHash:
      return makeNumberCall(fn, args, err);
    case Fn::kStrptime:
    case Fn::kStrftime:
    case Fn::kDateTrunc:
    case Fn::kTimeBucket:
      return makeTimeCall(fn, args, err);
    default:
      break;
  }
  if (fn == Fn::kExists) {
    auto* path = dynamic_cast<PathNode*>(args.at(0).get());
    assert(path != nullptr);
    args[0].release();
    return std::make_unique<ExistsNode>(std::unique_ptr<PathNode>(path));
  }
  return std::make_unique<FuncNode>(fn, std::move(args));
}

NodePtr makeSplitIndex(PathNode& path) {
  auto* call = dynamic_cast<FuncNode*>(path.base());
  if (!call || call->fn() != Fn::kSplit || path.steps().size() != 1 ||
      path.steps()[0].kind != Step::kIndex) {
    return nullptr;
  }
  return std::make_unique<SplitIndexNode>(call->takeArgs(),
                                          path.steps()[0].index);
}

}  // namespace clusterproc::expr
