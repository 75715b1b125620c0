#include "nlhf/batch_solve.h"

#include <exception>
#include <vector>

namespace nlhf {

void SolveBatch(std::size_t count, const std::function<PreferenceGame(std::size_t)>& preferences,
                const BatchSolveOptions& options, const std::function<void(const BatchAnswer&)>& on_answer) {
  // Bad names and values fail before any work.
  ResolveParameters(FindAlgorithm(options.algorithm.empty() ? "omwu" : options.algorithm), options.parameters);
  std::vector<std::exception_ptr> errors(count);
#pragma omp parallel for schedule(dynamic, 16)
  for (std::size_t k = 0; k < count; ++k) {
    try {  // exceptions must not leave an OpenMP region: each game records its own
      const ZeroSumGame game = ZeroSumGame::FromPreferences(preferences(k));
      std::optional<AlgorithmChoice> choice;
      if (options.algorithm.empty()) choice = DefaultAlgorithm(game, !options.parameters.empty());
      const SolveResult result =
          SolveWith(choice ? choice->name : options.algorithm, game, options.solve, options.parameters);
      on_answer({.index = k, .game = game, .result = result, .choice = choice});
    } catch (...) {
      errors[k] = std::current_exception();
    }
  }
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace nlhf
