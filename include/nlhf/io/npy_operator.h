// A preference matrix in a .npy file read straight into a SkewOperator's storage: the file is
// memory-mapped and never copied into a dense double matrix, so a game of n = 32,768 (a 4.3 GB float32
// file) is held in the 2.1 GB of a packed f32 triangle. The entries are checked as PreferenceGame checks
// them (finite, in [0, 1], |P + Pᵀ − 1| <= the tolerance) and A = (P − Pᵀ)/2 is stored: the skew part,
// which is A of the complementary projection (P + 1 − Pᵀ)/2 that PreferenceGame states. With f32
// storage the f32-rounded entries are the game that is solved and certified.
#ifndef NLHF_IO_NPY_OPERATOR_H_
#define NLHF_IO_NPY_OPERATOR_H_

#include <string>
#include <string_view>

#include "nlhf/game.h"
#include "nlhf/kernels/skew_operator.h"

namespace nlhf {

struct OperatorGameFile {
  ZeroSumGame game;               // held only as its operator (ZeroSumGame::FromSkewOperator)
  double projection_change = 0;   // max |P_ij − (P_ij + 1 − P_ji)/2|, what the projection moved
  bool single_precision = false;  // the file stores float32
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
