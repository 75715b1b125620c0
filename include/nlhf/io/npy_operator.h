// A preference matrix in a .npy file read straight into a SkewOperator's storage: the file is
// memory-mapped and never copied into a dense double matrix, so a game of n = 32,768 (a 4.3 GB float32
// file) is held in the 2.1 GB of a packed f32 triangle. The entries are checked as PreferenceGame checks
// them (finite, in [0, 1], |P + Pᵀ − 1| <= the tolerance) and A = (P − Pᵀ)/2 is stored: the skew part,
// which is A of the complementary projection (P + 1 − Pᵀ)/2 that PreferenceGame states. With f32
// storage the f32-rounded entries are the game that is solved and certified.
#ifndef NLHF_IO_NPY_OPERATOR_H_
#define NLHF_IO_NPY_OPERATOR_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "nlhf/game.h"
#include "nlhf/kernels/skew_operator.h"

namespace nlhf {

struct OperatorGameFile {
  ZeroSumGame game;               // held only as its operator (ZeroSumGame::FromSkewOperator)
  double projection_change = 0;   // max |P_ij − (P_ij + 1 − P_ji)/2|, what the projection moved
  bool single_precision = false;  // the file stores float32
};

// The skew entries a_ij = (P_ij − P_ji)/2 of a square .npy preference matrix, each pair checked as
// PreferenceGame checks it, for rows taken in increasing order from any first row (a rank of `mpirun`
// takes its own rows only: nlhf/distributed/row_block_operator.h). The columns of a block of 64 rows are
// gathered once, reading each later row's 64 consecutive entries, so that a C-order file is read in order
// instead of one page per entry. Throws as ReadNpyOperatorGame does.
class NpySkewEntries {
 public:
  // `bytes` (a mapped file) outlives this; the diagonal is checked here.
  NpySkewEntries(std::string_view bytes, const std::string& path, const MatrixGameOptions& options);
  ~NpySkewEntries();
  NpySkewEntries(const NpySkewEntries&) = delete;
  NpySkewEntries& operator=(const NpySkewEntries&) = delete;

  int n() const { return n_; }
  bool single_precision() const { return single_precision_; }
  // a_ij for i < j; calls for a row must not follow calls for a later row.
  double operator()(int i, int j);
  double projection_change() const { return projection_change_; }  // max |P_ij − (P_ij + 1 − P_ji)/2| so far

 private:
  struct Array;
  std::unique_ptr<Array> array_;
  int n_ = 0;
  bool single_precision_ = false;
  double tolerance_ = 0;
  MatrixSource source_;  // the file, for messages
  std::vector<double> columns_;  // columns_[(j − first_)·64 + (i − first_)] = P_ji for the block's rows i
  int first_ = -(1 << 30);  // the first row of the block in columns_ (none yet)
  double projection_change_ = 0;
};

// Throws ParseError / InvalidArgument naming the file, the entry and the rule; `options.payoff` is refused
// (a general payoff matrix has no skew operator).
OperatorGameFile ReadNpyOperatorGame(const std::string& path, Storage storage, Layout layout,
                                     const MatrixGameOptions& options);
// The same over a file's bytes already in memory (or mapped); `path` only labels the messages.
OperatorGameFile ParseNpyOperatorGame(std::string_view bytes, const std::string& path, Storage storage, Layout layout,
                                      const MatrixGameOptions& options);

}  // namespace nlhf

#endif  // NLHF_IO_NPY_OPERATOR_H_
