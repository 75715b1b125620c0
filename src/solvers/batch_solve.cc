#include "nlhf/batch_solve.h"

#include <array>
#include <exception>
#include <optional>
#include <vector>

namespace nlhf {

void SolveBatch(std::size_t count, const std::function<PreferenceGame(std::size_t)>& preferences,
                const BatchSolveOptions& options, const std::function<void(const BatchAnswer&)>& on_answer) {
  // Bad names and values fail before any work.
  ResolveParameters(FindAlgorithm(options.algorithm.empty() ? "omwu" : options.algorithm), options.parameters);
  std::vector<std::exception_ptr> errors(count);
#pragma omp parallel
  {
    // The default depends only on a dense game's sizes (DefaultAlgorithm): it is decided again, its reason
    // formatted again, only when they change (a batch's games mostly share one size).
    std::optional<AlgorithmChoice> choice;
    std::array<int, 2> choice_sizes{-1, -1};
#pragma omp for schedule(dynamic, 16)
    for (std::size_t k = 0; k < count; ++k) {
      try {  // exceptions must not leave an OpenMP region: each game records its own
        const ZeroSumGame game = ZeroSumGame::FromPreferences(preferences(k));
        if (options.algorithm.empty()) {
          const std::array<int, 2> sizes{game.num_actions(0), game.num_actions(game.num_players() - 1)};
          if (!choice || sizes != choice_sizes) choice = DefaultAlgorithm(game, !options.parameters.empty());
          choice_sizes = sizes;
        }
        const SolveResult result =
            SolveWith(choice ? choice->name : options.algorithm, game, options.solve, options.parameters);
        on_answer({.index = k, .game = game, .result = result, .choice = choice});
      } catch (...) {
        errors[k] = std::current_exception();
      }
    }
  }
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace nlhf
