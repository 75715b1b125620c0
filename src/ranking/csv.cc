#include "ranking/csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "nlhf/error.h"

namespace nlhf::internal {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

namespace {

bool IsSkippable(std::string_view line) {
  line = Trim(line);
  return line.empty() || line.front() == '#';
}

}  // namespace

std::vector<CsvRow> ReadCsv(std::string_view text, const std::string& path, char delimiter) {
  std::vector<CsvRow> rows;
  size_t i = 0;
  int line = 1;
  while (i < text.size()) {
    const size_t end_of_line = text.find('\n', i);
    const std::string_view raw = text.substr(i, end_of_line == std::string_view::npos ? std::string_view::npos
                                                                                      : end_of_line - i);
    if (IsSkippable(raw)) {
      i = end_of_line == std::string_view::npos ? text.size() : end_of_line + 1;
      ++line;
      continue;
    }
    CsvRow row{line, {}};
    std::string field;
    bool quoted = false, was_quoted = false;
    while (true) {
      if (i >= text.size()) {
        if (quoted) throw ParseError(fmt::format("{}:{}: unterminated quoted field", path, row.line));
        break;
      }
      const char c = text[i++];
      if (quoted) {
        if (c == '"' && i < text.size() && text[i] == '"') {
          field += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          if (c == '\n') ++line;
          field += c;
        }
      } else if (c == '"' && Trim(field).empty()) {
        quoted = was_quoted = true;
        field.clear();
      } else if (c == delimiter) {
        row.fields.push_back(was_quoted ? field : std::string(Trim(field)));
        field.clear();
        was_quoted = false;
      } else if (c == '\n') {
        ++line;
        break;
      } else {
        field += c;
      }
    }
    row.fields.push_back(was_quoted ? field : std::string(Trim(field)));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::vector<CsvRow> ReadWhitespaceTable(std::string_view text) {
  std::vector<CsvRow> rows;
  int line = 0;
  size_t i = 0;
  while (i <= text.size()) {
    size_t end = text.find('\n', i);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(i, end - i);
    i = end + 1;
    ++line;
    if (IsSkippable(raw)) continue;
    CsvRow row{line, {}};
    size_t k = 0;
    while (k < raw.size()) {
      while (k < raw.size() && (raw[k] == ' ' || raw[k] == '\t' || raw[k] == '\r')) ++k;
      if (k >= raw.size()) break;
      const size_t start = k;
      while (k < raw.size() && raw[k] != ' ' && raw[k] != '\t' && raw[k] != '\r') ++k;
      row.fields.emplace_back(raw.substr(start, k - start));
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string Lowercase(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string FindColumn(const std::vector<std::string>& names, const std::string& wanted) {
  const std::string key = Lowercase(wanted);
  for (const std::string& name : names) {
    if (Lowercase(name) == key) return name;
  }
  return "";
}

bool ParseLooseNumber(std::string_view text, double& value) {
  std::string cleaned;
  text = Trim(text);
  // Drop an uncertainty: "12.3±0.4" (UTF-8 ±) or "12.3+-0.4".
  if (const size_t pm = text.find("±"); pm != std::string_view::npos) text = Trim(text.substr(0, pm));
  if (const size_t pm = text.find("+-"); pm != std::string_view::npos) text = Trim(text.substr(0, pm));
  for (size_t k = 0; k < text.size(); ++k) {
    // A comma between digits is a thousands separator.
    if (text[k] == ',' && k > 0 && k + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[k - 1])) &&
        std::isdigit(static_cast<unsigned char>(text[k + 1]))) {
      continue;
    }
    cleaned += text[k];
  }
  if (!cleaned.empty() && cleaned.front() == '+') cleaned.erase(0, 1);
  if (cleaned.empty()) return false;
  const auto [end, error] = std::from_chars(cleaned.data(), cleaned.data() + cleaned.size(), value);
  return error == std::errc() && end == cleaned.data() + cleaned.size() && std::isfinite(value);
}

}  // namespace nlhf::internal
