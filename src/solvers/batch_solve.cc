#include "nlhf/batch_solve.h"

#include <array>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "solvers/small_omwu_kernels.h"
#include "solvers/small_omwu_solve.h"

namespace nlhf {
namespace {

using internal::SmallOmwuSolve;

// A game solved by fused OMWU on the small path, advanced beside another.
struct PairedGame {
  PairedGame(std::size_t index, ZeroSumGame moved_game, std::string algorithm, double step_size,
             const SolveOptions& options)
      : index(index), game(std::move(moved_game)), algorithm(std::move(algorithm)), solve(game, step_size, options) {}

  std::size_t index;
  ZeroSumGame game;
  std::string algorithm;  // what SolveWith writes into result.algorithm
  SmallOmwuSolve solve;   // reads `game`
};

// One thread's small fused-OMWU games, advanced two at a time. An update of a small game is a chain of
// dependent steps whose latency leaves the processor mostly idle; the paired kernel runs two games' chains
// side by side (measured at n = 10: 26 ns per update alone, 18 ns per game and update in pairs). Each
// game's updates, stopping points and result are those SolveWith gives (the kernels are tested bit for
// bit), whatever game it is paired with.
class SmallGamePairs {
 public:
  using Finished = std::function<void(std::size_t index, const ZeroSumGame& game, const SolveResult& result)>;
  using Failed = std::function<void(std::size_t index, std::exception_ptr error)>;

  SmallGamePairs(const SolveOptions& options, Finished finished, Failed failed)
      : options_(options), finished_(std::move(finished)), failed_(std::move(failed)) {}

  // Takes game `index` (SmallOmwuSolve::Applies holds for it with `step_size`), solved under the spec
  // `algorithm`: it waits for a partner, or is advanced with the one waiting until either is finished.
  void Add(std::size_t index, ZeroSumGame game, std::string algorithm, double step_size) {
    std::optional<PairedGame>& slot = slots_[0] ? slots_[1] : slots_[0];
    std::optional<PairedGame>& other = &slot == &slots_[0] ? slots_[1] : slots_[0];
    try {
      slot.emplace(index, std::move(game), std::move(algorithm), step_size, options_);
    } catch (...) {
      failed_(index, std::current_exception());
      return;
    }
    if (!slot->solve.runs_avx512()) return RunAlone(slot);
    if (!other) return;
    if (other->solve.n() != slot->solve.n()) return RunAlone(other);
    RunPair(other, slot, internal::Avx512PairedSmallOmwuSteps(slot->solve.n()));
  }

  // Finishes the game waiting for a partner, alone.
  void Flush() {
    for (std::optional<PairedGame>& slot : slots_) {
      if (slot) RunAlone(slot);
    }
  }

 private:
  // The next stretch of the game in `slot`; once it has stopped, 0, with its answer handed on (or its error
  // recorded) and the slot emptied.
  std::int64_t NextOrFinish(std::optional<PairedGame>& slot) {
    try {
      if (const std::int64_t stretch = slot->solve.NextStretch()) return stretch;
      SolveResult result = slot->solve.Finish();
      result.algorithm = slot->algorithm;
      finished_(slot->index, slot->game, result);
    } catch (...) {
      failed_(slot->index, std::current_exception());
    }
    slot.reset();
    return 0;
  }

  void RunAlone(std::optional<PairedGame>& slot) {
    while (const std::int64_t stretch = NextOrFinish(slot)) slot->solve.Advance(stretch);
  }

  // Until one of the two is finished (its slot then free for the next game).
  void RunPair(std::optional<PairedGame>& first, std::optional<PairedGame>& second,
               internal::PairedSmallOmwuSteps steps) {
    while (true) {
      const std::int64_t first_stretch = NextOrFinish(first);
      if (first_stretch == 0) return;
      const std::int64_t second_stretch = NextOrFinish(second);
      if (second_stretch == 0) return;
      // Games that entered at different times reach their polishing tries and trace points at different
      // iterations: the longer stretch's rest runs in the same call (alone), so that the next stretches line
      // up instead of being cut in two every time.
      const internal::PairedUpdates made = steps(first->solve.state(), second->solve.state(),
                                                 {first_stretch, second_stretch}, options_.gap_tolerance);
      first->solve.Advanced(made.first);
      second->solve.Advanced(made.second);
    }
  }

  const SolveOptions& options_;
  Finished finished_;
  Failed failed_;
  std::array<std::optional<PairedGame>, 2> slots_;  // at most one holds a game between calls
};

}  // namespace

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
    SmallGamePairs pairs(
        options.solve,
        [&](std::size_t index, const ZeroSumGame& game, const SolveResult& result) {
          on_answer({.index = index, .game = game, .result = result, .choice = choice});
        },
        [&](std::size_t index, std::exception_ptr error) { errors[index] = std::move(error); });
#pragma omp for schedule(dynamic, 16) nowait
    for (std::size_t k = 0; k < count; ++k) {
      try {  // exceptions must not leave an OpenMP region: each game records its own
        ZeroSumGame game = ZeroSumGame::FromPreferences(preferences(k));
        if (options.algorithm.empty()) {
          const std::array<int, 2> sizes{game.num_actions(0), game.num_actions(game.num_players() - 1)};
          if (!choice || sizes != choice_sizes) {
            pairs.Flush();  // a waiting game is answered with the choice it was solved under
            choice = DefaultAlgorithm(game, !options.parameters.empty());
          }
          choice_sizes = sizes;
        }
        const std::string& name = choice ? choice->name : options.algorithm;
        const AlgorithmSpec& algorithm = FindAlgorithm(name);
        if (algorithm.fused_omwu_step_size) {
          const ParameterValues values = ResolveParameters(algorithm, ScaledDefaults(algorithm, game, options.parameters));
          const double step_size = algorithm.fused_omwu_step_size(values);
          if (SmallOmwuSolve::Applies(game, step_size)) {
            pairs.Add(k, std::move(game), SpecString(algorithm, values), step_size);
            continue;
          }
        }
        const SolveResult result = SolveWith(name, game, options.solve, options.parameters);
        on_answer({.index = k, .game = game, .result = result, .choice = choice});
      } catch (...) {
        errors[k] = std::current_exception();
      }
    }
    pairs.Flush();
  }
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

}  // namespace nlhf
