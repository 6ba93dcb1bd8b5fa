#include "row_sort.h"

#include <simdjson.h>

#include <algorithm>
#include <numeric>

#include "big_number.h"
#include "value.h"

namespace clusterproc {

namespace {

/// The sort key of one row: one owned value per item.
std::vector<OwnedValue> keyOf(const std::string& row, const std::vector<SortItem>& items,
                              simdjson::dom::parser& parser, EvalArena& arena) {
  std::vector<OwnedValue> key;
  key.reserve(items.size());
  simdjson::dom::element root;
  // parseJson: numbers of any size (exact sums, big numbers) sort exactly.
  if (parseJson(parser, row, root)) {
    key.resize(items.size());
    return key;
  }
  for (const SortItem& it : items) {
    arena.clear();
    Value v;
    if (!it.column.empty()) {
      simdjson::dom::element e;
      simdjson::dom::object obj;
      if (!root.get_object().get(obj) && !obj.at_key(it.column).get(e)) v = fromElement(e, arena);
    } else {
      v = it.expr->eval(root, arena);
    }
    key.emplace_back(v);
  }
  return key;
}

}  // namespace

void sortRows(std::vector<std::string>& rows, const std::vector<SortItem>& items) {
  simdjson::dom::parser parser;
  EvalArena arena;
  std::vector<std::vector<OwnedValue>> keys;
  keys.reserve(rows.size());
  for (const std::string& r : rows) keys.push_back(keyOf(r, items, parser, arena));
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    for (size_t i = 0; i < items.size(); ++i) {
      int c = compareValues(keys[a][i].v, keys[b][i].v);
      if (c != 0) return items[i].descending ? c > 0 : c < 0;
    }
    return false;
  });
  std::vector<std::string> sorted;
  sorted.reserve(rows.size());
  for (size_t i : order) sorted.push_back(std::move(rows[i]));
  rows = std::move(sorted);
}

}  // namespace clusterproc
