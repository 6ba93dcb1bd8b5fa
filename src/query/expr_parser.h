#pragma once
// Internal: the recursive-descent parser of one expression (grammar and
// precedence in docs/expressions.md). expr.cc drives it for whole options,
// lists and aggregate lists.

#include <string>
#include <string_view>
#include <vector>

#include "expr_lexer.h"
#include "expr_node.h"
#include "status.h"

namespace clusterproc {
struct RootRef;
}  // namespace clusterproc

namespace clusterproc::expr {

/// Parses expressions from one option's text, token by token. After the
/// first error every call returns nullptr and status() tells what and where.
class Parser {
 public:
  Parser(std::string_view text, std::string_view option);

  /// In --sort lists a call of an aggregate ("sum(bytes)") is the path to
  /// the output column of that name, not an unknown function.
  void setAggregateColumns(bool on) { aggregate_columns_ = on; }
  /// Appends what the expressions parsed from now on read at their root to
  /// *roots (nullptr: stop).
  void collectRoots(std::vector<RootRef>* roots) { roots_ = roots; }

  /// Parses one expression from the current token on; stops before the
  /// first token that cannot continue it. nullptr on error.
  NodePtr parseExpression();

  /// The current token and moving past it.
  const Token& token() const { return tok_; }
  void advance();
  /// True when the current token is the identifier word (case-insensitive:
  /// the list words as, asc, desc).
  bool atWord(std::string_view word) const;
  /// True when the current token is the keyword word (exact case).
  bool atKeyword(std::string_view word) const;
  /// The text of the current token.
  std::string_view tokenText() const {
    return text_.substr(tok_.begin, tok_.end - tok_.begin);
  }
  /// End offset of the last token moved past.
  size_t lastEnd() const { return last_end_; }
  std::string_view text() const { return text_; }

  /// Records an error at byte offset at (the first one wins).
  void fail(size_t at, const std::string& message);
  /// Fails for the current token: its lexer error, or "unexpected ...".
  void failUnexpected();
  bool failed() const { return !status_.ok(); }
  /// True once a call of line() was parsed.
  bool usesLine() const { return uses_line_; }
  /// True once a call of file() or line() was parsed.
  bool usesOrigin() const { return uses_origin_; }
  const Status& status() const { return status_; }

 private:
  NodePtr parseOr();
  NodePtr parseAnd();
  NodePtr parseNot();
  NodePtr parseComparison();
  NodePtr parseAdditive();
  NodePtr parseMultiplicative();
  NodePtr parseUnary();
  NodePtr parsePostfix(NodePtr node);
  NodePtr parsePrimary();
  NodePtr parseCall(size_t name_at, std::string_view name);
  NodePtr parseCase();
  /// True when the token after the current one is the word (any case).
  bool nextIsWord(std::string_view word) const;
  /// At '(' after "in": fails, suggesting [...], when it holds a list.
  bool checkInList();
  /// After a comparison operator: fails on an unquoted "web-01".
  bool checkUnquoted();
  NodePtr parseList();
  NodePtr parseMatch(NodePtr lhs);
  /// After '.': a key (identifier or string) or '[expr]' right after the dot.
  bool parseDotStep(PathNode& path, size_t dot_end);
  bool parseBracketStep(PathNode& path);
  /// Expects a token of type t (message: "expected <what>").
  bool expect(Tok t, const char* what);

  /// Counts a level of nesting for the scope of a parse function; false
  /// (and an error) beyond kMaxDepth, which bounds the recursion of parsing,
  /// evaluating and destroying the tree.
  class Nesting {
   public:
    explicit Nesting(Parser& p);
    ~Nesting() { --p_.depth_; }
    bool ok() const { return ok_; }

   private:
    Parser& p_;
    bool ok_;
  };
  static constexpr int kMaxDepth = 256;
  /// Counts an operator of a left-associative chain; false (and an error)
  /// beyond kMaxChain per option.
  bool chain();
  static constexpr int kMaxChain = 4096;

  std::string_view text_;
  std::string option_;
  int depth_ = 0;
  int chained_ = 0;
  Lexer lexer_;
  Token tok_;
  size_t last_end_ = 0;
  bool aggregate_columns_ = false;
  bool uses_line_ = false;
  bool uses_origin_ = false;
  std::vector<RootRef>* roots_ = nullptr;
  Status status_;
};

/// " (did you mean a, b or c?)" with the known names nearest to name (edit
/// distance), or "" when none is near.
std::string suggestNames(std::string_view name,
                         const std::vector<std::string_view>& known);

/// Folds n when all its inputs are constant.
NodePtr maybeFold(NodePtr n);

}  // namespace clusterproc::expr
