#pragma once
// Tokens of the expression language, read one at a time so that the first
// problem in reading order is the one reported.

#include <cstddef>
#include <string>
#include <string_view>

#include "value.h"

namespace clusterproc::expr {

/// Kinds of token. Keywords (and, or, not, in, true, false, null, as, asc,
/// desc) are kIdent; the parser tells them apart by text.
enum class Tok {
  kEnd,
  kIdent,
  kNumber,
  kString,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kMatch,  ///< =~
  kError,
};

/// One token: where it is in the text and, for literals, its value.
struct Token {
  Tok type = Tok::kEnd;
  size_t begin = 0;     ///< byte offset of its first character
  size_t end = 0;       ///< one past its last character
  std::string str;      ///< kString: the decoded bytes; kError: the message
  Value num;            ///< kNumber: an int, uint or double
  size_t error_at = 0;  ///< kError: offset of the offending character
};

/// Reads tokens from text; after the end it keeps returning kEnd.
class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}
  Token next();

 private:
  Token lexNumber(size_t start);
  Token lexString(size_t start);
  /// The error for words joined by '-' without spaces ("user-agent").
  Token hyphenatedWord(size_t start);
  Token error(size_t at, std::string message);

  std::string_view text_;
  size_t pos_ = 0;
};

/// True for the characters of an identifier after the first: [A-Za-z0-9_]
/// and the bytes of non-ASCII UTF-8 characters.
bool isWordChar(char c);

/// The expression text with white space outside string literals removed; a
/// single space stays between two words and next to the operator words
/// and, or, not, in ("not x", "a in [1]", "f(x) and y").
std::string compactText(std::string_view text);

}  // namespace clusterproc::expr
