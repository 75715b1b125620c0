#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "nlhf/error.h"
#include "nlhf/metrics.h"
#include "nlhf/registry.h"
#include "nlhf/solver.h"
#include "solvers/iterate.h"
#include "solvers/stopping_rules.h"

namespace nlhf {
namespace {

double L1Distance(const PlayerVectors& a, const PlayerVectors& b) {
  double distance = 0;
  for (size_t p = 0; p < a.size(); ++p) distance += (a[p] - b[p]).lpNorm<1>();
  return distance;
}

bool AllFinite(const PlayerVectors& log_policy) {
  for (const auto& l : log_policy) {
    // −inf is a legitimate log-probability only for the average of methods that start with zeros;
    // NaN or +inf never are.
    if (l.hasNaN() || (l.array() == std::numeric_limits<double>::infinity()).any()) return false;
  }
  return true;
}

// An IterativeMethod with the products the driver computes for it. Payoffs of the last iterate are what
// the next Step needs; for a method that returns its last iterate they are also the gap, so each
// iteration costs one product per player.
class MethodIterate final : public internal::Iterate {
 public:
  MethodIterate(const ZeroSumGame& game, IterativeMethod& method, const PlayerVectors& initial_log_policy)
      : game_(game), method_(method) {
    method_.Reset(game, initial_log_policy);
    current_ = ToProbabilities(method_.CurrentLogPolicy());
    payoffs_ = game_.Payoffs(current_);
    returned_ = method_.ReturnsAverage() ? ToProbabilities(method_.ReturnedLogPolicy()) : current_;
    gap_ = ReturnedGap();
  }

  void Step() override {
    method_.Step(game_, payoffs_);
    current_ = ToProbabilities(method_.CurrentLogPolicy());
    payoffs_ = game_.Payoffs(current_);
    PlayerVectors next = method_.ReturnsAverage() ? ToProbabilities(method_.ReturnedLogPolicy()) : current_;
    l1_change_ = L1Distance(next, returned_);
    returned_ = std::move(next);
    gap_ = ReturnedGap();
  }

  double gap() const override { return gap_; }
  bool finite() const override { return AllFinite(method_.CurrentLogPolicy()); }
  double min_log_probability() const override { return MinEntry(method_.CurrentLogPolicy()); }
  double l1_change() const override { return l1_change_; }
  PlayerVectors returned_probabilities() const override { return returned_; }
  PlayerVectors returned_log_policy() const override { return method_.ReturnedLogPolicy(); }
  PlayerVectors current_log_policy() const override { return method_.CurrentLogPolicy(); }
  // The regularized gap costs an extra product, so it is computed only where it is reported.
  double regularized_gap() const override {
    const Regularization* regularization = method_.regularization();
    if (regularization == nullptr) return internal::Iterate::regularized_gap();
    return RegularizedDualityGap(game_, returned_, regularization->beta, regularization->reference_log_policy);
  }

 private:
  double ReturnedGap() const {
    return method_.ReturnsAverage() ? DualityGap(game_, returned_) : DualityGapFromPayoffs(payoffs_);
  }

  const ZeroSumGame& game_;
  IterativeMethod& method_;
  PlayerVectors current_, payoffs_, returned_;
  double gap_ = 0;
  double l1_change_ = 0;
};

}  // namespace

std::string SolveOptions::Validate() const {
  if (max_iterations < 0) {
    return fmt::format("max_iterations = {}. Violated constraint: max_iterations >= 0", max_iterations);
  }
  if (!(gap_tolerance >= 0)) {
    return fmt::format("gap_tolerance = {}. Violated constraint: gap_tolerance >= 0", gap_tolerance);
  }
  if (!(max_time_in_seconds > 0)) {
    return fmt::format("max_time_in_seconds = {}. Violated constraint: max_time_in_seconds > 0",
                       max_time_in_seconds);
  }
  if (polish_max_support < 1) {
    return fmt::format("polish_max_support = {}. Violated constraint: polish_max_support >= 1", polish_max_support);
  }
  if (polish_interval <= 0) {
    return fmt::format("polish_interval = {}. Violated constraint: polish_interval > 0", polish_interval);
  }
  if (trace_interval < 0) {
    return fmt::format("trace_interval = {}. Violated constraint: trace_interval >= 0", trace_interval);
  }
  if (!(support_threshold >= 0 && support_threshold < 1)) {
    return fmt::format("support_threshold = {}. Violated constraint: 0 <= support_threshold < 1",
                       support_threshold);
  }
  return "";
}

PlayerVectors GivenOrUniformLogPolicies(const ZeroSumGame& game, const PlayerVectors& given, const char* what) {
  PlayerVectors log_policy;
  for (int p = 0; p < game.num_players(); ++p) {
    const int n = game.num_actions(p);
    if (given.empty()) {
      log_policy.push_back(UniformLogPolicy(n));
      continue;
    }
    const Eigen::VectorXd& vector = given[std::min<size_t>(p, given.size() - 1)];
    if (vector.size() != n) {
      throw InvalidArgument(fmt::format("{}: {} log-probabilities for player {} with {} actions: give exactly "
                                        "one per action", what, vector.size(), p + 1, n));
    }
    for (int a = 0; a < n; ++a) {
      if (!std::isfinite(vector[a])) {
        throw InvalidArgument(fmt::format("{}: log-probability of action {} is {}: it must be finite (an "
                                          "action at −inf could never recover)", what, a, vector[a]));
      }
    }
    Eigen::VectorXd normalized = vector;
    NormalizeLogPolicy(normalized);
    log_policy.push_back(std::move(normalized));
  }
  return log_policy;
}

PlayerVectors ExactLogPolicies(const ZeroSumGame& game, double mixing) {
  if (!(mixing > 0 && mixing <= 1)) {
    throw InvalidArgument(fmt::format("initial policy 'exact:{}': the share of the uniform policy must be in (0, 1]",
                                      mixing));
  }
  // The default's exact solver for this size: the interior point method where the default would run OMWU.
  std::string algorithm = DefaultAlgorithm(game).name;
  if (algorithm == "omwu") algorithm = "ipm";
  SolveOptions exact;
  exact.gap_tolerance = 1e-9 * std::max(1.0, game.payoff_scale());
  const SolveResult answer = SolveWith(algorithm, game, exact, {});
  if (!answer.converged()) {
    throw InvalidArgument(fmt::format("initial policy 'exact': {} did not certify an equilibrium to start from "
                                      "(best gap {:.3g}, {})", algorithm, answer.duality_gap, answer.message));
  }
  PlayerVectors log_policy;
  for (const Eigen::VectorXd& pi : answer.policy) {
    const auto n = static_cast<double>(pi.size());
    log_policy.push_back(((1 - mixing) * pi.array() + mixing / n).log().matrix());
  }
  return GivenOrUniformLogPolicies(game, log_policy, "initial policy");
}

PlayerVectors InitialLogPolicies(const ZeroSumGame& game, const InitialPolicy& initial) {
  switch (initial.kind) {
    case InitialPolicy::Kind::kUniform:
      return GivenOrUniformLogPolicies(game, {}, "initial policy");
    case InitialPolicy::Kind::kRandom: {
      PlayerVectors log_policy;
      // The column player draws from the next seed so that the two players start apart.
      for (int p = 0; p < game.num_players(); ++p) {
        log_policy.push_back(RandomLogPolicy(game.num_actions(p), initial.seed + static_cast<std::uint64_t>(p)));
      }
      return log_policy;
    }
    case InitialPolicy::Kind::kGiven:
      if (initial.log_policy.empty()) throw InvalidArgument("initial policy: no log-probabilities given");
      return GivenOrUniformLogPolicies(game, initial.log_policy, "initial policy");
    case InitialPolicy::Kind::kExact:
      return ExactLogPolicies(game, initial.exact_mixing);
  }
  throw InvalidArgument("initial policy: unknown kind");
}

void SetFinalProbabilities(const ZeroSumGame& game, const PlayerVectors& probabilities,
                           double support_threshold, SolveResult& result) {
  result.policy = probabilities;
  result.log_policy = ToLogPolicy(probabilities);
  result.support.clear();
  for (const auto& p : result.policy) result.support.push_back(Support(p, support_threshold));
  result.duality_gap = DualityGap(game, result.policy);
}

SolveResult Solve(const ZeroSumGame& game, IterativeMethod& method, const SolveOptions& options,
                  const std::string& algorithm) {
  const internal::StoppingRules rules(options);
  MethodIterate iterate(game, method, InitialLogPolicies(game, options.initial));
  SolveResult result = internal::RunIterations(game, iterate, options, rules);
  result.algorithm = algorithm;
  result.returns_average = method.ReturnsAverage();
  return result;
}

}  // namespace nlhf
