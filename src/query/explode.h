#pragma once
// --explode PATH (docs/expressions.md, "Arrays as rows"): a record whose
// PATH is an array becomes one record per element, PATH holding the element
// (jq's `.tags = .tags[]`, DuckDB's unnest). Every later step (--where,
// --select, --group-by, --count, --exec, the summary) sees the produced
// records. Each one is the record's text with the array's bytes replaced by
// the element's, parsed again: the rest of the record keeps its bytes.

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "big_number.h"
#include "json_raw.h"
#include "status.h"

namespace clusterproc {

/// One --explode PATH: keys and indexes from the record to the array.
struct ExplodePath {
  struct Step {
    bool is_index = false;
    std::string key;    ///< !is_index: the member's name
    int64_t index = 0;  ///< is_index: negative counts from the end
  };
  std::string text;         ///< as written
  std::vector<Step> steps;  ///< empty: the record itself
};

/// Parses PATH as the expression language writes paths (`tags`, `.a.b`,
/// `items[0].tags`, `.["key with space"]`, `.`); anything else (an
/// operator, a function, a computed index) is a usage error at its column.
Result<ExplodePath> parseExplodePath(std::string_view text);

/// Produces the records of every --explode path, one path after the other:
/// several paths give the cartesian product, the first path's elements
/// outermost. Reuses its buffers and parsers: no allocation per record once
/// warm.
class Exploder {
 public:
  explicit Exploder(std::vector<ExplodePath> paths);

  /// Calls emit(root, text) for each record that (root, text) gives: per
  /// element of the array at each path. Null, a missing path and an empty
  /// array give none; any other value at a path is kept as it is (one
  /// record). text is the record's valid JSON text; the views passed to emit
  /// are valid during the call.
  template <typename Emit>
  void each(simdjson::dom::element root, std::string_view text, Emit&& emit) {
    step(0, root, text, emit);
  }

 private:
  /// Where a path leads in one record.
  enum class Found { kNothing, kKeep, kArray };
  struct Level {
    JsonParser parser;  ///< big numbers of the record stay numbers
    std::string text;   ///< the produced record, plus simdjson's padding
  };

  template <typename Emit>
  void step(size_t k, simdjson::dom::element root, std::string_view text,
            Emit& emit) {
    if (k == paths_.size()) {
      emit(root, text);
      return;
    }
    size_t begin = 0, end = 0;
    const Found found = locate(paths_[k], root, text, begin, end);
    if (found == Found::kNothing) return;
    if (found == Found::kKeep) {
      step(k + 1, root, text, emit);
      return;
    }
    RawArrayCursor elements(text, begin);
    std::string_view item;
    while (elements.next(item)) {
      std::string_view produced;
      simdjson::dom::element sub =
          substitute(*levels_[k], text, begin, end, item, produced);
      step(k + 1, sub, produced, emit);
    }
  }

  /// Finds the value of path in the record: [begin, end) is its text when
  /// it is a non-empty array.
  static Found locate(const ExplodePath& path, simdjson::dom::element root,
                      std::string_view text, size_t& begin, size_t& end);
  /// text with [begin, end) replaced by element, parsed by level.
  static simdjson::dom::element substitute(Level& level, std::string_view text,
                                           size_t begin, size_t end,
                                           std::string_view element,
                                           std::string_view& produced);

  std::vector<ExplodePath> paths_;
  std::vector<std::unique_ptr<Level>> levels_;  ///< one per path
};

}  // namespace clusterproc
