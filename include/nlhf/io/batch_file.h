// Many games in one file, for `nlhf batch`: JSON Lines (one game per line, each with its own n), a NumPy
// .npy array of shape (games, n, n), or the EGPO text format.
//
// JSON Lines: {"preferences": [[...]], "responses": [...], "context": "q17"} per line (the keys of a JSON
//   matrix file, plus an optional context id and an optional "features" array of numbers describing the
//   context, which `nlhf train --policy contextual` feeds its network); blank lines are skipped.
// EGPO text: a header line `runs n beta`, then for each run a line `Run i` followed by n rows of n
//   numbers (beta is kept as metadata; the games are solved unregularized).
// .npy: float64 or float32, any byte order, C or Fortran order (numpy.save of a (B, n, n) array, or of one
//   (n, n) game); game k
//   has context "k" (NumPy's index) and is named "games.npy[k]" in messages. The file is memory-mapped.
#ifndef NLHF_IO_BATCH_FILE_H_
#define NLHF_IO_BATCH_FILE_H_

#include <Eigen/Dense>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nlhf {

struct BatchGame {
  std::string context;             // the "context" field, or "Run i", or the line number, or the .npy index
  Eigen::MatrixXd preferences;
  std::vector<std::string> responses;
  std::string where;               // "games.jsonl:17" for error messages
  std::vector<double> features;    // the optional "features" array (the contextual policy's input)
};

// By extension: .jsonl/.ndjson → JSON Lines, .npy → NumPy, anything else → EGPO text. Throws ParseError
// with file:line (or file[k]).
std::vector<BatchGame> ReadBatchFile(const std::string& path);
std::vector<BatchGame> ParseJsonLines(std::string_view text, const std::string& path);
std::vector<BatchGame> ParseNpyBatch(std::string_view bytes, const std::string& path);
std::vector<BatchGame> ParseEgpoText(std::string_view text, const std::string& path);

// A batch file opened to be solved game by game. A .npy file's game k is made from the mapped file, a JSON
// Lines file's from its line, when it is taken, in the thread that solves it: a large batch is neither
// copied nor parsed up front (100,000 games of n = 10 are 80 MB of fresh memory, which cost more than
// reading them, and parsing them first left the solving threads idle). Opening finds the lines; a bad
// line throws from Take, as ReadBatchFile would for that line. EGPO text is parsed whole on opening.
// Take(k) may run on several threads at once for different k, each k once.
//
// A share of the file (part p of P, for P processes that split one batch, `mpirun nlhf batch`): a JSON
// Lines file's lines whose first byte lies in bytes [p·S/P, (p + 1)·S/P) of its S bytes, so that each
// process reads only its own bytes; a .npy or EGPO file's games [p·G/P, (p + 1)·G/P). Shares in order of p
// hold the games in input order. A share may hold no games (the whole file must hold some). A JSON Lines
// share numbers its lines from 1 until NumberLinesAfter says how many lines the shares before it hold
// (lines_in_share() of each, summed).
struct BatchShare {
  int part = 0;
  int parts = 1;
};

class BatchFile {
 public:
  explicit BatchFile(const std::string& path, BatchShare share = {});  // throws as ReadBatchFile does
  ~BatchFile();
  BatchFile(const BatchFile&) = delete;
  BatchFile& operator=(const BatchFile&) = delete;

  std::size_t size() const;  // games in this share
  BatchGame Take(std::size_t k);

  // JSON Lines: the lines of this share's bytes, blank ones included (0 for the other formats).
  std::size_t lines_in_share() const;
  // JSON Lines: the share's messages and contexts number its lines after `lines_before` (before any Take).
  void NumberLinesAfter(std::size_t lines_before);

 private:
  struct Npy;
  struct JsonLines;
  std::unique_ptr<Npy> npy_;                // a .npy file, mapped
  std::unique_ptr<JsonLines> json_lines_;  // a JSON Lines file, mapped, its lines found
  std::vector<BatchGame> games_;           // EGPO text, parsed
};

// A batch written as one float64 .npy array (C order, NumPy's format 1.0), streamed game by game: the
// header for `count` games of n × n, then each game's bytes in turn.
std::string FormatNpyBatchHeader(std::size_t count, std::size_t n);
std::string FormatNpyBatchGame(const Eigen::MatrixXd& preferences);

}  // namespace nlhf

#endif  // NLHF_IO_BATCH_FILE_H_
