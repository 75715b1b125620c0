#include "io/json_text.h"

#include <fmt/format.h>

#include <algorithm>

#include "nlhf/error.h"

namespace nlhf::internal {

nlohmann::json ParseJsonDocument(std::string_view text, const std::string& path) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    // nlohmann reports a 1-based byte offset; turn it into line and column.
    const size_t offset = std::min<size_t>(error.byte == 0 ? 0 : error.byte - 1, text.size());
    const std::string_view before = text.substr(0, offset);
    const size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
    const size_t last_newline = before.rfind('\n');
    const size_t column = last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
    std::string what = error.what();
    // Drop nlhf-irrelevant prefix "[json.exception.parse_error.101] parse error at line 1, column 2: ".
    if (const size_t colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    throw ParseError(fmt::format("{}:{}:{}: invalid JSON: {}", path, line, column, what));
  }
}

void ThrowNotANumber(const nlohmann::json& value, const std::string& path, const std::string& where) {
  throw ParseError(fmt::format("{}: {}: expected a number, got {} {}", path, where, value.type_name(), value.dump()));
}

}  // namespace nlhf::internal
