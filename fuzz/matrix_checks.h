// After a matrix reader accepts a file, the game types must accept or refuse it with an nlhf::Error too:
// the same path `nlhf solve` takes.
#ifndef NLHF_FUZZ_MATRIX_CHECKS_H_
#define NLHF_FUZZ_MATRIX_CHECKS_H_

#include "nlhf/game.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/metrics.h"

namespace nlhf::fuzz {

inline void CheckMatrix(const MatrixFile& file) {
  if (file.is_payoff) {
    const ZeroSumGame game = ZeroSumGame::FromPayoff(file.values, file.row_names, file.column_names, file.source);
    (void)game;
    return;
  }
  const PreferenceGame preferences(file.values, file.row_names,
                                   {.symmetry_tolerance = DefaultSymmetryTolerance(file.single_precision)}, file.source);
  const ZeroSumGame game = ZeroSumGame::FromPreferences(preferences);
  const int n = game.num_actions(0);
  // The uniform policy's certificate: never negative beyond rounding in the stated (projected) game.
  const double gap = DualityGap(game, {Eigen::VectorXd::Constant(n, 1.0 / n)});
  if (!(gap >= -CertificateRoundingBound(game.payoff()))) __builtin_trap();
}

}  // namespace nlhf::fuzz

#endif  // NLHF_FUZZ_MATRIX_CHECKS_H_
