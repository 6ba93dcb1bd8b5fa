#pragma once
// One pass over a record's top-level fields for every expression of a job
// that is just a field (".host", "bytes"): each key looked up separately
// would walk the record's fields again from the start.

#include <simdjson.h>

#include <string_view>
#include <vector>

#include "expr.h"
#include "value.h"

namespace clusterproc {

/// Fills the values of plain field expressions of one record at once.
class FieldFetch {
 public:
  /// Takes e when it is a plain field of the record (Expr::rootKey()): its
  /// value will be stored in *out by each fetch(). Returns false (and takes
  /// nothing) otherwise: the caller evaluates e itself. out must stay valid.
  bool add(const Expr& e, Value* out);
  /// Stores the value of every taken expression for this record: the first
  /// field of its name, as Expr::eval() gives it, or null.
  void fetch(simdjson::dom::element record, EvalArena& arena);

 private:
  struct Want {
    std::string_view key;
    Value* out;
  };
  std::vector<Want> wants_;
  std::vector<bool> found_;  ///< per want, during one fetch
};

}  // namespace clusterproc
