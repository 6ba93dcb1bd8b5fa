#pragma once
// The expression language of SPEC section 3 (docs/expressions.md): parsing
// --where, --select, --group-by, --sort and --agg texts into compiled
// expressions that are evaluated once per record on the hot path.

#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "status.h"
#include "value.h"

namespace clusterproc {

/// A compiled expression. Evaluation never fails (errors of types give
/// null) and allocates nothing on the heap once the arena is warm.
class Expr {
 public:
  virtual ~Expr() = default;
  /// Evaluates against one record. Strings it makes live in arena (cleared
  /// by the caller per record); other strings are views into the record.
  virtual Value eval(simdjson::dom::element record, EvalArena& arena) const = 0;
  /// truthy(eval(...)), faster: containers are not copied into the arena.
  virtual bool test(simdjson::dom::element record, EvalArena& arena) const = 0;
  /// True when the value does not depend on the record (folded at parse time).
  virtual bool isConstant() const = 0;
  /// K when the expression is exactly the record's field K (".K", "K",
  /// ".[\"K\"]"): its value is then fieldValue() of the record's first field
  /// named K, or null without one. Lets a job fetch several fields in one
  /// pass over the record. Null otherwise.
  virtual const std::string* rootKey() const { return nullptr; }
  /// The text as written, white space outside string literals removed (one
  /// space is kept between two words: "not ok"): the default column name.
  const std::string& name() const { return name_; }
  /// True when it calls line(): the job must count the lines of its input.
  bool usesLine() const { return uses_line_; }
  /// True when it calls file() or line(), which only records have.
  bool usesOrigin() const { return uses_origin_; }

 protected:
  std::string name_;
  bool uses_line_ = false;
  bool uses_origin_ = false;
};

/// The value of a record's field as an expression yields it (containers as
/// their compact JSON text in arena).
Value fieldValue(simdjson::dom::element field, EvalArena& arena);

/// Parses one expression; option is the CLI option for messages ("--where").
/// Errors: Status with ExitCode::kUsage and a message like
/// "error in --where at column 12: expected ')'" (column 1-based, in bytes).
Result<std::unique_ptr<Expr>> parseExpr(std::string_view text,
                                        std::string_view option);

/// What an expression of a --sort list reads at its root: a key (`host` in
/// `lower(host)`), an aggregate call (`sum(bytes)`, read as the key of its
/// text), or the whole value (`.`, `.[0]`, `.[k]`).
struct RootRef {
  enum Kind { kKey, kAggregate, kWhole } kind = kKey;
  std::string
      name;  ///< kKey: the key; kAggregate: the call without white space
};

/// One item of a LIST option: "EXPR [as NAME]" or, for --sort, "EXPR
/// [asc|desc]".
struct ListItem {
  std::unique_ptr<Expr> expr;  ///< null for '*'
  std::string name;  ///< NAME of "as NAME", else expr->name(); "*" for '*'
  bool descending = false;  ///< --sort only
  std::string text;  ///< the item as written, without surrounding white space
  std::vector<RootRef> roots;  ///< --sort only: what expr reads at its root
};

/// Parses a comma-separated list (commas inside (), [], strings don't split).
/// allow_direction: --sort syntax (asc|desc) instead of "as NAME"; there a
/// call of an aggregate ("sum(bytes)") names the output column of that name.
/// allow_star: an item may be '*' (--select: the record's members), once.
Result<std::vector<ListItem>> parseList(std::string_view text,
                                        std::string_view option,
                                        bool allow_direction,
                                        bool allow_star = false);

/// One aggregate call of --agg: "count", "count(x)", "sum(x)",
/// "quantile(x, 0.99)", "top(x, 5)" [as NAME].
struct AggCall {
  /// Lowercase name, one of aggregateTable() (aggregates.h).
  std::string func;
  std::unique_ptr<Expr> arg;  ///< null for bare "count"
  /// The AggParam argument (q in [0, 1], k an integer >= 1), or the
  /// aggregate's fixed_param (median: 0.5); 0 otherwise.
  double param = 0;
  /// "as NAME" or the text without white space: "count", "sum(bytes)",
  /// "quantile(latency_ms,0.99)".
  std::string name;
  std::string text;  ///< the item as written, without surrounding white space
};

/// Parses the comma-separated aggregate list of --agg.
Result<std::vector<AggCall>> parseAggList(std::string_view text,
                                          std::string_view option);

/// True for the (lowercase) names of the aggregates of AggCall::func.
bool isAggregateName(std::string_view name);

}  // namespace clusterproc
