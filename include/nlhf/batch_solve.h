// Many games solved in parallel, each with its own certificate: `nlhf batch` and `nlhf.solve_batch` share it.
#ifndef NLHF_BATCH_SOLVE_H_
#define NLHF_BATCH_SOLVE_H_

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "nlhf/game.h"
#include "nlhf/registry.h"
#include "nlhf/solver.h"

namespace nlhf {

struct BatchSolveOptions {
  std::string algorithm;       // a registered name; empty: DefaultAlgorithm picks per game, by its size
  ParameterValues parameters;  // given ones only (a step size given without a name means OMWU, as in `solve`)
  SolveOptions solve;
};

// What one game's solve hands back: the game as solved, its result, and why its algorithm ran (when the
// default chose it).
struct BatchAnswer {
  std::size_t index = 0;
  const ZeroSumGame& game;
  const SolveResult& result;
  const std::optional<AlgorithmChoice>& choice;
};

// Solves games 0 … count − 1 in parallel (OpenMP over games). `preferences(k)` builds game k (its checks
// run there, on the solving thread); `on_answer` is called once per game on the thread that solved it, in
// no particular order, and must only touch what belongs to game k. Bad options throw before any game is
// solved; otherwise every game is attempted and the error of the first failing game, in index order, is
// thrown at the end (a bad line 17 is reported as line 17 whichever thread met it). Each answer is the one
// SolveWith gives the game alone, also where a thread advances two small fused-OMWU games at once (one
// kernel for both, bit for bit each game's own updates).
void SolveBatch(std::size_t count, const std::function<PreferenceGame(std::size_t)>& preferences,
                const BatchSolveOptions& options, const std::function<void(const BatchAnswer&)>& on_answer);

}  // namespace nlhf

#endif  // NLHF_BATCH_SOLVE_H_
