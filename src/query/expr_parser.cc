#include "expr_parser.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "expr.h"
#include "expr_functions.h"
#include "expr_ops.h"
#include "expr_text.h"

namespace clusterproc::expr {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string arityMessage(std::string_view name, int min_args, int max_args,
                         size_t got) {
  std::string m = std::string(name) + "() takes ";
  if (max_args < 0) {
    m += "at least " + std::to_string(min_args);
  } else if (min_args == max_args) {
    m += std::to_string(min_args);
  } else {
    m += std::to_string(min_args) + " or " + std::to_string(max_args);
  }
  const int shown = max_args < 0 ? min_args : max_args;
  m += shown == 1 && min_args == 1 ? " argument" : " arguments";
  return m + " (got " + std::to_string(got) + ")";
}

/// Levenshtein distance, for suggestions.
size_t editDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      const bool same =
          std::tolower(static_cast<unsigned char>(a[i - 1])) == b[j - 1];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::optional<BinOp> comparisonOp(Tok t) {
  switch (t) {
    case Tok::kEq:
      return BinOp::kEq;
    case Tok::kNe:
      return BinOp::kNe;
    case Tok::kLt:
      return BinOp::kLt;
    case Tok::kLe:
      return BinOp::kLe;
    case Tok::kGt:
      return BinOp::kGt;
    case Tok::kGe:
      return BinOp::kGe;
    default:
      return std::nullopt;
  }
}

}  // namespace

std::string suggestNames(std::string_view name,
                         const std::vector<std::string_view>& known) {
  // One edit for short names (else "foo" would suggest floor, log and pow).
  const size_t limit =
      name.size() <= 4 ? 1 : std::max<size_t>(2, name.size() / 3);
  std::vector<std::pair<size_t, std::string_view>> near;
  for (std::string_view k : known) {
    size_t d = editDistance(name, k);
    // A known name that starts with what was typed ("quant"), or that starts
    // what was typed ("lenght"), is near too.
    const std::string_view shorter = k.size() < name.size() ? k : name;
    const std::string_view longer = k.size() < name.size() ? name : k;
    if (d > limit && shorter.size() >= 3 &&
        equalsIgnoreCase(longer.substr(0, shorter.size()), shorter)) {
      d = limit;
    }
    if (d <= limit) near.emplace_back(d, k);
  }
  if (near.empty()) return "";
  std::stable_sort(near.begin(), near.end(), [](const auto& a, const auto& b) {
    return a.first < b.first;
  });
  std::string out = " (did you mean ";
  for (size_t i = 0; i < near.size() && i < 3; ++i) {
    if (i > 0) out += i + 1 == std::min<size_t>(near.size(), 3) ? " or " : ", ";
    out += near[i].second;
  }
  return out + "?)";
}

NodePtr maybeFold(NodePtr n) {
  if (n && n->foldable()) return fold(std::move(n));
  return n;
}

Parser::Nesting::Nesting(Parser& p) : p_(p), ok_(++p.depth_ <= kMaxDepth) {
  if (!ok_) p.fail(p.tok_.begin, "expression nested too deeply");
}

Parser::Parser(std::string_view text, std::string_view option)
    : text_(text), option_(option), lexer_(text) {
  tok_ = lexer_.next();
}

void Parser::advance() {
  last_end_ = tok_.end;
  if (tok_.type != Tok::kEnd && tok_.type != Tok::kError) tok_ = lexer_.next();
}

bool Parser::atWord(std::string_view word) const {
  return tok_.type == Tok::kIdent && equalsIgnoreCase(tokenText(), word);
}

bool Parser::atKeyword(std::string_view word) const {
  return tok_.type == Tok::kIdent && tokenText() == word;
}

void Parser::fail(size_t at, const std::string& message) {
  if (failed()) return;
  status_ = Status::error(ExitCode::kUsage,
                          "error in " + option_ + " at column " +
                              std::to_string(at + 1) + ": " + message);
}

void Parser::failUnexpected() {
  switch (tok_.type) {
    case Tok::kError:
      fail(tok_.error_at, tok_.str);
      return;
    case Tok::kEnd:
      fail(tok_.begin, "unexpected end of expression");
      return;
    default:
      break;
  }
  std::string_view t = tokenText();
  std::string shown(t.substr(0, 24));
  if (t.size() > 24) shown += "...";
  fail(tok_.begin, "unexpected '" + shown + "'");
}

bool Parser::chain() {
  // A chain a+b+c+... makes a left-deep tree as deep as it is long.
  if (++chained_ <= kMaxChain) return true;
  fail(tok_.begin, "expression too long");
  return false;
}

bool Parser::expect(Tok t, const char* what) {
  if (tok_.type == t) {
    advance();
    return true;
  }
  if (tok_.type == Tok::kError) {
    failUnexpected();
  } else {
    fail(tok_.begin, std::string("expected ") + what);
  }
  return false;
}

NodePtr Parser::parseExpression() {
  NodePtr n = parseOr();
  return failed() ? nullptr : std::move(n);
}

NodePtr Parser::parseOr() {
  Nesting nesting(*this);
  if (!nesting.ok()) return nullptr;
  NodePtr l = parseAnd();
  while (l && atWord("or")) {
    if (!chain()) return nullptr;
    advance();
    NodePtr r = parseAnd();
    if (!r) return nullptr;
    l = maybeFold(makeOr(std::move(l), std::move(r)));
  }
  return l;
}

NodePtr Parser::parseAnd() {
  NodePtr l = parseNot();
  while (l && atWord("and")) {
    if (!chain()) return nullptr;
    advance();
    NodePtr r = parseNot();
    if (!r) return nullptr;
    l = maybeFold(makeAnd(std::move(l), std::move(r)));
  }
  return l;
}

NodePtr Parser::parseNot() {
  if (!atWord("not")) return parseComparison();
  Nesting nesting(*this);
  if (!nesting.ok()) return nullptr;
  advance();
  NodePtr x = parseNot();
  if (!x) return nullptr;
  return maybeFold(makeNot(std::move(x)));
}

NodePtr Parser::parseComparison() {
  NodePtr l = parseAdditive();
  if (!l) return nullptr;
  if (tok_.type == Tok::kMatch) {
    l = parseMatch(std::move(l));
  } else if (atWord("in")) {
    advance();
    if (tok_.type == Tok::kLParen && !checkInList()) return nullptr;
    NodePtr r = parseAdditive();
    if (!r) return nullptr;
    l = maybeFold(makeIn(std::move(l), std::move(r)));
  } else if (auto op = comparisonOp(tok_.type)) {
    advance();
    if (!checkUnquoted()) return nullptr;
    NodePtr r = parseAdditive();
    if (!r) return nullptr;
    l = maybeFold(makeCompare(*op, std::move(l), std::move(r)));
  } else {
    return l;
  }
  if (l &&
      (comparisonOp(tok_.type) || tok_.type == Tok::kMatch || atWord("in"))) {
    fail(tok_.begin, "unexpected '" + std::string(tokenText()) +
                         "' (comparisons do not chain; use parentheses)");
    return nullptr;
  }
  return l;
}

NodePtr Parser::parseMatch(NodePtr lhs) {
  advance();  // =~
  if (tok_.type != Tok::kString) {
    if (tok_.type == Tok::kError) {
      failUnexpected();
    } else {
      fail(tok_.begin, "expected a string literal after '=~'");
    }
    return nullptr;
  }
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<re2::RE2>(tok_.str, options);
  if (!re->ok()) {
    fail(tok_.begin, "invalid regex: " + re->error());
    return nullptr;
  }
  advance();
  return maybeFold(makeMatch(std::move(lhs), std::move(re)));
}

NodePtr Parser::parseAdditive() {
  NodePtr l = parseMultiplicative();
  while (l && (tok_.type == Tok::kPlus || tok_.type == Tok::kMinus)) {
    if (!chain()) return nullptr;
    const BinOp op = tok_.type == Tok::kPlus ? BinOp::kAdd : BinOp::kSub;
    advance();
    NodePtr r = parseMultiplicative();
    if (!r) return nullptr;
    l = maybeFold(makeArith(op, std::move(l), std::move(r)));
  }
  return l;
}

NodePtr Parser::parseMultiplicative() {
  NodePtr l = parseUnary();
  while (l && (tok_.type == Tok::kStar || tok_.type == Tok::kSlash ||
               tok_.type == Tok::kPercent)) {
    if (!chain()) return nullptr;
    const BinOp op = tok_.type == Tok::kStar    ? BinOp::kMul
                     : tok_.type == Tok::kSlash ? BinOp::kDiv
                                                : BinOp::kMod;
    advance();
    NodePtr r = parseUnary();
    if (!r) return nullptr;
    l = maybeFold(makeArith(op, std::move(l), std::move(r)));
  }
  return l;
}

NodePtr Parser::parseUnary() {
  if (tok_.type != Tok::kMinus) return parsePostfix(parsePrimary());
  Nesting nesting(*this);
  if (!nesting.ok()) return nullptr;
  advance();
  NodePtr x = parseUnary();
  if (!x) return nullptr;
  return maybeFold(makeNeg(std::move(x)));
}

NodePtr Parser::parsePrimary() {
  switch (tok_.type) {
    case Tok::kNumber: {
      NodePtr n = makeConst(tok_.num);
      advance();
      return n;
    }
    case Tok::kString: {
      NodePtr n = makeConst(Value::string(tok_.str));
      advance();
      return n;
    }
    case Tok::kLParen: {
      advance();
      NodePtr n = parseOr();
      if (!n || !expect(Tok::kRParen, "')'")) return nullptr;
      return n;
    }
    case Tok::kLBracket:
      return parseList();
    case Tok::kDot: {
      const size_t dot_end = tok_.end;
      advance();
      auto path = std::make_unique<PathNode>(nullptr);
      const bool adjacent = tok_.begin == dot_end;
      if (adjacent && (tok_.type == Tok::kIdent || tok_.type == Tok::kString ||
                       tok_.type == Tok::kLBracket)) {
        if (!parseDotStep(*path, dot_end)) return nullptr;
      }
      if (roots_) {
        const bool key =
            !path->steps().empty() && path->steps()[0].kind == Step::kKey;
        roots_->push_back(key ? RootRef{RootRef::kKey, path->steps()[0].key}
                              : RootRef{RootRef::kWhole, "."});
      }
      return path;
    }
    case Tok::kIdent:
      break;
    default:
      failUnexpected();
      return nullptr;
  }
  const std::string_view word = tokenText();
  if (word == "true" || word == "false") {
    NodePtr n = makeConst(Value::boolean(word == "true"));
    advance();
    return n;
  }
  if (word == "null") {
    advance();
    return makeConst(Value::null());
  }
  if (equalsIgnoreCase(word, "and") || equalsIgnoreCase(word, "or") ||
      equalsIgnoreCase(word, "not") || equalsIgnoreCase(word, "in")) {
    failUnexpected();
    return nullptr;
  }
  if (equalsIgnoreCase(word, "case") && nextIsWord("when")) return parseCase();
  // A bare identifier: a function call, or the first key of a path.
  const size_t name_at = tok_.begin;
  advance();
  if (tok_.type == Tok::kLParen) return parseCall(name_at, word);
  auto path = std::make_unique<PathNode>(nullptr);
  path->addStep(Step{Step::kKey, std::string(word), 0, nullptr});
  if (roots_) roots_->push_back(RootRef{RootRef::kKey, std::string(word)});
  return path;
}

// Called with '(' as the current token.
NodePtr Parser::parseCall(size_t name_at, std::string_view name_text) {
  const std::string name(name_text);
  const FuncInfo* info = findFunction(name);
  if (!info && name != asciiLowercase(name))
    info = findFunction(asciiLowercase(name));  // LN(x), ROUND(x)
  const bool aggregate = isAggregateName(asciiLowercase(name));
  if (!info && !(aggregate && aggregate_columns_)) {
    if (aggregate) {
      fail(name_at,
           "unknown function '" + name + "' (aggregates belong in --agg)");
    } else {
      std::vector<std::string_view> known = functionNames();
      fail(name_at,
           "unknown function '" + name + "'" + suggestNames(name, known));
    }
    return nullptr;
  }
  advance();  // (
  // An aggregate column reads no argument: its name is what it reads.
  std::vector<RootRef>* roots = roots_;
  if (!info) roots_ = nullptr;
  std::vector<NodePtr> args;
  std::vector<size_t> arg_at;
  if (tok_.type != Tok::kRParen) {
    while (true) {
      arg_at.push_back(tok_.begin);
      NodePtr a = parseOr();
      if (!a) return nullptr;
      args.push_back(std::move(a));
      if (tok_.type != Tok::kComma) break;
      advance();
    }
  }
  if (!expect(Tok::kRParen, args.empty() ? "')'" : "',' or ')'"))
    return nullptr;
  if (!info) {
    // --sort: "sum(bytes)" is the output column of that name.
    roots_ = roots;
    auto path = std::make_unique<PathNode>(nullptr);
    std::string column =
        compactText(text_.substr(name_at, last_end_ - name_at));
    if (roots_) roots_->push_back(RootRef{RootRef::kAggregate, column});
    path->addStep(Step{Step::kKey, std::move(column), 0, nullptr});
    return path;
  }
  const int n = static_cast<int>(args.size());
  if (n < info->min_args || (info->max_args >= 0 && n > info->max_args)) {
    fail(name_at,
         arityMessage(name, info->min_args, info->max_args, args.size()));
    return nullptr;
  }
  if (info->fn == Fn::kExists && !dynamic_cast<PathNode*>(args[0].get())) {
    fail(arg_at[0], "exists() takes a path, such as .a.b or .a[0]");
    return nullptr;
  }
  if (info->fn == Fn::kLine) uses_line_ = true;
  if (info->fn == Fn::kLine || info->fn == Fn::kFile) uses_origin_ = true;
  CallError err;
  NodePtr call = makeCall(info->fn, std::move(args), err);
  if (!call) {
    fail(err.arg < arg_at.size() ? arg_at[err.arg] : name_at, err.message);
    return nullptr;
  }
  return maybeFold(std::move(call));
}

bool Parser::nextIsWord(std::string_view word) const {
  Lexer peek(text_.substr(tok_.end));
  const Token t = peek.next();
  return t.type == Tok::kIdent &&
         equalsIgnoreCase(text_.substr(tok_.end + t.begin, t.end - t.begin),
                          word);
}

// case when C then V ... [else E] end, the words in any case; called at "case".
NodePtr Parser::parseCase() {
  Nesting nesting(*this);
  if (!nesting.ok()) return nullptr;
  advance();  // case
  std::vector<NodePtr> whens, thens;
  NodePtr otherwise;
  while (atWord("when")) {
    advance();
    NodePtr cond = parseOr();
    if (!cond) return nullptr;
    if (!atWord("then")) {
      if (tok_.type == Tok::kError) {
        failUnexpected();
      } else {
        fail(tok_.begin, "expected 'then'");
      }
      return nullptr;
    }
    advance();
    NodePtr value = parseOr();
    if (!value) return nullptr;
    whens.push_back(std::move(cond));
    thens.push_back(std::move(value));
  }
  if (atWord("else")) {
    advance();
    otherwise = parseOr();
    if (!otherwise) return nullptr;
  }
  if (!atWord("end")) {
    if (tok_.type == Tok::kError) {
      failUnexpected();
    } else {
      fail(tok_.begin, whens.empty() ? "expected 'when'"
                                     : "expected 'when', 'else' or 'end'");
    }
    return nullptr;
  }
  advance();
  return maybeFold(
      makeCase(std::move(whens), std::move(thens), std::move(otherwise)));
}

// At '(' after "in": "x in (200, 201)" is SQL; the language's lists are [...].
bool Parser::checkInList() {
  Lexer peek(text_.substr(tok_.begin));
  int depth = 0;
  bool comma = false;
  size_t close = 0;
  for (Token t = peek.next(); t.type != Tok::kEnd && t.type != Tok::kError;
       t = peek.next()) {
    if (t.type == Tok::kLParen || t.type == Tok::kLBracket) ++depth;
    if (t.type == Tok::kRParen || t.type == Tok::kRBracket) {
      if (--depth == 0) {
        close = tok_.begin + t.begin;
        break;
      }
    }
    if (t.type == Tok::kComma && depth == 1) comma = true;
  }
  if (!comma) return true;
  std::string list(text_.substr(
      tok_.begin, close > tok_.begin ? close + 1 - tok_.begin : 0));
  if (list.size() >= 2) {
    list.front() = '[';
    list.back() = ']';
  }
  fail(tok_.begin, "a list is written in square brackets" +
                       (list.empty() ? std::string() : ": in " + list));
  return false;
}

// After a comparison operator: "host == web-01" meant the string "web-01".
bool Parser::checkUnquoted() {
  if (tok_.type != Tok::kIdent) return true;
  const std::string_view word = tokenText();
  if (word == "true" || word == "false" || word == "null") return true;
  size_t e = tok_.end;
  if (e + 1 >= text_.size() || text_[e] != '-' || text_[e + 1] < '0' ||
      text_[e + 1] > '9') {
    return true;
  }
  while (e < text_.size() &&
         (isWordChar(text_[e]) || text_[e] == '-' || text_[e] == '.'))
    ++e;
  const std::string_view bare = text_.substr(tok_.begin, e - tok_.begin);
  fail(tok_.begin, "unexpected '" + std::string(bare) +
                       "' (a string is quoted: \"" + std::string(bare) + "\")");
  return false;
}

NodePtr Parser::parseList() {
  advance();  // [
  std::vector<NodePtr> items;
  if (tok_.type != Tok::kRBracket) {
    while (true) {
      NodePtr item = parseOr();
      if (!item) return nullptr;
      items.push_back(std::move(item));
      if (tok_.type != Tok::kComma) break;
      advance();
    }
  }
  if (!expect(Tok::kRBracket, items.empty() ? "']'" : "',' or ']'"))
    return nullptr;
  return maybeFold(std::make_unique<ListNode>(std::move(items)));
}

NodePtr Parser::parsePostfix(NodePtr node) {
  if (!node) return nullptr;
  PathNode* path = dynamic_cast<PathNode*>(node.get());
  while (true) {
    const bool dot = tok_.type == Tok::kDot;
    if (!dot && tok_.type != Tok::kLBracket) break;
    if (!path) {
      auto p = std::make_unique<PathNode>(std::move(node));
      path = p.get();
      node = std::move(p);
    }
    if (dot) {
      const size_t dot_end = tok_.end;
      advance();
      if (!parseDotStep(*path, dot_end)) return nullptr;
    } else if (!parseBracketStep(*path)) {
      return nullptr;
    }
  }
  if (path) {
    if (NodePtr n = makeSplitIndex(*path)) node = std::move(n);
  }
  return maybeFold(std::move(node));
}

bool Parser::parseDotStep(PathNode& path, size_t dot_end) {
  if (tok_.begin != dot_end ||
      (tok_.type != Tok::kIdent && tok_.type != Tok::kString &&
       tok_.type != Tok::kLBracket)) {
    if (tok_.type == Tok::kError) {
      failUnexpected();
    } else {
      fail(tok_.begin, "expected a key after '.'");
    }
    return false;
  }
  if (tok_.type == Tok::kLBracket) return parseBracketStep(path);
  std::string key =
      tok_.type == Tok::kString ? tok_.str : std::string(tokenText());
  path.addStep(Step{Step::kKey, std::move(key), 0, nullptr});
  advance();
  return true;
}

bool Parser::parseBracketStep(PathNode& path) {
  advance();  // [
  NodePtr index = parseOr();
  if (!index || !expect(Tok::kRBracket, "']'")) return false;
  Step step;
  const Value* v = index->constant();
  if (v && v->kind == ValueKind::kString) {
    step.kind = Step::kKey;
    step.key = std::string(v->s);
  } else if (v && v->kind == ValueKind::kInt) {
    step.kind = Step::kIndex;
    step.index = v->i;
  } else {
    step.kind = Step::kDynamic;  // decided per record (or a constant that finds
                                 // nothing)
    step.expr = std::move(index);
  }
  path.addStep(std::move(step));
  return true;
}

}  // namespace clusterproc::expr
