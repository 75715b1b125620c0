// Whitespace- or comma-separated matrix text, e.g. shared/data/soccer.txt.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>
#include <vector>

#include "core/tiles.h"
#include "nlhf/error.h"
#include "nlhf/huge_pages.h"
#include "nlhf/io/matrix_file.h"

namespace nlhf {
namespace {

struct Token {
  std::string_view text;
  int column;  // 1-based
};

std::vector<Token> SplitLine(std::string_view line) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == ',' || line[i] == '\r')) ++i;
    if (i >= line.size()) break;
    const size_t begin = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != ',' && line[i] != '\r') ++i;
    tokens.push_back({line.substr(begin, i - begin), static_cast<int>(begin) + 1});
  }
  return tokens;
}

// std::from_chars accepts "nan" and "inf", which then fail the finiteness rule with their position;
// it rejects a leading '+', which we allow.
bool ParseDouble(std::string_view text, double& value) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

MatrixFile ParseTextMatrix(std::string_view text, const std::string& path) {
  MatrixFile result;
  result.source.path = path;
  // Every row's entries one after another (row-major), so that a large matrix is one growing buffer rather
  // than one allocation per row; copied into Eigen's column order tile by tile at the end.
  std::vector<double> entries;
  std::vector<double> row;
  std::size_t row_count = 0, row_length = 0;
  int line_number = 0;
  int first_data_line = 0;
  size_t position = 0;
  while (position <= text.size()) {
    size_t end = text.find('\n', position);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(position, end - position);
    position = end + 1;
    ++line_number;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const std::vector<Token> tokens = SplitLine(line);
    if (tokens.empty()) continue;

    double value = 0;
    const bool is_header = row_count == 0 && result.row_names.empty() && !ParseDouble(tokens[0].text, value);
    if (is_header) {
      for (const Token& token : tokens) {
        if (ParseDouble(token.text, value)) {
          throw ParseError(fmt::format("{}:{}:{}: '{}' is a number, but this line looks like a header of "
                                       "names: a header must hold names only",
                                       path, line_number, token.column, token.text));
        }
        result.row_names.emplace_back(token.text);
      }
      continue;
    }
    row.clear();
    for (const Token& token : tokens) {
      if (!ParseDouble(token.text, value)) {
        throw ParseError(fmt::format("{}:{}:{}: '{}' is not a number", path, line_number, token.column,
                                     Excerpt(token.text)));
      }
      row.push_back(value);
    }
    if (row_count > 0 && row.size() != row_length) {
      throw ParseError(fmt::format("{}:{}: row {} has {} entries but row 1 (line {}) has {}: every row must "
                                   "have the same length",
                                   path, line_number, row_count + 1, row.size(), first_data_line, row_length));
    }
    if (row_count == 0) {
      first_data_line = line_number;
      row_length = row.size();
      // A square matrix, the usual case, in one allocation; never more entries than the text could hold (each
      // takes a character and a separator).
      entries.reserve(std::min(row_length * row_length, text.size() / 2 + 1));
    }
    entries.insert(entries.end(), row.begin(), row.end());
    ++row_count;
    result.source.row_lines.push_back(line_number);
  }
  if (row_count == 0) {
    throw ParseError(fmt::format("{}: no matrix rows found (the file is empty or all comments)", path));
  }
  const auto rows = static_cast<Eigen::Index>(row_count), columns = static_cast<Eigen::Index>(row_length);
  result.values.resize(rows, columns);
  PrepareLargeArray(result.values.data(), entries.size() * sizeof(double));
  tiles::ForEachEntryByColumns(rows, columns, [&](Eigen::Index i, Eigen::Index j) {
    result.values(i, j) = entries[static_cast<std::size_t>(i * columns + j)];
  });
  if (!result.row_names.empty() && result.row_names.size() != row_length) {
    throw ParseError(fmt::format("{}: the header names {} responses but rows have {} entries", path,
                                 result.row_names.size(), row_length));
  }
  return result;
}

std::string FormatTextMatrix(const MatrixFile& matrix) {
  std::ostringstream out;
  if (matrix.nash_equilibrium) {
    out << "# nash_equilibrium:";
    for (double p : *matrix.nash_equilibrium) out << fmt::format(" {:.17g}", p);
    out << "\n";
  }
  if (!matrix.row_names.empty() && !matrix.is_payoff) out << fmt::format("{}\n", fmt::join(matrix.row_names, " "));
  for (Eigen::Index i = 0; i < matrix.values.rows(); ++i) {
    for (Eigen::Index j = 0; j < matrix.values.cols(); ++j) {
      out << (j == 0 ? "" : " ") << fmt::format("{:.17g}", matrix.values(i, j));
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace nlhf
