// Polishing: finishing an iterative solve exactly once the iterate's support has settled.
//
// OMWU's linear rate is instance-dependent and can be slow, but long before the gap is tiny the
// iterate usually shows which actions the equilibrium plays. On a candidate support S (actions whose
// probability exceeds a threshold), an equilibrium with that support solves the equalizer system
//     A_SS π_S = v·1,  Σ π_S = 1    (v = 0 in a symmetric game; rows and columns separately otherwise),
// solved in the least-squares sense (minimum norm where the NE is not unique). A candidate support found by
// a threshold may still hold an unplayed action whose margin is tiny; for those the exact equilibrium of
// the game restricted to the candidate (a small LP) is tried too. A candidate is kept only if it is a
// probability vector whose duality gap in the FULL game is <= the tolerance: polishing never weakens the
// certificate, it only reaches it sooner.
#ifndef NLHF_POLISH_H_
#define NLHF_POLISH_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "nlhf/game.h"
#include "nlhf/policy.h"

namespace nlhf {

struct PolishResult {
  PlayerVectors probabilities;  // one per player
  double duality_gap = 0;
  std::vector<std::vector<int>> support;  // per player
  std::string how;  // "equalizer on 3 actions" or "restricted LP on 12 candidate actions"
};

// The support's size per player, as "3" or "3×4", for messages.
std::string SupportSizes(const std::vector<std::vector<int>>& support);

// Tries the supports that `probabilities` suggests (probability above 1e-3, 1e-6, 1e-9, 1e-12; above the
// three largest gaps between sorted log-probabilities), skipping any in `tried` and adding the new ones
// to it, and any with more than max_support actions for a player. Returns the first candidate with gap
// <= gap_tolerance: every equalizer first, then the restricted LPs. Adds to `*work` (when given) the floating-point operations spent, about k³ per solve
// on k candidate actions, so that callers can budget polishing by work rather than by the clock.
std::optional<PolishResult> PolishOnSupport(const ZeroSumGame& game,
                                            const PlayerVectors& probabilities,
                                            double gap_tolerance,
                                            int max_support,
                                            std::set<std::vector<std::vector<int>>>& tried,
                                            double* work = nullptr,
                                            int max_restricted_lp_actions = std::numeric_limits<int>::max());

// The exact equilibrium by a simplex method warm-started from the iterate (CrossoverMaximinClp in
// nlhf/solvers/clp_lp.h, once per player, at most max_pivots pivots each), kept only if its gap in the
// full game is <= gap_tolerance. `*pivots` (when given) receives the pivots spent.
std::optional<PolishResult> CrossoverOnIterate(const ZeroSumGame& game, const PlayerVectors& probabilities,
                                               double gap_tolerance, int max_pivots, int* pivots = nullptr);

// For games too large for the simplex crossover: the exact equilibrium of the game restricted to the
// iterate's guessed support and the actions nearest to joining it (by the active-set score), found by the
// interior point method (nlhf/solvers/interior_point.h) and checked in the full game; actions that beat it
// join the candidates and the restricted game is solved again (a few rounds). Kept only if its gap in the
// full game is <= gap_tolerance.
std::optional<PolishResult> RestrictedInteriorPoint(const ZeroSumGame& game, const PlayerVectors& probabilities,
                                                    double gap_tolerance);

// The gap, relative to max|A_ij|, at which polishing crosses over by default: from there the active-set
// guess is a handful of actions off on random games of 300–2,000 actions (docs/benchmarks.md).
inline constexpr double kDefaultCrossoverGap = 1e-4;

// When and how much a solve polishes. The defaults suit OMWU's smooth iterates; a method built to be
// finished (PDHG: exact zeros off its support) lets polishing spend as much as its iterations and leaves
// large restricted LPs (GLPK's simplex takes seconds past a few hundred actions) to the corrected
// equalizer.
struct PolishSchedule {
  std::int64_t interval = 10;         // try every this many iterations
  double products_per_iteration = 1;  // payoff products an iteration costs (2·m·n operations each)
  double share = 0.1;                 // polishing may spend this share of the iterations' work
  // The equalizer candidates only once the iterate's gap is at most this (an interior point's support
  // shows only near the optimum; a first-order method's iterates are worth trying at any gap).
  double polish_gap = std::numeric_limits<double>::infinity();
  int max_restricted_lp_actions = std::numeric_limits<int>::max();
  // Crossover (CrossoverOnIterate) once the iterate's gap is at most this (0: never), and again each
  // time the gap has fallen to a quarter of the last failed try's. The simplex crossover only on games of
  // at most crossover_max_actions actions per player: past that its pivots cost more than the interior
  // point method on the candidate actions (RestrictedInteriorPoint; PDHG on random games, n = 1,000:
  // 0.58 s against 0.95 s, n = 2,000: 2.4 s against 4.7 s, n = 4,096: 15 s against 490 s).
  double crossover_gap = 0;
  // The simplex part of the crossover only once the gap is at most this; above it only the equalizer on
  // the guessed support is tried (for a method whose further iterations are cheaper than a simplex start).
  double simplex_gap = std::numeric_limits<double>::infinity();
  int crossover_max_actions = 500;
  // Past crossover_max_actions: the equalizer on the guessed support, then RestrictedInteriorPoint (off for
  // the interior point method itself, whose own iterate is the interior point answer).
  bool restricted_interior_point = true;
};

// Polishing during a solve, as its own object: on a schedule (every `interval` iterations) and within a
// work budget (at most `share` of the work of the iterations so far, plus 1e8 to get going, so that on large games its small linear solves never dominate; work, not time,
// so that the same command polishes at the same iterations on any machine), remembering the supports
// already tried.
class Polisher {
 public:
  Polisher(const ZeroSumGame& game, double gap_tolerance, int max_support, const PolishSchedule& schedule);

  // At iteration t, when due and within budget: PolishOnSupport on `probabilities()` (called only then);
  // when that fails and the iterate's `gap` has reached the schedule's crossover gap, CrossoverOnIterate.
  std::optional<PolishResult> TryAt(std::int64_t t, double gap, const std::function<PlayerVectors()>& probabilities);

  // Updates from iteration t until the next at which TryAt may polish (the next multiple of the interval).
  std::int64_t UpdatesUntilNextTry(std::int64_t t) const { return schedule_.interval - t % schedule_.interval; }

  // A last crossover, with the simplex, from where a method stopped before the schedule's gaps (it stalled).
  std::optional<PolishResult> Finish(const PlayerVectors& probabilities);

 private:
  std::optional<PolishResult> Crossover(const PlayerVectors& probabilities, bool simplex) const;

  const ZeroSumGame& game_;
  double gap_tolerance_;
  int max_support_;
  PolishSchedule schedule_;
  double iteration_work_;  // operations per iteration: 2·m·n per product
  double work_ = 0;        // operations spent polishing so far
  std::set<std::vector<std::vector<int>>> tried_;
  double next_crossover_gap_;  // the gap at which crossover is tried next
};

}  // namespace nlhf

#endif  // NLHF_POLISH_H_
