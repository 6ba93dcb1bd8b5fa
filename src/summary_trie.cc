#include "summary_trie.h"

#include <cassert>

namespace clusterproc {

size_t FieldNode::find(std::string_view k) const {
  if (!index_.empty()) {
    auto it = index_.find(k);
    return it == index_.end() ? keys_.size() : it->second;
  }
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (equalBytes(keys_[i], k)) return i;
  }
  return keys_.size();
}

void FieldNode::append(std::string_view k) {
  children_.push_back(std::make_unique<FieldNode>(k));
  keys_.push_back(children_.back()->key_);
  const auto pos = static_cast<uint32_t>(keys_.size() - 1);
  if (!index_.empty()) {
    index_.emplace(keys_.back(), pos);
  } else if (keys_.size() > kIndexThreshold) {
    for (uint32_t i = 0; i <= pos; ++i) index_.emplace(keys_[i], i);
  }
}

FieldNode& FieldNode::newChild(std::string_view k) {
  assert(!hasChild(k));
  append(k);
  return *children_.back();
}

void mergeChildren(FieldNode& into, const FieldNode& from) {
  size_t hint = 0;
  for (const auto& c : from.children()) {
    FieldNode& mine = into.child(c->key(), hint);
    mine.stats().merge(c->stats());
    mergeChildren(mine, *c);
  }
}

namespace {

void collect(const FieldNode& node, std::string& path,
             std::vector<std::pair<std::string, const FieldNode*>>& out) {
  for (const auto& c : node.children()) {
    const size_t len = path.size();
    if (len > 0) path += '.';
    path += c->key();
    out.emplace_back(path, c.get());
    collect(*c, path, out);
    path.resize(len);
  }
}

}  // namespace

void collectPaths(const FieldNode& root,
                  std::vector<std::pair<std::string, const FieldNode*>>& out) {
  std::string path;
  collect(root, path, out);
}

}  // namespace clusterproc
