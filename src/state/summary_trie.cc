#include "summary_trie.h"

#include <cassert>

#include "json_write.h"

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
  if (const FieldNode* e = from.elementsIfAny()) {
    FieldNode& mine = into.elements();
    mine.stats().merge(e->stats());
    mergeChildren(mine, *e);
  }
}

namespace {

bool isPlainKey(std::string_view key) {
  if (key.empty() || (key[0] >= '0' && key[0] <= '9')) return false;
  for (char c : key) {
    // As the expression lexer: any byte of a multi-byte UTF-8 letter too.
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '_' ||
                      static_cast<unsigned char>(c) >= 0x80;
    if (!word) return false;
  }
  // Words that an expression reads as something else than a key.
  for (std::string_view w :
       {"true", "false", "null", "and", "or", "not", "in", "case"}) {
    if (key == w) return false;
  }
  return true;
}

void collect(const FieldNode& node, std::string& path,
             std::vector<std::pair<std::string, const FieldNode*>>& out) {
  for (const auto& c : node.children()) {
    const size_t len = path.size();
    if (len == 0 && c->key() == ".") {
      path += '.';  // records that are not objects: the whole record
    } else {
      appendPathStep(path, c->key());
    }
    out.emplace_back(path, c.get());
    collect(*c, path, out);
    path.resize(len);
  }
}

}  // namespace

void appendPathStep(std::string& path, std::string_view key) {
  if (isPlainKey(key)) {
    if (!path.empty()) path += '.';
    path += key;
    return;
  }
  if (path.empty()) path += '.';
  path += '[';
  appendJsonString(path, key);
  path += ']';
}

void collectPaths(const FieldNode& root,
                  std::vector<std::pair<std::string, const FieldNode*>>& out) {
  std::string path;
  collect(root, path, out);
}

}  // namespace clusterproc
