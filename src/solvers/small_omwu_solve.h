// Fused OMWU on a small symmetric game held as its dense payoff (what SolveOmwuFused runs for n <= 16 when
// the game has no operator of its own), as a solve its caller advances: SolveOmwuFused runs one to its end;
// SolveBatch advances two games of the same size together in the paired kernel (small_omwu_kernels.h), whose
// updates are each game's own, bit for bit, so a game's result does not depend on its partner.
#ifndef NLHF_SRC_SOLVERS_SMALL_OMWU_SOLVE_H_
#define NLHF_SRC_SOLVERS_SMALL_OMWU_SOLVE_H_

#include <cstdint>

#include "nlhf/game.h"
#include "nlhf/solver.h"
#include "solvers/fused_omwu_iterate.h"
#include "solvers/iterate.h"
#include "solvers/small_omwu.h"
#include "solvers/stopping_rules.h"

namespace nlhf::internal {

class SmallOmwuSolve {
 public:
  // Whether SolveOmwuFused(game, step_size, ...) takes this path.
  static bool Applies(const ZeroSumGame& game, double step_size);

  // `game` and `options` must outlive the solve. Validates the options and starts the solve's clock.
  SmallOmwuSolve(const ZeroSumGame& game, double step_size, const SolveOptions& options);
  SmallOmwuSolve(const SmallOmwuSolve&) = delete;
  SmallOmwuSolve& operator=(const SmallOmwuSolve&) = delete;

  // IterationLoop's calls: the updates the iterate may make next (0: stopped), the updates made (by
  // Advance, or on state() by a paired kernel), the result once stopped.
  std::int64_t NextStretch() { return loop_.NextStretch(); }
  void Advance(std::int64_t count) { loop_.Advanced(omwu_.StepWhileAbove(count, options_.gap_tolerance)); }
  void Advanced(std::int64_t updates) { loop_.Advanced(updates); }
  SolveResult Finish() { return loop_.Finish(); }

  // The iterate's state, for a paired kernel; its updates are the AVX-512 kernel's when runs_avx512().
  SmallOmwuState& state() { return omwu_.mutable_state(); }
  bool runs_avx512() const { return omwu_.runs_avx512(); }
  int n() const { return omwu_.state().n; }

 private:
  const SolveOptions& options_;
  const StoppingRules rules_;  // first: it validates the options before anything is built from them
  SmallOmwu omwu_;
  FusedOmwuIterate iterate_;
  IterationLoop loop_;
};

}  // namespace nlhf::internal

#endif  // NLHF_SRC_SOLVERS_SMALL_OMWU_SOLVE_H_
