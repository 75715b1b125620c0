#include "io/json_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "nlhf/error.h"

namespace nlhf::internal {
namespace {

struct TextPosition {
  size_t line = 1;
  size_t column = 1;
};

// Line (counted from `first_line`) and 1-based column of byte `offset` of `text`.
TextPosition PositionOf(std::string_view text, size_t offset, size_t first_line) {
  const std::string_view before = text.substr(0, std::min(offset, text.size()));
  const size_t line = first_line + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  const size_t last_newline = before.rfind('\n');
  const size_t column = last_newline == std::string_view::npos ? before.size() + 1 : before.size() - last_newline;
  return {line, column};
}

// Visits the structural bytes of `text` (those outside JSON strings), so that brackets and numbers inside
// strings are never mistaken for structure. `visit(offset)` returns false to stop early.
template <typename Visit>
void ForEachStructuralByte(std::string_view text, const Visit& visit) {
  bool in_string = false;
  for (size_t k = 0; k < text.size(); ++k) {
    const char c = text[k];
    if (in_string) {
      if (c == '\\') {
        ++k;  // the escaped character, whatever it is
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (!visit(k)) {
      return;
    }
  }
}

// Two checks in one pass over the text, before nlohmann parses it:
// - nesting: nlohmann's parser keeps its own stack, but the library's recursive functions (dump,
//   comparison, copies) and ours would overflow the call stack on a document nested 100,000 levels deep;
// - repeated keys: nlohmann keeps the last of {"payoff": false, "payoff": true} without a word, so a
//   document that says two things would be read as one of them.
// Keys are compared as written (an escaped spelling of the same key is not caught; no input needs one).
void CheckStructure(std::string_view text, const std::string& path, size_t first_line) {
  std::vector<std::vector<std::string_view>> keys;  // per open container: its keys so far (arrays: none)
  std::vector<bool> is_object;
  size_t after_structure = 0;  // just past the last structural byte: a key (a string) lies between it and ':'
  ForEachStructuralByte(text, [&](size_t k) {
    const char c = text[k];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') return true;
    if (c == ':' && !is_object.empty() && is_object.back()) {
      std::string_view key = text.substr(after_structure, k - after_structure);
      key.remove_prefix(std::min(key.find_first_not_of(" \t\n\r"), key.size()));
      key.remove_suffix(key.size() - std::min(key.find_last_not_of(" \t\n\r") + 1, key.size()));
      std::vector<std::string_view>& seen = keys.back();
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
        const TextPosition at = PositionOf(text, static_cast<size_t>(key.data() - text.data()), first_line);
        throw ParseError(fmt::format("{}:{}:{}: the key {} appears twice in one JSON object; say it once",
                                     path, at.line, at.column, Excerpt(key)));
      }
      seen.push_back(key);
    } else if (c == '[' || c == '{') {
      if (static_cast<int>(is_object.size()) + 1 > kMaxJsonDepth) {
        const TextPosition at = PositionOf(text, k, first_line);
        throw ParseError(fmt::format("{}:{}:{}: JSON nested deeper than {} levels (arrays and objects within one "
                                     "another); no nlhf input needs more than a few",
                                     path, at.line, at.column, kMaxJsonDepth));
      }
      is_object.push_back(c == '{');
      keys.emplace_back();
    } else if ((c == ']' || c == '}') && !is_object.empty()) {
      is_object.pop_back();
      keys.pop_back();
    }
    after_structure = k + 1;
    return true;
  });
}

// The byte offset of the first number literal that does not fit a double (nlohmann reports only that
// one exists), or npos.
size_t FirstOverflowingNumber(std::string_view text) {
  size_t found = std::string_view::npos;
  size_t k_start = std::string_view::npos;
  ForEachStructuralByte(text, [&](size_t k) {
    const char c = text[k];
    const bool number_char = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    if (number_char && k_start == std::string_view::npos) k_start = k;
    const bool ends = !number_char || k + 1 == text.size();
    if (ends && k_start != std::string_view::npos) {
      const size_t end = number_char ? k + 1 : k;
      const std::string literal(text.substr(k_start, end - k_start));
      if (std::isinf(std::strtod(literal.c_str(), nullptr))) {
        found = k_start;
        return false;
      }
      k_start = std::string_view::npos;
    }
    return true;
  });
  return found;
}

}  // namespace

nlohmann::json ParseJsonDocument(std::string_view text, const std::string& path, size_t first_line) {
  CheckStructure(text, path, first_line);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    // nlohmann reports a 1-based byte offset; turn it into line and column.
    const TextPosition at = PositionOf(text, error.byte == 0 ? 0 : error.byte - 1, first_line);
    std::string what = error.what();
    // Drop nlhf-irrelevant prefix "[json.exception.parse_error.101] parse error at line 1, column 2: ".
    if (const size_t colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    // nlohmann quotes the last token it read, which may be a whole 5 MB string.
    throw ParseError(fmt::format("{}:{}:{}: invalid JSON: {}", path, at.line, at.column, Excerpt(what, 200)));
  } catch (const nlohmann::json::out_of_range& error) {
    // 406: a number literal too large for a double (1e400).
    const size_t offset = FirstOverflowingNumber(text);
    const TextPosition at = PositionOf(text, offset == std::string_view::npos ? 0 : offset, first_line);
    throw ParseError(fmt::format("{}:{}:{}: invalid JSON: a number is too large for a double (its magnitude must "
                                 "stay below 1.8e308)", path, at.line, at.column));
  } catch (const nlohmann::json::exception& error) {
    std::string what = error.what();
    if (const size_t bracket = what.find("] "); bracket != std::string::npos) what = what.substr(bracket + 2);
    throw ParseError(fmt::format("{}: invalid JSON: {}", path, what));
  }
}

void ThrowNotANumber(const nlohmann::json& value, const std::string& path, const std::string& where) {
  // The value is shown only when short: dumping a large object would flood the message.
  const std::string shown = value.is_primitive() ? Excerpt(value.dump()) : (value.is_array() ? "[...]" : "{...}");
  throw ParseError(fmt::format("{}: {}: expected a number, got {} {}", path, where, value.type_name(), shown));
}

}  // namespace nlhf::internal
