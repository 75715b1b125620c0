// {"responses": [...], "preferences": [[...], ...]} and {"payoff": [[...]], ...}.
#include <fmt/format.h>

#include "io/json_text.h"
#include "io/json_matrix.h"
#include "nlhf/error.h"
#include "nlhf/io/matrix_file.h"

namespace nlhf {
namespace {

using nlohmann::json;

Eigen::MatrixXd ReadRows(const json& rows, const std::string& key, const std::string& path) {
  if (!rows.is_array() || rows.empty()) {
    throw ParseError(fmt::format("{}: \"{}\" must be a non-empty array of rows", path, key));
  }
  const size_t columns = rows[0].is_array() ? rows[0].size() : 0;
  Eigen::MatrixXd values(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(columns));
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].is_array()) {
      throw ParseError(fmt::format("{}: {}[{}] must be an array of numbers, got {}", path, key, i,
                                   rows[i].type_name()));
    }
    if (rows[i].size() != columns) {
      throw ParseError(fmt::format("{}: {}[{}] has {} entries but {}[0] has {}: every row must have the "
                                   "same length", path, key, i, rows[i].size(), key, columns));
    }
    for (size_t j = 0; j < columns; ++j) {
      values(i, j) = internal::JsonNumber(rows[i][j], path, [&] { return fmt::format("{}[{}][{}]", key, i, j); });
    }
  }
  return values;
}

std::vector<std::string> ReadNames(const json& document, const std::string& key, const std::string& path) {
  std::vector<std::string> names;
  if (!document.contains(key)) return names;
  const json& list = document[key];
  if (!list.is_array()) throw ParseError(fmt::format("{}: \"{}\" must be an array of names", path, key));
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].is_string()) {
      names.push_back(list[i].get<std::string>());
    } else if (list[i].is_number()) {
      names.push_back(list[i].dump());
    } else {
      throw ParseError(fmt::format("{}: {}[{}] must be a name (string), got {}", path, key, i,
                                   list[i].type_name()));
    }
  }
  return names;
}

}  // namespace

MatrixFile ParseJsonMatrix(std::string_view text, const std::string& path) {
  return internal::JsonMatrixFromDocument(internal::ParseJsonDocument(text, path), path);
}

MatrixFile internal::JsonMatrixFromDocument(const nlohmann::json& document, const std::string& path) {
  if (!document.is_object()) {
    throw ParseError(fmt::format("{}: expected a JSON object with \"preferences\" or \"payoff\", got {}", path,
                                 document.type_name()));
  }
  MatrixFile result;
  result.source.path = path;
  const bool has_preferences = document.contains("preferences");
  const bool has_payoff = document.contains("payoff");
  if (has_preferences == has_payoff) {
    throw ParseError(fmt::format("{}: expected exactly one of the keys \"preferences\" and \"payoff\"", path));
  }
  result.is_payoff = has_payoff;
  if (has_payoff) {
    result.values = ReadRows(document["payoff"], "payoff", path);
    result.row_names = ReadNames(document, "row_actions", path);
    result.column_names = ReadNames(document, "column_actions", path);
  } else {
    result.values = ReadRows(document["preferences"], "preferences", path);
    result.row_names = ReadNames(document, "responses", path);
  }
  if (document.contains("nash_equilibrium")) {
    const json& nash = document["nash_equilibrium"];
    if (!nash.is_array()) throw ParseError(fmt::format("{}: \"nash_equilibrium\" must be an array", path));
    Eigen::VectorXd pi(static_cast<Eigen::Index>(nash.size()));
    for (size_t i = 0; i < nash.size(); ++i) {
      pi[i] = internal::JsonNumber(nash[i], path, [&] { return fmt::format("nash_equilibrium[{}]", i); });
    }
    result.nash_equilibrium = pi;
  }
  return result;
}

std::string FormatJsonMatrix(const MatrixFile& matrix) {
  json document;
  json rows = json::array();
  for (Eigen::Index i = 0; i < matrix.values.rows(); ++i) {
    json row = json::array();
    for (Eigen::Index j = 0; j < matrix.values.cols(); ++j) row.push_back(matrix.values(i, j));
    rows.push_back(row);
  }
  if (matrix.is_payoff) {
    if (!matrix.row_names.empty()) document["row_actions"] = matrix.row_names;
    if (!matrix.column_names.empty()) document["column_actions"] = matrix.column_names;
    document["payoff"] = rows;
  } else {
    if (!matrix.row_names.empty()) document["responses"] = matrix.row_names;
    document["preferences"] = rows;
  }
  if (matrix.nash_equilibrium) {
    document["nash_equilibrium"] =
        std::vector<double>(matrix.nash_equilibrium->begin(), matrix.nash_equilibrium->end());
  }
  return document.dump(1) + "\n";
}

}  // namespace nlhf
