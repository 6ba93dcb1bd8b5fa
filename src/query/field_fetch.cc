#include "field_fetch.h"

#include <cstring>

namespace clusterproc {

bool FieldFetch::add(const Expr& e, Value* out) {
  const std::string* key = e.rootKey();
  if (key == nullptr) return false;
  wants_.push_back({*key, out});
  found_.push_back(false);
  return true;
}

void FieldFetch::fetch(simdjson::dom::element record, EvalArena& arena) {
  for (const Want& w : wants_) *w.out = Value::null();
  simdjson::dom::object o;
  if (wants_.empty() || record.get_object().get(o)) return;
  std::fill(found_.begin(), found_.end(), false);
  size_t left = wants_.size();
  for (simdjson::dom::key_value_pair field : o) {
    for (size_t i = 0; i < wants_.size(); ++i) {
      const Want& w = wants_[i];
      // Lengths first; a key repeated in the record counts the first time.
      if (found_[i] || w.key.size() != field.key.size() ||
          std::memcmp(w.key.data(), field.key.data(), w.key.size()) != 0) {
        continue;
      }
      *w.out = fieldValue(field.value, arena);
      found_[i] = true;
      --left;
    }
    if (left == 0) return;
  }
}

}  // namespace clusterproc
