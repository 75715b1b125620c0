#include "io/batch_line_fast.h"

#include <fmt/format.h>

#include <Eigen/Dense>
#include <string>
#include <string_view>
#include <vector>

namespace nlhf::internal {
namespace {

using simdjson::ondemand::array;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

// Appends the numbers of one JSON array to `entries` and counts them; false where the value is not an
// array or an element is not a number that fits a double.
bool AppendNumbers(value numbers_value, std::vector<double>& entries, std::size_t& count) {
  array numbers;
  if (numbers_value.get_array().get(numbers)) return false;
  count = 0;
  for (auto element : numbers) {
    double number;
    if (element.get_double().get(number)) return false;
    entries.push_back(number);
    ++count;
  }
  return true;
}

// Rows of equal, non-zero length, at least one.
bool ReadMatrix(value rows_value, std::vector<double>& entries, Eigen::MatrixXd& matrix) {
  array rows;
  if (rows_value.get_array().get(rows)) return false;
  entries.clear();
  std::size_t row_count = 0, columns = 0;
  for (auto row : rows) {
    value row_value;
    std::size_t count = 0;
    if (row.get(row_value) || !AppendNumbers(row_value, entries, count)) return false;
    if (row_count == 0) columns = count;
    if (count != columns || count == 0) return false;
    ++row_count;
  }
  if (row_count == 0) return false;
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  matrix = Eigen::Map<const RowMajor>(entries.data(), static_cast<Eigen::Index>(row_count),
                                      static_cast<Eigen::Index>(columns));
  return true;
}

// A JSON string without escapes. Escaped strings are left to the general reader, so that the two readers
// never differ on what an escape means (lone surrogates, for one); unescaped control characters and
// invalid UTF-8 are already refused by simdjson's first pass, as by nlohmann.
bool ReadPlainString(value string_value, std::string& out) {
  if (string_value.raw_json_token().find('\\') != std::string_view::npos) return false;
  std::string_view text;
  if (string_value.get_string().get(text)) return false;
  out.assign(text);
  return true;
}

bool ReadStrings(value strings_value, std::vector<std::string>& out) {
  array strings;
  if (strings_value.get_array().get(strings)) return false;
  out.clear();
  for (auto element : strings) {
    value string_value;
    if (element.get(string_value)) return false;
    if (!ReadPlainString(string_value, out.emplace_back())) return false;
  }
  return true;
}

}  // namespace

bool FastBatchLineReader::Read(std::string_view buffer, std::string_view line, int line_number,
                               const std::string& path, BatchGame& game) {
  const auto begin = static_cast<std::size_t>(line.data() - buffer.data());
  bool read = false;
  if (buffer.size() - begin >= line.size() + simdjson::SIMDJSON_PADDING) {
    read = ReadDocument(simdjson::padded_string_view(line.data(), line.size(), buffer.size() - begin), game);
  } else {
    padded_line_.assign(line);
    padded_line_.reserve(line.size() + simdjson::SIMDJSON_PADDING);
    read = ReadDocument(simdjson::padded_string_view(padded_line_.data(), line.size(), padded_line_.capacity()),
                        game);
  }
  if (!read) return false;
  if (!has_context_) game.context = std::to_string(line_number);
  game.where = fmt::format("{}:{}", path, line_number);
  return true;
}

bool FastBatchLineReader::ReadDocument(simdjson::padded_string_view line, BatchGame& game) {
  simdjson::ondemand::document document;
  object fields;
  if (parser_.iterate(line).get(document) || document.get_object().get(fields)) return false;
  bool has_preferences = false, has_responses = false, has_features = false;
  has_context_ = false;
  game.responses.clear();
  game.features.clear();
  for (auto field : fields) {
    std::string_view key;
    value field_value;
    if (field.unescaped_key().get(key) || field.value().get(field_value)) return false;
    // A key seen twice is the general reader's error to report.
    if (key == "preferences" && !has_preferences) {
      has_preferences = true;
      if (!ReadMatrix(field_value, entries_, game.preferences)) return false;
    } else if (key == "responses" && !has_responses) {
      has_responses = true;
      if (!ReadStrings(field_value, game.responses)) return false;
    } else if (key == "context" && !has_context_) {
      has_context_ = true;
      if (!ReadPlainString(field_value, game.context)) return false;
    } else if (key == "features" && !has_features) {
      has_features = true;
      std::size_t count = 0;
      if (!AppendNumbers(field_value, game.features, count) || count == 0) return false;
    } else {
      return false;
    }
  }
  // Nothing may follow the object on its line: On-Demand stops reading where the object ends, and
  // reports "out of bounds" for the position after it only when the line ends there.
  return has_preferences && document.current_location().error() == simdjson::OUT_OF_BOUNDS;
}

}  // namespace nlhf::internal
