#pragma once
// A fixture for expression tests: one record, and the last expression
// evaluated against it.

#include <catch2/catch.hpp>
#include <initializer_list>
#include <memory>
#include <string>

#include "big_number.h"
#include "expr.h"
#include "json_write.h"

namespace clusterproc::testing {

/// A record and the last expression evaluated against it; a Value returned
/// by eval() stays valid until the next eval().
class Eval {
 public:
  explicit Eval(const std::string& record_json = "{}") {
    REQUIRE(parser_.parse(record_json, record_) == simdjson::SUCCESS);
  }
  Value eval(const std::string& text) {
    auto r = parseExpr(text, "--select");
    INFO(text << ": " << (r.ok() ? "" : r.status().message()));
    REQUIRE(r.ok());
    expr_ = std::move(r.value());
    arena_.clear();
    return expr_->eval(record_, arena_);
  }
  /// The value as JSON text.
  std::string json(const std::string& text) {
    std::string out;
    appendValueJson(out, eval(text));
    return out;
  }
  /// The expression's truth (as --where sees it).
  bool test(const std::string& text) {
    eval(text);
    return expr_->test(record_, arena_);
  }

 private:
  JsonParser parser_;  ///< big numbers in records stay numbers
  simdjson::dom::element record_;
  EvalArena arena_;
  std::unique_ptr<Expr> expr_;
};

/// An expression and the JSON text of its value.
struct JsonCase {
  std::string expr;
  std::string json;
};

/// Checks each expression's value, as JSON text, against e's record.
inline void checkJson(Eval& e, std::initializer_list<JsonCase> cases) {
  for (const JsonCase& c : cases) {
    INFO(c.expr);
    CHECK(e.json(c.expr) == c.json);
  }
}

/// The message of the usage error of a --where expression, or "".
inline std::string whereError(const std::string& text) {
  auto r = parseExpr(text, "--where");
  return r.ok() ? "" : r.status().message();
}

}  // namespace clusterproc::testing
