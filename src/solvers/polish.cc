#include "nlhf/polish.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <Eigen/LU>
#include <Eigen/QR>
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

#include "nlhf/error.h"
#include "nlhf/metrics.h"
#include "nlhf/solvers/clp_lp.h"
#include "nlhf/solvers/exact_lp.h"
#include "nlhf/solvers/interior_point.h"

namespace nlhf {
namespace {

constexpr double kThresholds[] = {1e-3, 1e-6, 1e-9, 1e-12};
constexpr int kLargestLogGaps = 3;

// Actions whose log-probability lies above the k-th largest gap between consecutive sorted
// log-probabilities. Played and unplayed actions separate on the log scale long before the unplayed
// ones fall below a fixed threshold: their log-probabilities decrease linearly, at a rate set by how
// much worse than the equilibrium they do.
std::vector<std::vector<int>> SupportsAtLargestLogGaps(const Eigen::VectorXd& probabilities) {
  const int n = static_cast<int>(probabilities.size());
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return probabilities[a] > probabilities[b]; });
  std::vector<std::pair<double, int>> gaps;  // (log-gap after position k, k)
  for (int k = 0; k + 1 < n; ++k) {
    gaps.emplace_back(std::log(probabilities[order[k]]) - std::log(probabilities[order[k + 1]]), k);
  }
  const int count = std::min<int>(kLargestLogGaps, static_cast<int>(gaps.size()));
  std::partial_sort(gaps.begin(), gaps.begin() + count, gaps.end(), std::greater<>());
  std::vector<std::vector<int>> supports;
  for (int g = 0; g < count; ++g) {
    std::vector<int> support(order.begin(), order.begin() + gaps[g].second + 1);
    std::sort(support.begin(), support.end());
    supports.push_back(std::move(support));
  }
  return supports;
}

// In a two-player game, the strategy z on `own` (zero elsewhere, length `size`) that equalizes the
// payoffs M_{T,own} z = v·1 over the opponent's actions T = `opposing`, with Σz = 1 and the value v
// unknown, in the least-squares, minimum-norm sense. `payoff` is oriented so that rows are the opponent's
// actions and columns this player's. (Symmetric games, v = 0: CorrectedSymmetricEqualizer.)
std::optional<Eigen::VectorXd> Equalizer(const Eigen::MatrixXd& payoff, const std::vector<int>& opposing,
                                         const std::vector<int>& own, int size) {
  const int rows = static_cast<int>(opposing.size());
  const int columns = static_cast<int>(own.size());
  Eigen::MatrixXd system = Eigen::MatrixXd::Zero(rows + 1, columns + 1);
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(rows + 1);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < columns; ++c) system(r, c) = payoff(opposing[r], own[c]);
    system(r, columns) = -1.0;  // − v
  }
  for (int c = 0; c < columns; ++c) system(rows, c) = 1.0;
  rhs[rows] = 1.0;
  const Eigen::VectorXd solution = system.completeOrthogonalDecomposition().solve(rhs);
  if (!solution.allFinite()) return std::nullopt;
  Eigen::VectorXd z = Eigen::VectorXd::Zero(size);
  for (int c = 0; c < columns; ++c) {
    // Round-off may leave an exact zero slightly negative; anything clearly negative means the
    // equilibrium does not have this support.
    if (solution[c] < -1e-12) return std::nullopt;
    z[own[c]] = std::max(0.0, solution[c]);
  }
  const double total = z.sum();
  if (!(total > 0)) return std::nullopt;
  return z / total;
}

// Candidate supports, one per player each: by fixed thresholds, then at the largest log-gaps.
std::vector<std::vector<std::vector<int>>> CandidateSupports(const PlayerVectors& probabilities) {
  std::vector<std::vector<std::vector<int>>> candidates;
  for (double threshold : kThresholds) {
    std::vector<std::vector<int>> support;
    for (const auto& p : probabilities) support.push_back(Support(p, threshold));
    candidates.push_back(std::move(support));
  }
  std::vector<std::vector<std::vector<int>>> per_player;
  for (const auto& p : probabilities) per_player.push_back(SupportsAtLargestLogGaps(p));
  for (size_t g = 0; g < per_player[0].size(); ++g) {
    std::vector<std::vector<int>> support;
    for (const auto& player : per_player) support.push_back(player[std::min(g, player.size() - 1)]);
    candidates.push_back(std::move(support));
  }
  return candidates;
}

// Matrices and vectors of at most kMax rows and columns. A small game's (n <= kStackActions) polishing
// solves its systems in these with kMax fixed, so that Eigen keeps them on the stack: with Eigen::Dynamic,
// the allocations of these solves were a quarter of a batch of 100,000 games of n = 10.
template <int kMax>
using BoundedMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor, kMax, kMax>;
template <int kMax>
using BoundedVector = Eigen::Matrix<double, Eigen::Dynamic, 1, Eigen::ColMajor, kMax, 1>;
constexpr int kStackActions = 16;

// [A_SS; 1ᵀ] π = [0; 1]: where the bordered square system [A_SS −1; 1ᵀ 0] (π, v) = (0, 1) is regular, an LU
// solves it exactly in a sixth of the complete orthogonal decomposition's time (for a skew A_SS its v is 0,
// so this is the same system); otherwise (no unique exact solution) the least-squares, minimum-norm
// solution, up to kMaxLeastSquaresActions actions (beyond, NaN: no answer).
constexpr Eigen::Index kMaxLeastSquaresActions = 512;

template <int kMax>
BoundedVector<kMax> SolveEqualizerSystem(const BoundedMatrix<kMax>& system, const BoundedVector<kMax>& rhs) {
  const Eigen::Index k = system.cols();
  BoundedMatrix<kMax> bordered(k + 1, k + 1);
  bordered.leftCols(k) = system;
  bordered.col(k).setConstant(-1.0);
  bordered(k, k) = 0;
  const Eigen::PartialPivLU<BoundedMatrix<kMax>> lu(bordered);
  const BoundedVector<kMax> z = lu.solve(rhs);
  if (z.allFinite() && (bordered * z - rhs).template lpNorm<Eigen::Infinity>() <= 1e-12) return z.head(k);
  // The decomposition is unblocked (one thread, 20× the LU's time: 0.5 s at 1,000 actions), and a large
  // singular candidate is nearly always a wrong guess (a skew A_SS of even order is singular): the
  // simplex crossover serves the rare large degenerate game instead.
  if (k > kMaxLeastSquaresActions) return BoundedVector<kMax>::Constant(k, std::numeric_limits<double>::quiet_NaN());
  return system.completeOrthogonalDecomposition().solve(rhs);
}

// A symmetric game's equalizer with the support corrected, as an active-set method would: actions that
// get a negative weight leave S, and actions outside S that would do better than the value 0 against the
// answer join it, for a few rounds. A candidate from a first-order iterate usually holds the support
// plus a few actions whose margin is tiny (or misses one); this finds the support from it at the price
// of one solve per round. kMax bounds the systems' sizes (n + 1), or is Eigen::Dynamic.
template <int kMax>
std::optional<Eigen::VectorXd> CorrectedSymmetricEqualizerWithin(const Eigen::MatrixXd& a,
                                                                 const Eigen::VectorXd& iterate,
                                                                 std::vector<int> support) {
  constexpr int kRounds = 8;
  const int n = static_cast<int>(a.rows());
  // The iterate's payoffs: by complementary slackness the played actions earn the most against it.
  const BoundedVector<kMax> iterate_payoffs = a * iterate;
  // Dropping and adding actions in blocks can cycle (drop one, two join, drop one...): a support met
  // again ends the search rather than repeating its solves. (At most kRounds of them: a list.)
  std::vector<std::vector<int>> visited;
  std::sort(support.begin(), support.end());  // kept sorted: membership is a binary search
  for (int round = 0; round < kRounds && !support.empty(); ++round) {
    if (std::find(visited.begin(), visited.end(), support) != visited.end()) return std::nullopt;
    visited.push_back(support);
    const int k = static_cast<int>(support.size());
    BoundedMatrix<kMax> system(k + 1, k);
    // Entry by entry: Eigen's indexed view a(support, support) copies its index lists to the heap.
    for (int c = 0; c < k; ++c) {
      for (int r = 0; r < k; ++r) system(r, c) = a(support[r], support[c]);
    }
    system.row(k).setOnes();
    BoundedVector<kMax> rhs = BoundedVector<kMax>::Zero(k + 1);
    rhs[k] = 1;
    const BoundedVector<kMax> solution = SolveEqualizerSystem<kMax>(system, rhs);
    if (!solution.allFinite()) return std::nullopt;
    int kept = 0;  // the actions with no negative weight, moved to the front in order
    for (int i = 0; i < k; ++i) {
      if (solution[i] >= -1e-12) support[kept++] = support[i];
    }
    if (kept < k) {  // negative weights: those actions are not played
      support.resize(kept);
      continue;
    }
    // No exact solution: S holds an action that the equilibrium does not play (its payoff against the
    // equilibrium is below the value). Drop the one that earns least against the iterate.
    if ((system * solution - rhs).template lpNorm<Eigen::Infinity>() > 1e-10) {
      support.erase(std::min_element(support.begin(), support.end(),
                                     [&](int x, int y) { return iterate_payoffs[x] < iterate_payoffs[y]; }));
      continue;
    }
    Eigen::VectorXd pi = Eigen::VectorXd::Zero(n);
    for (int i = 0; i < k; ++i) pi[support[i]] = std::max(0.0, solution[i]);
    if (!(pi.sum() > 0)) return std::nullopt;
    pi /= pi.sum();
    // Actions outside S that beat the answer (payoff above 0, beyond rounding) belong in the support.
    const BoundedVector<kMax> payoffs = a * pi;
    bool grew = false;
    for (int i = 0; i < n; ++i) {  // S is sorted: its first k entries are searched
      if (payoffs[i] > 1e-13 && !std::binary_search(support.begin(), support.begin() + k, i)) {
        support.push_back(i);
        grew = true;
      }
    }
    if (!grew) return pi;
    std::sort(support.begin(), support.end());
  }
  return std::nullopt;
}

std::optional<Eigen::VectorXd> CorrectedSymmetricEqualizer(const Eigen::MatrixXd& a, const Eigen::VectorXd& iterate,
                                                           std::vector<int> support) {
  if (a.rows() <= kStackActions) {
    return CorrectedSymmetricEqualizerWithin<kStackActions + 1>(a, iterate, std::move(support));
  }
  return CorrectedSymmetricEqualizerWithin<Eigen::Dynamic>(a, iterate, std::move(support));
}

std::optional<PlayerVectors> EqualizerOnSupport(const ZeroSumGame& game, const PlayerVectors& iterate,
                                               const std::vector<std::vector<int>>& support) {
  if (game.symmetric()) {
    // (Aπ)_a = 0 for a in S: rows S of A, columns S.
    auto pi = CorrectedSymmetricEqualizer(game.payoff(), iterate[0], support[0]);
    if (!pi) return std::nullopt;
    return PlayerVectors{*pi};
  }
  // The row player's x equalizes the columns T: (xᵀA)_T = v, i.e. rows T of Aᵀ.
  auto x = Equalizer(game.payoff().transpose(), support[1], support[0], game.num_actions(0));
  // The column player's y equalizes the rows S: (A y)_S = v.
  auto y = Equalizer(game.payoff(), support[0], support[1], game.num_actions(1));
  if (!x || !y) return std::nullopt;
  return PlayerVectors{*x, *y};
}

// A strategy over `actions` as one over all `size` actions (zero elsewhere).
Eigen::VectorXd Pad(const Eigen::VectorXd& on_actions, const std::vector<int>& actions, int size) {
  Eigen::VectorXd full = Eigen::VectorXd::Zero(size);
  for (size_t i = 0; i < actions.size(); ++i) full[actions[i]] = on_actions[i];
  return full;
}

// Whether some player's `actions` leave out one of the game's: a restricted solve on every action would be
// the plain exact solve, not a finish of the iterations.
bool ProperSubset(const ZeroSumGame& game, const std::vector<std::vector<int>>& actions) {
  for (int p = 0; p < game.num_players(); ++p) {
    if (static_cast<int>(actions[p].size()) < game.num_actions(p)) return true;
  }
  return false;
}

// The exact equilibrium (LP) of the game restricted to the candidate actions, padded with zeros.
std::optional<PlayerVectors> RestrictedGameEquilibrium(const ZeroSumGame& game,
                                                      const std::vector<std::vector<int>>& support) {
  const std::vector<int>& rows = support[0];
  const std::vector<int>& columns = support.back();
  const Eigen::MatrixXd restricted = game.payoff()(rows, columns);
  try {
    PlayerVectors result{Pad(SolveMaximinLp(restricted), rows, game.num_actions(0))};
    if (!game.symmetric()) {
      result.push_back(Pad(SolveMaximinLp(-restricted.transpose()), columns, game.num_actions(1)));
    }
    return result;
  } catch (const Error&) {
    return std::nullopt;
  }
}

// The primal–dual active-set score of every action, per player (Hintermüller, Ito & Kunisch 2003): its
// probability less a scaled multiple of its shortfall (how much less than the value it earns; zero for a
// played action at an equilibrium). A positive score guesses "played". Unlike a threshold on the
// probabilities alone, it separates a slowly fading unplayed action (large shortfall) from a played one
// of small weight, and ranks the unplayed ones by how near they are to joining.
PlayerVectors ActiveSetScores(const ZeroSumGame& game, const PlayerVectors& probabilities) {
  const Eigen::VectorXd& x = probabilities[0];
  const Eigen::VectorXd& y = probabilities.back();
  const Eigen::VectorXd row_payoffs = game.payoff() * y;                  // what each row earns against y
  const Eigen::VectorXd column_payoffs = game.payoff().transpose() * x;  // what each column concedes to x
  const double value = x.dot(row_payoffs);
  const auto score = [](const Eigen::VectorXd& primal, const Eigen::VectorXd& shortfall) -> Eigen::VectorXd {
    const double magnitude = shortfall.cwiseAbs().sum();
    const double scale = magnitude > 0 ? primal.sum() / magnitude : 0.0;
    return primal - scale * shortfall;
  };
  PlayerVectors scores{score(x, Eigen::VectorXd(value - row_payoffs.array()))};
  if (!game.symmetric()) scores.push_back(score(y, Eigen::VectorXd(column_payoffs.array() - value)));
  return scores;
}

// The supports an approximate equilibrium suggests, one flag per action and player: a positive score.
std::vector<std::vector<char>> GuessSupports(const ZeroSumGame& game, const PlayerVectors& probabilities) {
  std::vector<std::vector<char>> played;
  for (const Eigen::VectorXd& score : ActiveSetScores(game, probabilities)) {
    std::vector<char> flags(score.size());
    for (Eigen::Index a = 0; a < score.size(); ++a) flags[a] = score[a] > 0;
    played.push_back(std::move(flags));
  }
  return played;
}

// The `count` highest-scoring actions, in increasing order.
std::vector<int> TopActions(const Eigen::VectorXd& score, int count) {
  std::vector<int> order(score.size());
  std::iota(order.begin(), order.end(), 0);
  count = std::min<int>(count, static_cast<int>(order.size()));
  std::partial_sort(order.begin(), order.begin() + count, order.end(),
                    [&](int a, int b) { return score[a] > score[b]; });
  order.resize(count);
  std::sort(order.begin(), order.end());
  return order;
}

// The game restricted to `actions` per player (one list in self-play), as a game of its own.
ZeroSumGame RestrictedGame(const ZeroSumGame& game, const std::vector<std::vector<int>>& actions) {
  if (game.symmetric()) {
    // A principal submatrix of a skew A is skew: its preference matrix is A_CC + 1/2.
    return ZeroSumGame::FromPreferences(PreferenceGame((game.payoff()(actions[0], actions[0]).array() + 0.5).matrix()));
  }
  return ZeroSumGame::FromPayoff(game.payoff()(actions[0], actions[1]));
}

// `candidate` as a polishing answer if its duality gap in the full game is <= gap_tolerance; `how` is
// formatted only then (most candidates fail their certificate).
std::optional<PolishResult> Certified(const ZeroSumGame& game, PlayerVectors candidate, double gap_tolerance,
                                      const std::function<std::string()>& how) {
  const double gap = DualityGap(game, candidate);
  if (!(gap <= gap_tolerance)) return std::nullopt;
  PolishResult result{std::move(candidate), gap, {}, how()};
  for (const auto& p : result.probabilities) result.support.push_back(Support(p, 0.0));
  return result;
}

}  // namespace

std::string SupportSizes(const std::vector<std::vector<int>>& support) {
  std::vector<size_t> sizes;
  for (const auto& s : support) sizes.push_back(s.size());
  return fmt::format("{}", fmt::join(sizes, "×"));
}

std::optional<PolishResult> PolishOnSupport(const ZeroSumGame& game, const PlayerVectors& probabilities,
                                            double gap_tolerance, int max_support,
                                            std::set<std::vector<std::vector<int>>>& tried, double* work,
                                            int max_restricted_lp_actions) {
  // Every new candidate's equalizer first (a small least-squares solve), then the restricted LPs (a
  // simplex each, serialized across threads by GLPK's global state) only if none of them certified.
  std::vector<size_t> restricted;  // the threshold candidates that qualify for a restricted LP
  const std::vector<std::vector<std::vector<int>>> candidates = CandidateSupports(probabilities);
  for (size_t k = 0; k < candidates.size(); ++k) {
    const auto& support = candidates[k];
    if (support[0].empty() || support.back().empty()) continue;
    if (static_cast<int>(std::max(support[0].size(), support.back().size())) > max_support) continue;
    if (!tried.insert(support).second) continue;
    if (work != nullptr) {
      const double k = static_cast<double>(std::max(support[0].size(), support.back().size()));
      *work += 2 * k * k * k;  // the equalizer's factorization, and the restricted LP at most as much
    }
    if (const auto candidate = EqualizerOnSupport(game, probabilities, support)) {
      if (auto result = Certified(game, std::move(*candidate), gap_tolerance,
                                  [&] { return fmt::format("equalizer on {} actions", SupportSizes(support)); })) {
        return result;
      }
    }
    // A threshold candidate usually contains the equilibrium's support before it equals it (an unplayed
    // action whose margin is tiny fades slowly). The exact equilibrium of the game restricted to it is
    // then an equilibrium of the whole game, which the certificate confirms.
    const bool small =
        std::max(support[0].size(), support.back().size()) <= static_cast<size_t>(max_restricted_lp_actions);
    if (k < std::size(kThresholds) && ProperSubset(game, support) && small) {
      restricted.push_back(k);
    }
  }
  for (size_t k : restricted) {
    if (auto candidate = RestrictedGameEquilibrium(game, candidates[k])) {
      if (auto result = Certified(game, std::move(*candidate), gap_tolerance, [&] {
            return fmt::format("restricted LP on {} candidate actions", SupportSizes(candidates[k]));
          })) {
        return result;
      }
    }
  }
  return std::nullopt;
}

std::optional<PolishResult> CrossoverOnIterate(const ZeroSumGame& game, const PlayerVectors& probabilities,
                                               double gap_tolerance, int max_pivots, int* pivots) {
  const std::vector<std::vector<char>> played = GuessSupports(game, probabilities);
  // The equalizer on the guess first: one factorization, and exact when the guess is.
  std::vector<std::vector<int>> support(played.size());
  for (size_t p = 0; p < played.size(); ++p) {
    for (size_t a = 0; a < played[p].size(); ++a) {
      if (played[p][a]) support[p].push_back(static_cast<int>(a));
    }
  }
  if (!support[0].empty() && !support.back().empty()) {
    if (auto candidate = EqualizerOnSupport(game, probabilities, support)) {
      if (auto result = Certified(game, std::move(*candidate), gap_tolerance, [&] {
            return fmt::format("equalizer on a guessed support of {} actions", SupportSizes(support));
          })) {
        if (pivots != nullptr) *pivots = 0;
        return result;
      }
    }
  }
  // Otherwise the simplex from the guess's basis.
  if (max_pivots <= 0) {
    if (pivots != nullptr) *pivots = 0;
    return std::nullopt;
  }
  const std::vector<char>& rows = played[0];
  const std::vector<char>& columns = played.back();
  int spent = 0, player_pivots = 0;
  PlayerVectors candidate;
  if (auto x = CrossoverMaximinClp(game.payoff(), rows, columns, max_pivots, &player_pivots)) {
    candidate.push_back(std::move(*x));
  }
  spent += player_pivots;
  if (!game.symmetric() && !candidate.empty()) {
    // The column player's maximin strategy is the row player's of −Aᵀ.
    if (auto y = CrossoverMaximinClp(-game.payoff().transpose(), columns, rows, max_pivots, &player_pivots)) {
      candidate.push_back(std::move(*y));
    }
    spent += player_pivots;
  }
  if (pivots != nullptr) *pivots = spent;
  if (static_cast<int>(candidate.size()) != game.num_players()) return std::nullopt;
  return Certified(game, std::move(candidate), gap_tolerance, [&] {
    return fmt::format("crossover: CLP dual simplex, {} pivots from the iterate's basis", spent);
  });
}

std::optional<PolishResult> RestrictedInteriorPoint(const ZeroSumGame& game, const PlayerVectors& probabilities,
                                                    double gap_tolerance) {
  constexpr int kRounds = 4;
  // The guessed support and, beyond it, a tenth as many of the unplayed actions nearest to joining: an
  // interior point solve costs the cube of the candidates, not of the game.
  const PlayerVectors scores = ActiveSetScores(game, probabilities);
  std::vector<std::vector<int>> candidates;
  for (const Eigen::VectorXd& score : scores) {
    const int played = static_cast<int>((score.array() > 0).count());
    candidates.push_back(TopActions(score, played + played / 10 + 16));
  }
  SolveOptions options;
  options.gap_tolerance = gap_tolerance / 4;
  options.max_iterations = 200;
  for (int round = 0; round < kRounds; ++round) {
    if (!ProperSubset(game, candidates)) return std::nullopt;
    const ZeroSumGame restricted_game = RestrictedGame(game, candidates);
    const SolveResult restricted = SolveInteriorPoint(restricted_game, {}, options);
    if (restricted.termination != Termination::kConverged) return std::nullopt;
    // The exact answer on its support where the iterations stopped short of polishing.
    PlayerVectors on_candidates = restricted.policy;
    if (!restricted.polished) {
      if (auto exact = CrossoverOnIterate(restricted_game, restricted.policy, options.gap_tolerance, 0)) {
        on_candidates = std::move(exact->probabilities);
      }
    }
    PlayerVectors candidate;
    for (int p = 0; p < game.num_players(); ++p) {
      candidate.push_back(Pad(on_candidates[p], candidates[p], game.num_actions(p)));
    }
    if (auto result = Certified(game, candidate, gap_tolerance, [&] {
          return fmt::format("interior point on {} candidate actions, round {}", SupportSizes(candidates), round + 1);
        })) {
      return result;
    }
    // Actions outside the candidates that beat the restricted equilibrium join them.
    const PlayerVectors payoffs = game.Payoffs(candidate);
    bool grew = false;
    for (int p = 0; p < game.num_players(); ++p) {
      const double value = payoffs[p].dot(candidate[p]);
      std::vector<char> member(game.num_actions(p), 0);
      for (int a : candidates[p]) member[a] = 1;
      for (int a = 0; a < game.num_actions(p); ++a) {
        if (!member[a] && payoffs[p][a] > value) {
          candidates[p].push_back(a);
          grew = true;
        }
      }
      std::sort(candidates[p].begin(), candidates[p].end());
    }
    if (!grew) return std::nullopt;
  }
  return std::nullopt;
}

Polisher::Polisher(const ZeroSumGame& game, double gap_tolerance, int max_support, const PolishSchedule& schedule)
    : game_(game),
      gap_tolerance_(gap_tolerance),
      max_support_(max_support),
      schedule_(schedule),
      iteration_work_(2.0 * schedule.products_per_iteration * game.num_actions(0) *
                      game.num_actions(game.num_players() - 1)),
      next_crossover_gap_(schedule.crossover_gap) {}

std::optional<PolishResult> Polisher::TryAt(std::int64_t t, double gap,
                                            const std::function<PlayerVectors()>& probabilities) {
  if (t <= 0 || t % schedule_.interval != 0) return std::nullopt;
  std::optional<PlayerVectors> iterate;
  if (gap <= schedule_.polish_gap && work_ <= 1e8 + schedule_.share * iteration_work_ * static_cast<double>(t)) {
    iterate = probabilities();
    if (auto result = PolishOnSupport(game_, *iterate, gap_tolerance_, max_support_, tried_, &work_,
                                      schedule_.max_restricted_lp_actions)) {
      return result;
    }
  }
  if (!(gap <= next_crossover_gap_)) return std::nullopt;
  next_crossover_gap_ = gap / 4;
  if (!iterate) iterate = probabilities();
  return Crossover(*iterate, gap <= schedule_.simplex_gap);
}

std::optional<PolishResult> Polisher::Finish(const PlayerVectors& probabilities) {
  return Crossover(probabilities, true);
}

std::optional<PolishResult> Polisher::Crossover(const PlayerVectors& probabilities, bool simplex) const {
  const int actions = std::max(game_.num_actions(0), game_.num_actions(game_.num_players() - 1));
  if (schedule_.crossover_gap <= 0) return std::nullopt;
  if (actions > schedule_.crossover_max_actions) {
    // The equalizer on the guess (one factorization), then the interior point on the candidates.
    if (auto result = CrossoverOnIterate(game_, probabilities, gap_tolerance_, 0)) return result;
    if (!schedule_.restricted_interior_point) return std::nullopt;
    return RestrictedInteriorPoint(game_, probabilities, gap_tolerance_);
  }
  // A pivot budget that covers a guess some actions off (a few dozen pivots, docs/benchmarks.md) with room
  // for degenerate ones, but stops a guess that is far off: the iterations are cheaper then.
  return CrossoverOnIterate(game_, probabilities, gap_tolerance_, simplex ? 100 + actions / 2 : 0);
}

}  // namespace nlhf
