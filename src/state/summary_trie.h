#pragma once
// The summary profile's paths: a trie of object keys with statistics.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hash.h"
#include "summary_stats.h"

namespace clusterproc {

/// One path component and the statistics of the path that ends here. Nodes
/// are heap-allocated and never move, so views of their keys stay valid.
class FieldNode {
 public:
  explicit FieldNode(std::string_view key) : key_(key) {}
  FieldNode(const FieldNode&) = delete;
  FieldNode& operator=(const FieldNode&) = delete;

  const std::string& key() const { return key_; }
  FieldStats& stats() { return stats_; }
  const FieldStats& stats() const { return stats_; }
  /// Children in order of first appearance.
  const std::vector<std::unique_ptr<FieldNode>>& children() const {
    return children_;
  }
  /// The elements of the arrays at this path (PATH[]), whose children are
  /// the keys of the objects among them; created on first use.
  FieldNode& elements() {
    if (!elements_) elements_ = std::make_unique<FieldNode>("[]");
    return *elements_;
  }
  /// The elements node, or null when no array here had an element.
  const FieldNode* elementsIfAny() const { return elements_.get(); }

  /// Finds or creates the child named k. hint is where the previous key's
  /// successor sits (start at 0): records usually repeat the same key order,
  /// so a lookup is mostly one length check and one inline comparison.
  FieldNode& child(std::string_view k, size_t& hint) {
    size_t pos = hint;
    if (pos >= keys_.size() || !equalBytes(keys_[pos], k)) {
      // Or the next one, when this record lacks an optional key.
      ++pos;
      if (pos >= keys_.size() || !equalBytes(keys_[pos], k)) pos = find(k);
    }
    if (pos == keys_.size()) append(k);
    hint = pos + 1;
    return *children_[pos];
  }
  /// Creates a child named k, which must not exist yet.
  FieldNode& newChild(std::string_view k);
  /// Whether a child named k exists.
  bool hasChild(std::string_view k) const { return find(k) != keys_.size(); }

 private:
  // A map over the keys pays off beyond this many children.
  static constexpr size_t kIndexThreshold = 16;

  size_t find(std::string_view k) const;  // keys_.size() when absent
  void append(std::string_view k);

  std::string key_;
  FieldStats stats_;
  std::vector<std::unique_ptr<FieldNode>> children_;
  std::vector<std::string_view> keys_;  // children_[i]->key_, for locality
  std::unordered_map<std::string_view, uint32_t> index_;  // once many
  std::unique_ptr<FieldNode> elements_;
};

/// Folds the subtree below from into the one below into (not the roots'
/// statistics): the children and the elements, recursively.
void mergeChildren(FieldNode& into, const FieldNode& from);

/// Appends key to an expression path (SPEC section 3): a key of ASCII
/// letters, digits, '_' and non-ASCII UTF-8 (an identifier of the expression
/// language) that does not start with a digit and is not a keyword
/// (true, false, null, and, or, not, in, case) after a dot ("a" then
/// "a.b"); any other as a JSON string in brackets (".[\"id.orig_h\"]",
/// "a[\"x-y\"]").
void appendPathStep(std::string& path, std::string_view key);

/// Appends (path, node) for every node below root through object keys (not
/// into elements), in pre-order; paths as appendPathStep() writes them, and
/// "." for records that are not objects.
void collectPaths(const FieldNode& root,
                  std::vector<std::pair<std::string, const FieldNode*>>& out);

}  // namespace clusterproc
