#include "row_sort.h"

#include <simdjson.h>

#include <algorithm>
#include <numeric>

#include "big_number.h"
#include "value.h"

namespace clusterproc {

namespace {

/// The sort key of one row from its prefix: one owned value per item.
std::vector<OwnedValue> keyOf(std::string_view prefix,
                              const std::vector<SortItem>& items,
                              JsonParser& parser, EvalArena& arena) {
  std::vector<OwnedValue> key;
  key.reserve(items.size());
  simdjson::dom::element root;
  // JsonParser: numbers of any size (exact sums, big numbers) sort exactly.
  if (parser.parse(prefix, root)) {
    key.resize(items.size());
    return key;
  }
  simdjson::dom::array values;
  simdjson::dom::object members;
  const bool record_job = !root.get_array().get(values);
  if (!record_job && root.get_object().get(members)) {
    key.resize(items.size());
    return key;
  }
  size_t i = 0;
  for (const SortItem& it : items) {
    arena.clear();
    Value v;
    simdjson::dom::element e;
    if (record_job) {
      if (!values.at(i).get(e)) v = fromElement(e, arena);
    } else if (!it.member.empty()) {
      if (!members.at_key(it.member).get(e)) v = fromElement(e, arena);
    } else {
      v = it.expr->eval(root, arena);
    }
    key.emplace_back(v);
    ++i;
  }
  return key;
}

}  // namespace

std::vector<std::string> sortRows(std::vector<std::string>& rows,
                                  const std::vector<SortItem>& items) {
  JsonParser parser;
  EvalArena arena;
  std::vector<std::vector<OwnedValue>> keys;
  keys.reserve(rows.size());
  for (std::string& r : rows) {
    const size_t end = r.find(kSortPrefixEnd);
    keys.push_back(
        keyOf(std::string_view(r).substr(0, end), items, parser, arena));
    r.erase(0, end == std::string::npos ? r.size() : end + 1);
  }
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
  std::vector<std::string> all_null;
  for (size_t i = 0; i < items.size() && keys.size() > 1; ++i) {
    bool seen = false;
    for (const std::vector<OwnedValue>& k : keys)
      seen = seen || !k[i].v.isNull();
    if (!seen) all_null.push_back(items[i].text);
  }
  return all_null;
}

}  // namespace clusterproc
