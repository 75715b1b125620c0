#include "nlhf/solvers/pdhg.h"

#include <cmath>
#include <limits>
#include <memory>
#include <utility>

#include "nlhf/kernels/skew_operator.h"
#include "solvers/iterate.h"

namespace nlhf {
namespace {

// y ↦ Ay and x ↦ Aᵀx.
class PayoffProducts {
 public:
  virtual ~PayoffProducts() = default;
  virtual void Times(const Eigen::VectorXd& y, Eigen::VectorXd& out) const = 0;
  virtual void TransposeTimes(const Eigen::VectorXd& x, Eigen::VectorXd& out) const = 0;
};

// A preference game's skew A through an operator (the game's own, or a SkewOperator in the storage and
// layout SolveOptions ask for): Aᵀx = −Ax.
class SkewProducts final : public PayoffProducts {
 public:
  explicit SkewProducts(std::shared_ptr<const SkewPayoffOperator> a) : operator_(std::move(a)) {}
  void Times(const Eigen::VectorXd& y, Eigen::VectorXd& out) const override {
    out.resize(y.size());
    operator_->Multiply(y.data(), out.data());
  }
  void TransposeTimes(const Eigen::VectorXd& x, Eigen::VectorXd& out) const override {
    Times(x, out);
    out = -out;
  }

 private:
  std::shared_ptr<const SkewPayoffOperator> operator_;
};

class DenseProducts final : public PayoffProducts {
 public:
  explicit DenseProducts(const Eigen::MatrixXd& a) : a_(a) {}
  void Times(const Eigen::VectorXd& y, Eigen::VectorXd& out) const override { out.noalias() = a_ * y; }
  void TransposeTimes(const Eigen::VectorXd& x, Eigen::VectorXd& out) const override {
    out.noalias() = a_.transpose() * x;
  }

 private:
  const Eigen::MatrixXd& a_;
};

// ‖A‖₂ by power iteration on AᵀA from a fixed, dense start (deterministic): a lower bound that the step
// size's margin covers.
double SpectralNorm(const PayoffProducts& products, int columns) {
  Eigen::VectorXd v = Eigen::VectorXd::LinSpaced(columns, 1.0, 2.0).normalized(), av, atav;
  double norm = 0;
  for (int k = 0; k < 60; ++k) {
    products.Times(v, av);
    products.TransposeTimes(av, atav);
    const double length = atav.norm();
    if (!(length > 0)) return 0;
    norm = std::sqrt(length);
    v = atav / length;
  }
  return norm;
}

// A point of the game with its products: z = (x, y), Aᵀx (the column player's payoffs to each column,
// which y minimizes) and Ay (the row player's, which x maximizes).
struct Point {
  Eigen::VectorXd x, y, column_payoffs, row_payoffs;

  // max_i (Ay)_i − min_j (Aᵀx)_j: zero exactly at an equilibrium.
  double PairGap() const { return row_payoffs.maxCoeff() - column_payoffs.minCoeff(); }
};

class PdhgIterate final : public internal::Iterate {
 public:
  PdhgIterate(const ZeroSumGame& game, const PayoffProducts& products, const PdhgOptions& method,
              const PlayerVectors& start)
      : symmetric_(game.symmetric()),
        products_(products),
        method_(method),
        payoff_scale_(game.payoff_scale()) {
    const double norm = SpectralNorm(products, game.num_actions(game.num_players() - 1));
    // A zero game: any step is stable (and every point an equilibrium).
    step_ = norm > 0 ? method.step_scale / norm : 1.0;
    current_.x = ProjectOntoSimplex(ToProbabilities(start[0]));
    current_.y = ProjectOntoSimplex(ToProbabilities(start.back()));
    Evaluate(current_);
    anchor_ = current_;
    anchor_gap_ = current_.PairGap();
    ResetAverage();
    Choose(nullptr);
  }

  void Step() override {
    const Point previous = current_;
    // x ascends on Ay; y descends on Aᵀ(2x_{k+1} − x_k) = 2·Aᵀx_{k+1} − Aᵀx_k (no third product).
    current_.x = ProjectOntoSimplex(previous.x + (step_ / primal_weight_) * previous.row_payoffs);
    products_.TransposeTimes(current_.x, current_.column_payoffs);
    const Eigen::VectorXd extrapolated = 2.0 * current_.column_payoffs - previous.column_payoffs;
    current_.y = ProjectOntoSimplex(previous.y - (step_ * primal_weight_) * extrapolated);
    products_.Times(current_.y, current_.row_payoffs);
    l1_change_ = (current_.x - previous.x).lpNorm<1>() + (symmetric_ ? 0.0 : (current_.y - previous.y).lpNorm<1>());
    ++iterations_;
    Accumulate(current_);
    const Point average = Average();
    const bool restarted = MaybeRestart(average);
    Choose(restarted ? nullptr : &average);  // a restart empties the epoch
  }

  double gap() const override { return gap_; }
  bool finite() const override { return std::isfinite(current_.PairGap()); }
  double min_log_probability() const override { return std::log(MinEntry(Current())); }
  double l1_change() const override { return l1_change_; }
  // Finishing on the identified support is half of this method (the iterations find the support, the
  // corrected equalizer the exact answer), so polishing may spend as much as the iterations; its exact
  // zeros make GLPK's restricted LP unnecessary past a small size.
  void AdjustPolishing(PolishSchedule& schedule) const override {
    schedule.products_per_iteration = 2;
    schedule.share = 0.1;
    schedule.max_restricted_lp_actions = 200;
    schedule.crossover_gap = method_.crossover_gap * payoff_scale_;
  }
  PlayerVectors returned_probabilities() const override { return returned_; }
  PlayerVectors returned_log_policy() const override { return ToLogPolicy(returned_); }
  PlayerVectors current_log_policy() const override { return ToLogPolicy(Current()); }

 private:
  // The current iterate as the game's players see it: x alone in self-play.
  PlayerVectors Current() const {
    return symmetric_ ? PlayerVectors{current_.x} : PlayerVectors{current_.x, current_.y};
  }

  void Evaluate(Point& point) const {
    products_.TransposeTimes(point.x, point.column_payoffs);
    products_.Times(point.y, point.row_payoffs);
  }

  void ResetAverage() {
    sum_ = Point{Eigen::VectorXd::Zero(current_.x.size()), Eigen::VectorXd::Zero(current_.y.size()),
                 Eigen::VectorXd::Zero(current_.column_payoffs.size()), Eigen::VectorXd::Zero(current_.row_payoffs.size())};
    epoch_length_ = 0;
  }

  void Accumulate(const Point& point) {
    sum_.x += point.x;
    sum_.y += point.y;
    sum_.column_payoffs += point.column_payoffs;
    sum_.row_payoffs += point.row_payoffs;
    ++epoch_length_;
  }

  Point Average() const {
    const double w = 1.0 / static_cast<double>(epoch_length_);
    return {w * sum_.x, w * sum_.y, w * sum_.column_payoffs, w * sum_.row_payoffs};
  }

  // PDLP's restart scheme on the plain duality gap; on restart, the primal weight update. Returns whether
  // it restarted.
  bool MaybeRestart(const Point& average) {
    const double average_gap = average.PairGap(), current_gap = current_.PairGap();
    const bool average_wins = average_gap < current_gap;
    const double candidate_gap = average_wins ? average_gap : current_gap;
    const bool restart = candidate_gap <= method_.sufficient_decay * anchor_gap_ ||
                         (candidate_gap <= method_.necessary_decay * anchor_gap_ && candidate_gap > last_candidate_gap_) ||
                         static_cast<double>(epoch_length_) >= method_.artificial_restart * static_cast<double>(iterations_);
    last_candidate_gap_ = candidate_gap;
    if (!restart) return false;
    if (average_wins) current_ = average;
    const double dx = (current_.x - anchor_.x).norm(), dy = (current_.y - anchor_.y).norm();
    if (dx > 1e-10 && dy > 1e-10) {
      const double theta = method_.primal_weight_smoothing;
      primal_weight_ = std::exp(theta * std::log(dy / dx) + (1 - theta) * std::log(primal_weight_));
    }
    anchor_ = current_;
    anchor_gap_ = candidate_gap;
    last_candidate_gap_ = std::numeric_limits<double>::infinity();
    ResetAverage();
    return true;
  }

  // The answer: in self-play the policy among x, y, their epoch averages and midpoints whose gap
  // 2·max(Aπ) is smallest (Aπ = −Aᵀπ: both products serve); otherwise the better of the current pair and
  // the average pair. `average` is null when the epoch is empty.
  void Choose(const Point* average) {
    gap_ = std::numeric_limits<double>::infinity();
    const auto consider = [&](double gap, PlayerVectors policy) {
      if (gap < gap_) {
        gap_ = gap;
        returned_ = std::move(policy);
      }
    };
    for (const Point* p : {static_cast<const Point*>(&current_), average}) {
      if (p == nullptr) continue;
      if (!symmetric_) {
        consider(p->PairGap(), {p->x, p->y});
        continue;
      }
      consider(-2 * p->column_payoffs.minCoeff(), {p->x});                              // A x = −Aᵀx
      consider(2 * p->row_payoffs.maxCoeff(), {p->y});                                  // A y
      consider((p->row_payoffs - p->column_payoffs).maxCoeff(), {0.5 * (p->x + p->y)});  // 2·max(A (x + y)/2)
    }
  }

  const bool symmetric_;
  const PayoffProducts& products_;
  const PdhgOptions method_;
  const double payoff_scale_;  // max |A_ij|
  double step_ = 1;
  double primal_weight_ = 1;
  Point current_, anchor_, sum_;
  double anchor_gap_ = 0;
  double last_candidate_gap_ = std::numeric_limits<double>::infinity();
  std::int64_t epoch_length_ = 0, iterations_ = 0;
  double gap_ = 0, l1_change_ = 0;
  PlayerVectors returned_;
};

}  // namespace

SolveResult SolvePdhg(const ZeroSumGame& game, const PdhgOptions& method, const SolveOptions& options) {
  const internal::StoppingRules rules(options);
  std::unique_ptr<PayoffProducts> products;
  if (!game.has_dense_payoff()) {
    products = std::make_unique<SkewProducts>(game.shared_skew_operator());
  } else if (game.symmetric()) {
    const int n = game.num_actions(0);
    products = std::make_unique<SkewProducts>(
        std::make_shared<const SkewOperator>(game.payoff(), options.storage, options.layout.value_or(DefaultLayout(n))));
  } else {
    products = std::make_unique<DenseProducts>(game.payoff());
  }
  PdhgIterate iterate(game, *products, method, InitialLogPolicies(game, options.initial));
  return internal::RunIterations(game, iterate, options, rules);
}

}  // namespace nlhf
