#include "ranking/json_records.h"

#include <fmt/format.h>

#include "nlhf/error.h"
#include "ranking/csv.h"

namespace nlhf::internal {

std::optional<std::string> ScalarText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer() || value.is_number_unsigned() || value.is_boolean()) return value.dump();
  if (value.is_number_float()) return fmt::format("{}", value.get<double>());
  return std::nullopt;
}

std::vector<std::string> KeysOf(const nlohmann::json& record) {
  std::vector<std::string> keys;
  if (record.is_object()) {
    for (const auto& item : record.items()) keys.push_back(item.key());
  }
  return keys;
}

nlohmann::json ParseJsonText(std::string_view text, const std::string& where) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // A syntax error or a number beyond double's range (1e400: out_of_range, found by fuzzing). nlhf's
    // message keeps nlohmann's own ("parse error at line 1, column 7: ..."), without its "[json.exception...]".
    std::string message = e.what();
    if (message.rfind('[', 0) == 0) {
      if (const auto close = message.find("] "); close != std::string::npos) message = message.substr(close + 2);
    }
    throw ParseError(fmt::format("{}: not valid JSON: {}", where, Excerpt(message, 200)));
  }
}

bool LooksLikeJsonRecords(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return false;
  if (text[first] == '{') return true;
  const size_t second = text.find_first_not_of(" \t\r\n", first + 1);
  return text[first] == '[' && second != std::string_view::npos && text[second] == '{';
}

nlohmann::json FirstJsonRecord(std::string_view text, const std::string& path) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return nullptr;
  if (text[first] == '[') {
    const nlohmann::json records = ParseJsonText(text, path);
    return records.is_array() && !records.empty() ? records[0] : nlohmann::json();
  }
  const size_t end = std::min(text.find('\n', first), text.size());
  return ParseJsonText(text.substr(first, end - first), path);
}

void ForEachJsonRecord(std::string_view text, const std::string& path,
                       const std::function<void(const nlohmann::json&, const std::string&)>& visit) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '[') {
    const nlohmann::json records = ParseJsonText(text, path);
    for (size_t r = 0; r < records.size(); ++r) visit(records[r], fmt::format("{}: record {}", path, r));
    return;
  }
  size_t position = 0;
  int line = 0;
  while (position < text.size()) {
    const size_t end = std::min(text.find('\n', position), text.size());
    const std::string_view content = Trim(text.substr(position, end - position));
    position = end + 1;
    ++line;
    if (content.empty()) continue;
    const std::string where = fmt::format("{}:{}", path, line);
    visit(ParseJsonText(content, where), where);
  }
}

}  // namespace nlhf::internal
