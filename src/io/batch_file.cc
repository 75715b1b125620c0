#include "nlhf/io/batch_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <filesystem>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "io/batch_line_fast.h"
#include "io/json_matrix.h"
#include "io/npy_array.h"
#include "io/json_text.h"
#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/mapped_file.h"
#include "nlhf/io/matrix_file.h"

namespace nlhf {

namespace {

struct NumberedLines {
  std::vector<std::pair<int, std::string_view>> lines;  // (1-based line number, content), non-blank only
  int count = 0;                                        // lines in the text, blank ones included
};

// The lines of `text` that hold more than `blank` characters once cut at `comment` (when not '\0').
NumberedLines NonBlankLines(std::string_view text, std::string_view blank, char comment = '\0') {
  NumberedLines result;
  size_t position = 0;
  while (position < text.size()) {
    size_t end = text.find('\n', position);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(position, end - position);
    position = end + 1;
    ++result.count;
    if (comment != '\0') line = line.substr(0, line.find(comment));
    if (line.find_first_not_of(blank) != std::string_view::npos) result.lines.emplace_back(result.count, line);
  }
  return result;
}

}  // namespace

std::vector<std::pair<int, std::string_view>> internal::NonBlankJsonLines(std::string_view text,
                                                                         std::size_t range_bytes) {
  const std::size_t ranges = std::clamp<std::size_t>(text.size() / std::max<std::size_t>(range_bytes, 1), 1, 64);
  std::vector<std::size_t> starts(ranges + 1, text.size());
  starts[0] = 0;
  for (std::size_t r = 1; r < ranges; ++r) {
    const std::size_t newline = text.find('\n', std::max(starts[r - 1], r * (text.size() / ranges)));
    starts[r] = newline == std::string_view::npos ? text.size() : newline + 1;
  }
  std::vector<NumberedLines> found(ranges);
#pragma omp parallel for schedule(static) if (ranges > 1)
  for (std::size_t r = 0; r < ranges; ++r) found[r] = NonBlankLines(text.substr(starts[r], starts[r + 1] - starts[r]), " \t\r");
  std::vector<std::pair<int, std::string_view>> lines;
  std::size_t total = 0;
  for (const NumberedLines& range : found) total += range.lines.size();
  lines.reserve(total);
  int lines_before = 0;
  for (const NumberedLines& range : found) {
    for (const auto& [number, line] : range.lines) lines.emplace_back(lines_before + number, line);
    lines_before += range.count;
  }
  return lines;
}

BatchGame internal::ParseBatchLine(std::string_view line, int line_number, const std::string& path) {
  const std::string where = fmt::format("{}:{}", path, line_number);
  const nlohmann::json document = internal::ParseJsonDocument(line, path, static_cast<size_t>(line_number));
  const MatrixFile matrix = internal::JsonMatrixFromDocument(document, where);
  if (matrix.is_payoff) throw ParseError(fmt::format("{}: batch games are preference matrices, not \"payoff\"", where));
  std::string context = std::to_string(line_number);
  if (document.contains("context")) {
    const auto& c = document["context"];
    context = c.is_string() ? c.get<std::string>() : c.dump();
  }
  std::vector<double> features;
  if (document.contains("features")) {
    const auto& f = document["features"];
    if (!f.is_array() || f.empty()) {
      throw ParseError(fmt::format("{}: \"features\" must be a non-empty array of numbers", where));
    }
    for (size_t i = 0; i < f.size(); ++i) {
      if (!f[i].is_number() || !std::isfinite(f[i].get<double>())) {
        throw ParseError(fmt::format("{}: \"features\"[{}] is not a finite number", where, i));
      }
      features.push_back(f[i].get<double>());
    }
  }
  return {context, matrix.values, matrix.row_names, where, std::move(features)};
}

namespace {

using JsonLine = std::pair<int, std::string_view>;  // (1-based line number, content)

// The games' lines of a JSON Lines text: the non-blank ones (no comments: '#' may stand inside a JSON string).
std::vector<JsonLine> JsonLinesOf(std::string_view text, const std::string& path) {
  std::vector<JsonLine> lines = internal::NonBlankJsonLines(text);
  if (lines.empty()) throw ParseError(fmt::format("{}: no games (one JSON object per line)", path));
  return lines;
}

// One line, part of `text`, by simdjson where it has the common shape (io/batch_line_fast.h), otherwise
// by the general reader, whose messages name the line.
BatchGame ReadJsonLine(std::string_view text, const JsonLine& line, const std::string& path,
                       internal::FastBatchLineReader& fast_reader) {
  BatchGame game;
  if (!fast_reader.Read(text, line.second, line.first, path, game)) {
    game = internal::ParseBatchLine(line.second, line.first, path);
  }
  return game;
}

}  // namespace

std::vector<BatchGame> ParseJsonLines(std::string_view text, const std::string& path) {
  const std::vector<JsonLine> lines = JsonLinesOf(text, path);
  // Lines are independent: they are parsed in parallel; the first bad line is reported, as a serial
  // reader would.
  std::vector<BatchGame> games(lines.size());
  std::vector<std::exception_ptr> errors(lines.size());
#pragma omp parallel
  {
    internal::FastBatchLineReader fast_reader;
#pragma omp for schedule(dynamic, 256)
    for (size_t k = 0; k < lines.size(); ++k) {
      try {  // exceptions must not leave an OpenMP region
        games[k] = ReadJsonLine(text, lines[k], path, fast_reader);
      } catch (...) {
        errors[k] = std::current_exception();
      }
    }
  }
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
  return games;
}

std::vector<BatchGame> ParseEgpoText(std::string_view text, const std::string& path) {
  // Reuse the matrix-text reader line by line: it handles separators and number syntax.
  const NumberedLines numbered = NonBlankLines(text, " \t\r,", '#');
  const std::vector<std::pair<int, std::string_view>>& lines = numbered.lines;
  if (lines.empty()) throw ParseError(fmt::format("{}: empty EGPO file", path));
  const MatrixFile header = ParseTextMatrix(lines[0].second, fmt::format("{}:{}", path, lines[0].first));
  // Each run takes a label line and n rows, so counts beyond the lines present are refused before
  // anything is built (and before a cast to int could overflow).
  const double available = static_cast<double>(lines.size());
  const auto whole_count = [&](double value) { return value >= 1 && value == std::floor(value) && value <= available; };
  if (header.values.rows() != 1 || header.values.cols() != 3 || !header.row_names.empty() ||
      !whole_count(header.values(0, 0)) || !whole_count(header.values(0, 1))) {
    throw ParseError(fmt::format("{}:{}: expected the header 'runs n beta': three numbers, runs and n whole numbers "
                                 ">= 1 (and no more than the file's {} non-blank lines allow)",
                                 path, lines[0].first, lines.size()));
  }
  const int runs = static_cast<int>(header.values(0, 0));
  const int n = static_cast<int>(header.values(0, 1));
  std::vector<BatchGame> games;
  size_t k = 1;
  for (int run = 0; run < runs; ++run) {
    if (k >= lines.size() || lines[k].second.find("Run") == std::string_view::npos) {
      throw ParseError(fmt::format("{}:{}: expected 'Run {}' ({} runs announced)", path,
                                   k < lines.size() ? lines[k].first : numbered.count, run, runs));
    }
    const std::string label(lines[k].second.substr(lines[k].second.find("Run")));
    const int label_line = lines[k].first;
    ++k;
    std::string block;
    for (int row = 0; row < n; ++row, ++k) {
      if (k >= lines.size() || lines[k].second.find("Run") != std::string_view::npos) {
        throw ParseError(fmt::format("{}:{}: '{}' has {} rows, expected n = {}", path, label_line, label, row, n));
      }
      block.append(lines[k].second).push_back('\n');
    }
    MatrixFile matrix = ParseTextMatrix(block, fmt::format("{} ({})", path, label));
    // A first row of words would be read as a header of names, leaving n − 1 rows.
    if (!matrix.row_names.empty() || matrix.values.rows() != n || matrix.values.cols() != n) {
      const int first_row_line = lines[k - n].first;
      throw ParseError(fmt::format("{}:{}: '{}' must hold {} rows of {} numbers{}", path, first_row_line, label, n,
                                   n, matrix.row_names.empty() ? "" : ", but its first row is not numbers"));
    }
    // Row numbers inside the block map back to file lines for later error messages.
    for (int row = 0; row < n; ++row) matrix.source.row_lines[row] = lines[k - n + row].first;
    std::string trimmed = label;
    while (!trimmed.empty() && (trimmed.back() == '\r' || trimmed.back() == ' ')) trimmed.pop_back();
    games.push_back({trimmed, matrix.values, {}, fmt::format("{}:{}", path, label_line)});
  }
  if (k < lines.size()) {
    throw ParseError(fmt::format("{}:{}: more rows than the header's {} runs of n = {}", path, lines[k].first, runs, n));
  }
  return games;
}

namespace {

BatchGame NpyBatchGame(const NpyArray& array, const std::string& path, std::size_t k) {
  BatchGame game;
  game.context = std::to_string(k);
  game.where = fmt::format("{}[{}]", path, k);
  game.preferences = array.Matrix(k);
  return game;
}

}  // namespace

std::vector<BatchGame> ParseNpyBatch(std::string_view bytes, const std::string& path) {
  const NpyArray array = ParseNpyStack(bytes, path);
  std::vector<BatchGame> games(array.count);
#pragma omp parallel for schedule(static)
  for (size_t k = 0; k < array.count; ++k) games[k] = NpyBatchGame(array, path, k);
  return games;
}

std::string FormatNpyBatchHeader(std::size_t count, std::size_t n) {
  return internal::FormatNpyHeader(fmt::format("({}, {}, {})", count, n, n));
}

std::string FormatNpyBatchGame(const Eigen::MatrixXd& preferences) {
  return internal::FormatNpyEntries(preferences);
}

namespace {

enum class BatchFormat { kNpy, kJsonLines, kEgpo };

BatchFormat FormatOf(const std::string& path) {
  const std::string extension = std::filesystem::path(path).extension().string();
  if (extension == ".npy") return BatchFormat::kNpy;
  if (extension == ".jsonl" || extension == ".ndjson") return BatchFormat::kJsonLines;
  return BatchFormat::kEgpo;
}

// A text file's bytes less a byte-order mark.
std::string_view TextOf(const MappedFile& file) {
  std::string_view text = file.bytes();
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  return text;
}

// Items [p·count/P, (p + 1)·count/P) of part p.
std::pair<std::size_t, std::size_t> ShareOf(std::size_t count, BatchShare share) {
  // ⌊count·part/P⌋ without overflow: count = q·P + r gives q·part + ⌊r·part/P⌋.
  const auto bound = [&](int part) {
    const auto parts = static_cast<std::size_t>(share.parts), p = static_cast<std::size_t>(part);
    return count / parts * p + count % parts * p / parts;
  };
  return {bound(share.part), bound(share.part + 1)};
}

// The first line start at or after byte `at` of `text` (a line starts at 0 and after each newline).
std::size_t LineStartFrom(std::string_view text, std::size_t at) {
  if (at == 0) return 0;
  const std::size_t newline = text.find('\n', at - 1);
  return newline == std::string_view::npos ? text.size() : newline + 1;
}

}  // namespace

std::vector<std::pair<int, std::string_view>> internal::ShareOfJsonLines(std::string_view text, int part, int parts,
                                                                          std::size_t& newlines) {
  const auto [begin, end] = ShareOf(text.size(), {.part = part, .parts = parts});
  const std::size_t from = LineStartFrom(text, begin), to = LineStartFrom(text, end);
  const std::string_view bytes = text.substr(from, to - from);
  newlines = static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), '\n'));
  return internal::NonBlankJsonLines(bytes);
}

struct BatchFile::Npy {
  Npy(const std::string& file, BatchShare share)
      : path(file), mapped(file), array(ParseNpyStack(mapped.bytes(), file)) {
    std::tie(first, end) = ShareOf(array.count, share);
  }
  std::string path;
  MappedFile mapped;
  NpyArray array;  // points into `mapped`
  std::size_t first = 0, end = 0;  // the share's games
};

struct BatchFile::JsonLines {
  JsonLines(const std::string& file, BatchShare share) : path(file), mapped(file), text(TextOf(mapped)) {
    if (share.parts == 1) {
      lines = JsonLinesOf(text, file);
    } else {
      lines = internal::ShareOfJsonLines(text, share.part, share.parts, newlines);
    }
  }
  std::string path;
  MappedFile mapped;
  std::string_view text;        // `mapped` less a byte-order mark
  std::vector<JsonLine> lines;  // point into `text`
  std::size_t newlines = 0;     // in a share's bytes
};

BatchFile::BatchFile(const std::string& path, BatchShare share) {
  if (share.parts < 1 || share.part < 0 || share.part >= share.parts) {
    throw InvalidArgument(fmt::format("batch share {} of {}: expected 0 <= part < parts", share.part, share.parts));
  }
  switch (FormatOf(path)) {
    case BatchFormat::kNpy: npy_ = std::make_unique<Npy>(path, share); break;
    case BatchFormat::kJsonLines: json_lines_ = std::make_unique<JsonLines>(path, share); break;
    case BatchFormat::kEgpo: {
      games_ = ReadBatchFile(path);
      const auto [first, end] = ShareOf(games_.size(), share);
      games_ = std::vector<BatchGame>(std::make_move_iterator(games_.begin() + static_cast<std::ptrdiff_t>(first)),
                                      std::make_move_iterator(games_.begin() + static_cast<std::ptrdiff_t>(end)));
      break;
    }
  }
}

BatchFile::~BatchFile() = default;

std::size_t BatchFile::size() const {
  return npy_ ? npy_->end - npy_->first : json_lines_ ? json_lines_->lines.size() : games_.size();
}

std::size_t BatchFile::lines_in_share() const { return json_lines_ ? json_lines_->newlines : 0; }

void BatchFile::NumberLinesAfter(std::size_t lines_before) {
  if (!json_lines_) return;
  for (JsonLine& line : json_lines_->lines) line.first += static_cast<int>(lines_before);
}

BatchGame BatchFile::Take(std::size_t k) {
  if (npy_) {
    const std::size_t index = npy_->first + k;
    npy_->array.Prefetch(index + 1);  // threads take consecutive games (batch_solve.cc): the next is likely this thread's
    return NpyBatchGame(npy_->array, npy_->path, index);
  }
  if (json_lines_) {
    static thread_local internal::FastBatchLineReader fast_reader;  // its parser's buffers, kept between lines
    return ReadJsonLine(json_lines_->text, json_lines_->lines[k], json_lines_->path, fast_reader);
  }
  return std::move(games_[k]);
}

std::vector<BatchGame> ReadBatchFile(const std::string& path) {
  // Parsed where it lies, without a copy (a batch may be hundreds of megabytes).
  const MappedFile file(path);
  switch (FormatOf(path)) {
    case BatchFormat::kNpy: return ParseNpyBatch(file.bytes(), path);
    case BatchFormat::kJsonLines: return ParseJsonLines(TextOf(file), path);
    case BatchFormat::kEgpo: break;
  }
  return ParseEgpoText(TextOf(file), path);
}

}  // namespace nlhf
