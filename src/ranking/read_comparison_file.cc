#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <map>

#include "nlhf/error.h"
#include "nlhf/game.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/ranking/readers.h"
#include "ranking/csv.h"
#include "ranking/json_records.h"
#include "ranking/judgments.h"

namespace nlhf {
namespace {

using internal::Lowercase;

using internal::LooksLikeJsonRecords;

// The first two characters of `text` that are not white space ('\0' where there are none).
std::pair<char, char> FirstTwoSignificant(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {'\0', '\0'};
  const size_t second = text.find_first_not_of(" \t\r\n", first + 1);
  return {text[first], second == std::string_view::npos ? '\0' : text[second]};
}

ComparisonData MatrixData(const std::string& path, const std::string& extension, std::string_view text) {
  // Text without an extension (standard input, a data frame): JSON by its first character, else text.
  const MatrixFormat format = extension.empty() ? (FirstTwoSignificant(text).first == '[' ? MatrixFormat::kJson
                                                                                          : MatrixFormat::kText)
                                                : FormatFromPath(path);
  const MatrixFile file = format == MatrixFormat::kText   ? ParseTextMatrix(text, path)
                          : format == MatrixFormat::kJson ? ParseJsonMatrix(text, path)
                                                          : ReadMatrixFile(path);
  const PreferenceGame game(file.values, file.row_names, {}, file.source);
  ComparisonData data;
  data.source = path;
  data.format = "matrix";
  data.candidates = game.names();
  data.preferences = game.preferences();
  return data;
}

// What the content looks like when neither the flag nor the extension decides.
std::string DetectFormat(std::string_view text, const std::string& path, const ComparisonReadOptions& options) {
  if (LooksLikeJsonRecords(text)) {
    return internal::LooksLikeJudgments(internal::KeysOf(internal::FirstJsonRecord(text, path)), options) ? "judgments"
                                                                                                            : "battles";
  }
  if (FirstTwoSignificant(text).first == '[') return "matrix";
  // Battle columns named by flag: the user says these are battles.
  const ComparisonReadOptions defaults;
  if (options.model_a_column != defaults.model_a_column || options.model_b_column != defaults.model_b_column ||
      options.winner_column != defaults.winner_column) {
    return "battles";
  }
  if (options.model_column != defaults.model_column || options.score_column != defaults.score_column ||
      !options.item_columns.empty()) {
    return "judgments";
  }
  const std::vector<internal::CsvRow> rows = internal::ReadCsv(text, path);
  if (rows.empty()) throw ParseError(fmt::format("{}: empty file", path));
  std::vector<std::string> header;
  for (const auto& f : rows[0].fields) header.push_back(Lowercase(f));
  if (internal::LooksLikeJudgments(rows[0].fields, options)) return "judgments";
  const auto has = [&](const char* name) { return std::find(header.begin(), header.end(), name) != header.end(); };
  if (has("model_a") && has("model_b") && (has("winner") || (has("winner_model_a") && has("winner_model_b")))) {
    return "battles";
  }
  double value = 0;
  const bool three_columns = std::all_of(rows.begin(), rows.end(), [](const auto& r) { return r.fields.size() == 3; });
  if (three_columns && rows.size() >= 2 && internal::ParseLooseNumber(rows[1].fields[2], value) &&
      !internal::ParseLooseNumber(rows[1].fields[0], value) && !internal::ParseLooseNumber(rows[1].fields[1], value)) {
    return "pairwise";
  }
  try {
    const MatrixFile matrix = ParseTextMatrix(text, path);
    if (matrix.values.rows() == matrix.values.cols() && matrix.values.rows() > 1) return "matrix";
  } catch (const ParseError&) {
  }
  return "score-table";
}

}  // namespace

ComparisonData ReadComparisonFile(const std::string& path_given, const ComparisonReadOptions& options) {
  // "-": standard input, whose format the content (or --format) decides.
  const bool from_stdin = path_given == "-";
  const std::string path = from_stdin ? "<stdin>" : path_given;
  const std::string extension = from_stdin ? "" : Lowercase(std::filesystem::path(path).extension().string());
  std::string text;
  if (from_stdin) {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (std::cin.bad()) throw Error("<stdin>: read failed");
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // a UTF-8 byte-order mark, as ReadTextFile drops
  } else {
    text = extension == ".npy" ? ReadWholeFile(path) : ReadTextFile(path);
  }
  return ParseComparisonText(text, path, extension, options);
}

ComparisonData ParseComparisonText(std::string_view text, const std::string& path, const std::string& extension,
                                   const ComparisonReadOptions& options) {
  std::string format = options.format;
  // PrefLib's other data types are not elections: refused by name rather than misread as a table.
  static const std::map<std::string, std::string> kPreflibOtherTypes = {
      {".wmd", "weighted matching data"}, {".cat", "categorical preferences"}, {".tog", "a tournament graph"},
      {".mjg", "a majority graph"},      {".wmg", "a weighted majority graph"}, {".pwg", "a pairwise graph"},
      {".dat", "extra data"}};
  if (const auto type = kPreflibOtherTypes.find(extension); type != kPreflibOtherTypes.end() && format.empty()) {
    throw ParseError(fmt::format("{}: a PrefLib {} file holds {}, not an election; nlhf rank reads PrefLib's ordinal "
                                 "elections (.soc, .soi, .toc, .toi)", path, extension, type->second));
  }
  if (options.transpose && format.empty()) format = "score-table";  // only score tables are transposed
  if (options.transpose && format != "score-table") {
    throw InvalidArgument(fmt::format("--transpose reads a score table; the format is {}", format));
  }
  if (format.empty()) {
    if (extension == ".soc" || extension == ".soi" || extension == ".toc" || extension == ".toi") {
      format = "preflib";
    } else if (extension == ".jsonl" || (extension == ".json" && LooksLikeJsonRecords(text))) {
      format = DetectFormat(text, path, options);
    } else if (extension == ".json") {
      format = "matrix";
    } else if (extension == ".npy") {
      format = "matrix";
    } else {
      format = DetectFormat(text, path, options);
    }
  }
  ComparisonData data;
  if (format == "battles") {
    data = LooksLikeJsonRecords(text) ? ParseJsonBattles(text, path, options) : ParseBattles(text, path, options);
  } else if (format == "judgments") {
    data = ParseJudgments(text, path, options);
  } else if (format == "pairwise") {
    data = ParsePairwiseScores(text, path, options);
  } else if (format == "score-table") {
    data = ParseScoreTable(text, path, options);
  } else if (format == "preflib") {
    data = ParsePreflib(text, path);
  } else if (format == "matrix") {
    data = MatrixData(path, extension, text);
  } else {
    throw InvalidArgument(fmt::format("--format {}: expected battles, judgments, pairwise, score-table, preflib or matrix", format));
  }
  if (static_cast<long long>(data.candidates.size()) > kMaxCandidates) {
    throw ParseError(fmt::format("{}: {} candidates; nlhf ranks at most {} (its tables are n × n)", path,
                                 data.candidates.size(), kMaxCandidates));
  }
  // Two candidates of one name (a score table's header "a,b,a", two PrefLib alternatives both named
  // "Alice") would be printed as one: the file must tell them apart.
  if (const auto repeat = FirstRepeatedName(data.candidates)) {
    throw ParseError(fmt::format("{}: candidates {} and {} are both named '{}': give each its own name", path,
                                 repeat->first + 1, repeat->second + 1, Excerpt(data.candidates[repeat->second])));
  }
  return data;
}

}  // namespace nlhf
