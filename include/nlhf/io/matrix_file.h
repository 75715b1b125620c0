// Reading and writing matrices: whitespace- or comma-separated text, JSON and NumPy .npy.
//
// The format is chosen by extension (.json, .npy; anything else is text) and checked against the
// content: a file whose content is clearly another format is rejected with a message saying so. Every
// error names the file, the line and column (or the element) and the rule broken.
#ifndef NLHF_IO_MATRIX_FILE_H_
#define NLHF_IO_MATRIX_FILE_H_

#include <Eigen/Dense>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nlhf/game.h"

namespace nlhf {

enum class MatrixFormat { kText, kJson, kNpy };

// By extension: .json → kJson, .npy → kNpy, anything else → kText.
MatrixFormat FormatFromPath(const std::string& path);

struct MatrixFile {
  Eigen::MatrixXd values;
  std::vector<std::string> row_names;     // empty when the file names none
  std::vector<std::string> column_names;  // payoff matrices only; preference matrices use row_names
  bool is_payoff = false;                 // JSON with a "payoff" key rather than "preferences"
  bool single_precision = false;          // stored as float32 (.npy '<f4'): see DefaultSymmetryTolerance
  std::optional<Eigen::VectorXd> nash_equilibrium;  // JSON "nash_equilibrium", when present
  MatrixSource source;                    // for error messages about entries
};

// Reads and parses `path`; throws ParseError (content) or InvalidArgument (cannot open).
MatrixFile ReadMatrixFile(const std::string& path);

// The game `path` states, with the numbers and the errors GameFromMatrix gives on ReadMatrixFile's matrix
// (a JSON file's "payoff" key makes it a payoff game), and the projection's largest change. A float64
// C-order .npy preference matrix is checked and made into its payoff in one pass over the mapped file
// (ZeroSumGame::FromPreferenceRows), without an intermediate copy.
struct GameFile {
  ZeroSumGame game;
  double projection_change = 0;
};
GameFile ReadGameFile(const std::string& path, const MatrixGameOptions& options);

// Parsers over contents already in memory; `path` only labels the messages.
//
// Text: one row per line, entries separated by whitespace and/or commas, `#` starts a comment, blank
// lines ignored. An optional first row of names (no entry parses as a number) names the responses.
MatrixFile ParseTextMatrix(std::string_view text, const std::string& path);
// JSON: {"responses": [...], "preferences": [[...], ...]} or {"payoff": [[...]], "row_actions": [...],
// "column_actions": [...]}; optional "nash_equilibrium": [...].
MatrixFile ParseJsonMatrix(std::string_view text, const std::string& path);
// NumPy .npy versions 1–3, dtype float32/float64 in either byte order, C or Fortran order, 2-D.
MatrixFile ParseNpyMatrix(std::string_view bytes, const std::string& path);

std::string FormatTextMatrix(const MatrixFile& matrix);
std::string FormatJsonMatrix(const MatrixFile& matrix);
std::string FormatNpyMatrix(const MatrixFile& matrix);  // float64, C order, version 1.0

// Writes in the format FormatFromPath chooses, atomically (temporary file, then rename).
void WriteMatrixFile(const std::string& path, const MatrixFile& matrix);

}  // namespace nlhf

#endif  // NLHF_IO_MATRIX_FILE_H_
