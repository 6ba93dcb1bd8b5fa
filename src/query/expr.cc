#include "expr.h"

#include <array>
#include <cctype>
#include <cmath>

#include "aggregates.h"
#include "expr_node.h"
#include "expr_parser.h"
#include "expr_text.h"

namespace clusterproc {

namespace {

using expr::Ctx;
using expr::NodePtr;
using expr::Parser;
using expr::Tok;

class CompiledExpr final : public Expr {
 public:
  CompiledExpr(NodePtr root, std::string name, const Parser& p)
      : root_(std::move(root)) {
    name_ = std::move(name);
    uses_line_ = p.usesLine();
    uses_origin_ = p.usesOrigin();
  }

  Value eval(simdjson::dom::element record, EvalArena& arena) const override {
    const Ctx c{record, arena};
    return expr::materialize(root_->eval(c), arena);
  }
  bool test(simdjson::dom::element record, EvalArena& arena) const override {
    const Ctx c{record, arena};
    return root_->test(c);
  }
  bool isConstant() const override { return root_->constant() != nullptr; }
  const std::string* rootKey() const override {
    const auto* path = dynamic_cast<const expr::PathNode*>(root_.get());
    if (path == nullptr || !path->fromRoot() || path->steps().size() != 1)
      return nullptr;
    const expr::Step& s = path->steps()[0];
    return s.kind == expr::Step::kKey ? &s.key : nullptr;
  }

 private:
  NodePtr root_;
};

}  // namespace

Value fieldValue(simdjson::dom::element field, EvalArena& arena) {
  return expr::materialize(expr::fromRecord(field), arena);
}

namespace {

std::unique_ptr<Expr> compiled(NodePtr root, const Parser& p, size_t begin) {
  std::string name =
      expr::compactText(p.text().substr(begin, p.lastEnd() - begin));
  // A key in brackets or quotes (.["id.orig_h"]) is named as the key itself.
  const auto* path = dynamic_cast<const expr::PathNode*>(root.get());
  if (path != nullptr && path->fromRoot() && path->steps().size() == 1 &&
      path->steps()[0].kind == expr::Step::kKey &&
      !path->steps()[0].key.empty() &&  // .[""] keeps its text as its name
      (name.starts_with(".[") || name.starts_with(".\""))) {
    name = path->steps()[0].key;
  }
  return std::make_unique<CompiledExpr>(std::move(root), std::move(name), p);
}

bool isBlank(std::string_view text) {
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Status emptyError(std::string_view option) {
  return Status::error(ExitCode::kUsage, "error in " + std::string(option) +
                                             " at column 1: empty expression");
}

/// Before an item of a list: an empty item is an error.
bool checkItemStart(Parser& p) {
  if (p.token().type == Tok::kComma || p.token().type == Tok::kEnd) {
    p.fail(p.token().begin, "empty item in list");
    return false;
  }
  return true;
}

/// After an item: ',' (moved past; true) or the end (false); else an error.
bool nextItem(Parser& p) {
  if (p.token().type == Tok::kComma) {
    p.advance();
    return true;
  }
  if (p.token().type != Tok::kEnd) p.failUnexpected();
  return false;
}

/// "as NAME": NAME is an identifier or a string literal.
bool parseAlias(Parser& p, std::string& name) {
  p.advance();  // as
  if (p.token().type == Tok::kIdent) {
    name = std::string(p.tokenText());
  } else if (p.token().type == Tok::kString && !p.token().str.empty()) {
    name = p.token().str;
  } else {
    if (p.token().type == Tok::kError) {
      p.failUnexpected();
    } else {
      p.fail(p.token().begin, "expected a name after 'as'");
    }
    return false;
  }
  p.advance();
  return true;
}

/// '*' as a list item: alone between commas, once per list.
bool parseStar(Parser& p, bool& starred) {
  const size_t at = p.token().begin;
  p.advance();
  if (p.token().type != Tok::kComma && p.token().type != Tok::kEnd) {
    p.fail(p.token().begin, "expected ',' after '*' (the whole record)");
    return false;
  }
  if (starred) {
    p.fail(at, "'*' given twice");
    return false;
  }
  starred = true;
  return true;
}

/// Checks the second argument of quantile/quantile_exact/top.
bool aggregateParam(Parser& p, const AggregateInfo& agg, const expr::Node& arg,
                    size_t at, double& out) {
  const Value* v = arg.constant();
  if (!v || !v->isNumber()) {
    p.fail(at, "expected a number");
    return false;
  }
  const double d = v->asDouble();
  std::string shown;
  appendValueJson(shown, *v);
  if (agg.param == AggParam::kCount) {
    if (d < 1 || d != std::floor(d) || d > 9007199254740992.0) {
      p.fail(at, "k must be an integer >= 1 (got " + shown + ")");
      return false;
    }
  } else if (d < 0 || d > 1) {
    p.fail(at, "q must be between 0 and 1 (got " + shown + ")");
    return false;
  }
  out = d;
  return true;
}

/// At '(' after count: moves past "(*)" (SQL's count(*), the same as
/// count); false, moving nothing, for anything else.
bool countStar(Parser& p) {
  const std::string_view rest = p.text().substr(p.token().end);
  expr::Lexer peek(rest);
  const expr::Token star = peek.next();
  const expr::Token close = peek.next();
  if (star.type != Tok::kStar || close.type != Tok::kRParen) return false;
  p.advance();  // (
  p.advance();  // *
  p.advance();  // )
  return true;
}

bool parseAggItem(Parser& p, AggCall& call) {
  const size_t begin = p.token().begin;
  if (p.token().type != Tok::kIdent) {
    if (p.token().type == Tok::kError) {
      p.failUnexpected();
    } else {
      p.fail(begin, "expected an aggregate such as count or sum(x)");
    }
    return false;
  }
  call.func = expr::asciiLowercase(p.tokenText());
  const AggregateInfo* agg = findAggregate(call.func);
  if (agg == nullptr) {
    std::vector<std::string_view> known;
    for (const AggregateInfo& a : aggregateTable()) known.push_back(a.name);
    p.fail(begin, "unknown aggregate '" + std::string(p.tokenText()) + "'" +
                      expr::suggestNames(call.func, known));
    return false;
  }
  p.advance();
  if (agg->func == AggFunc::kCount && p.token().type == Tok::kLParen &&
      countStar(p)) {
    call.name = expr::compactText(p.text().substr(begin, p.lastEnd() - begin));
    if (p.atWord("as") && !parseAlias(p, call.name)) return false;
    return true;
  }
  std::vector<NodePtr> args;
  std::vector<size_t> arg_at, arg_end;
  if (p.token().type == Tok::kLParen) {
    p.advance();
    if (p.token().type != Tok::kRParen) {
      while (true) {
        arg_at.push_back(p.token().begin);
        NodePtr a = p.parseExpression();
        if (!a) return false;
        args.push_back(std::move(a));
        arg_end.push_back(p.lastEnd());
        if (p.token().type != Tok::kComma) break;
        p.advance();
      }
    }
    if (p.token().type != Tok::kRParen) {
      if (p.token().type == Tok::kError) {
        p.failUnexpected();
      } else {
        p.fail(p.token().begin,
               args.empty() ? "expected ')'" : "expected ',' or ')'");
      }
      return false;
    }
    p.advance();
  }
  const size_t min_args = agg->min_args;
  const size_t max_args = agg->max_args;
  if (args.size() < min_args || args.size() > max_args) {
    std::string m =
        call.func + "() takes " +
        (min_args == max_args
             ? std::to_string(min_args)
             : std::to_string(min_args) + " or " + std::to_string(max_args)) +
        (max_args == 1 && min_args == 1 ? " argument" : " arguments") +
        " (got " + std::to_string(args.size()) + ")";
    p.fail(begin, m);
    return false;
  }
  call.param = agg->fixed_param;
  if (agg->param != AggParam::kNone &&
      !aggregateParam(p, *agg, *args[1], arg_at[1], call.param)) {
    return false;
  }
  if (!args.empty()) {
    std::string arg_name =
        expr::compactText(p.text().substr(arg_at[0], arg_end[0] - arg_at[0]));
    call.arg = std::make_unique<CompiledExpr>(std::move(args[0]),
                                              std::move(arg_name), p);
  }
  call.name = expr::compactText(p.text().substr(begin, p.lastEnd() - begin));
  if (p.atWord("as") && !parseAlias(p, call.name)) return false;
  call.text = std::string(p.text().substr(begin, p.lastEnd() - begin));
  return true;
}

}  // namespace

bool isAggregateName(std::string_view name) {
  return findAggregate(name) != nullptr;
}

Result<std::unique_ptr<Expr>> parseExpr(std::string_view text,
                                        std::string_view option) {
  if (isBlank(text)) return emptyError(option);
  Parser p(text, option);
  const size_t begin = p.token().begin;
  NodePtr root = p.parseExpression();
  if (root && p.token().type != Tok::kEnd) p.failUnexpected();
  if (p.failed()) return p.status();
  return compiled(std::move(root), p, begin);
}

Result<std::vector<ListItem>> parseList(std::string_view text,
                                        std::string_view option,
                                        bool allow_direction, bool allow_star) {
  if (isBlank(text)) return emptyError(option);
  Parser p(text, option);
  p.setAggregateColumns(allow_direction);
  std::vector<ListItem> items;
  bool starred = false;
  do {
    if (!checkItemStart(p)) break;
    const size_t begin = p.token().begin;
    if (allow_star && p.token().type == Tok::kStar) {
      if (!parseStar(p, starred)) break;
      ListItem item;
      item.name = item.text = "*";
      items.push_back(std::move(item));
      continue;
    }
    ListItem item;
    if (allow_direction) p.collectRoots(&item.roots);
    NodePtr root = p.parseExpression();
    p.collectRoots(nullptr);
    if (!root) break;
    item.expr = compiled(std::move(root), p, begin);
    item.name = item.expr->name();
    if (allow_direction && (p.atWord("asc") || p.atWord("desc"))) {
      item.descending = p.atWord("desc");
      p.advance();
    } else if (!allow_direction && p.atWord("as")) {
      if (!parseAlias(p, item.name)) break;
    }
    item.text = std::string(text.substr(begin, p.lastEnd() - begin));
    items.push_back(std::move(item));
  } while (nextItem(p));
  if (p.failed()) return p.status();
  return items;
}

Result<std::vector<AggCall>> parseAggList(std::string_view text,
                                          std::string_view option) {
  if (isBlank(text)) return emptyError(option);
  Parser p(text, option);
  std::vector<AggCall> calls;
  do {
    if (!checkItemStart(p)) break;
    AggCall call;
    if (!parseAggItem(p, call)) break;
    calls.push_back(std::move(call));
  } while (nextItem(p));
  if (p.failed()) return p.status();
  return calls;
}

}  // namespace clusterproc
