// Solving a game: the options every solver shares, the result it returns with its certificate, and the
// one driver that runs every iterative method the same way.
//
// Each iterative method implements a single update (IterativeMethod::Step); Solve() owns the loop, the
// stopping tests, the duality-gap certificate, the trace and the timing, so that all methods are
// measured identically.
#ifndef NLHF_SOLVER_H_
#define NLHF_SOLVER_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "nlhf/enum_names.h"
#include "nlhf/game.h"
#include "nlhf/kernels/skew_operator.h"
#include "nlhf/policy.h"

namespace nlhf {

struct InitialPolicy {
  enum class Kind {
    kUniform,  // every action 1/n
    kRandom,   // standard-normal logits drawn from `seed`
    kGiven,    // `log_policy` (normalized before use; may hold values like −5000)
    // The equilibrium an exact solver finds (the interior point method below 1,000 actions for the smaller
    // player, restarted PDHG from there or for operator games; certified), mixed with `exact_mixing` of the
    // uniform policy: OMWU warm-started next to the answer, every log-probability finite (an action at
    // probability 0 could never come back).
    kExact,
  };
  Kind kind = Kind::kUniform;
  std::uint64_t seed = 0;
  double exact_mixing = 1e-6;  // for kExact, in (0, 1]
  // For kGiven: one log-policy per player (one in self-play, row and column otherwise). A single
  // vector is used for both players of a square two-player game.
  PlayerVectors log_policy;
};

struct TraceRecord;

// Stopping, tracing and reporting options shared by all solvers. Each method's own parameters (step
// size, ...) live in the algorithm registry.
struct SolveOptions {
  // The solver stops after this many updates (iteration 0 is the initial policy).
  std::int64_t max_iterations = 1000000;
  // Converged when the duality gap of the returned policy, in the original game, is <= gap_tolerance.
  double gap_tolerance = 1e-9;
  // Stops when the wall-clock time spent exceeds this (checked every iteration).
  double max_time_in_seconds = std::numeric_limits<double>::infinity();
  // A trace record every trace_interval iterations (and at the first and last); 0 records none.
  std::int64_t trace_interval = 0;
  // Trace records also hold the last iterate's whole log-policy (to watch single actions, e.g. one
  // climbing back from −5000); costs O(n) memory per record.
  bool trace_log_policy = false;
  // Actions with probability > support_threshold are reported as the support.
  double support_threshold = 1e-6;
  // Every polish_interval iterations, try the equalizer system on the iterate's settled support
  // (nlhf/polish.h) and stop if that answer's gap in the full game is <= gap_tolerance. Off by default
  // in the library so that a method's own trajectory is what gets measured; `nlhf solve` turns it on.
  bool polish = false;
  std::int64_t polish_interval = 10;
  // Candidate supports with more actions than this (per player) are not tried: their dense solves cost
  // O(k³) and would dwarf the iterations.
  int polish_max_support = 4096;
  InitialPolicy initial;
  // How the fused OMWU path stores A (symmetric games): f32 halves the bytes read per iteration at the
  // cost of the attainable gap; the layout defaults by size (DefaultLayout).
  Storage storage = Storage::kF64;
  std::optional<Layout> layout;
  // π_ref of the regularized methods: one log-policy per player (a single one serves both players of a
  // square game); empty means uniform. Normalized before use.
  PlayerVectors reference_log_policy;
  // Called after every iteration (and at iteration 0) with that iteration's record (its
  // regularized_gap and log_policy left empty); returning false stops the solve (kCallbackStop).
  std::function<bool(const TraceRecord&)> callback;

  // Empty when valid; otherwise "max_iterations = -1. Violated constraint: max_iterations >= 0".
  std::string Validate() const;
};

enum class Termination {
  kNotRun,            // the result was never filled in
  kConverged,         // duality gap <= gap_tolerance
  kMaxIterations,     // iterations == max_iterations with gap > gap_tolerance
  kTimeLimit,         // seconds > max_time_in_seconds with gap > gap_tolerance
  kNumericalFailure,  // a policy or the gap became NaN or infinite, or an exact solve came back inexact
  kCallbackStop,      // SolveOptions::callback returned false
};

inline constexpr EnumNames<Termination, 6> kTerminationNames{{
    {Termination::kNotRun, "not_run"},
    {Termination::kConverged, "converged"},
    {Termination::kMaxIterations, "max_iterations"},
    {Termination::kTimeLimit, "time_limit"},
    {Termination::kNumericalFailure, "numerical_failure"},
    {Termination::kCallbackStop, "callback_stop"},
}};
inline const char* TerminationName(Termination termination) { return NameOf(kTerminationNames, termination); }

struct TraceRecord {
  std::int64_t iteration = 0;
  double duality_gap = 0;           // of the returned iterate (last, or the average for averaging methods)
  double min_log_probability = 0;   // smallest log π_t(a) over actions and players (of the last iterate)
  double l1_change = 0;             // Σ_players ‖π_t − π_{t−1}‖₁ of the returned iterate; 0 at t = 0
  // Gap of the returned iterate in the β-regularized game the method solves; NaN for unregularized ones.
  double regularized_gap = std::numeric_limits<double>::quiet_NaN();
  PlayerVectors log_policy;         // the last iterate, only with SolveOptions::trace_log_policy
};

struct SolveResult {
  std::string algorithm;  // replayable spec, e.g. "omwu(eta=1)"
  Termination termination = Termination::kNotRun;
  std::string message;    // the test that stopped it, with values: "gap 9.7e-10 <= 1e-09"
  std::int64_t iterations = -1;
  double duality_gap = std::numeric_limits<double>::quiet_NaN();  // of `policy`, in the original game
  // Of `policy` in the β-regularized game, for methods that solve one (NaN otherwise); their
  // `duality_gap` plateaus at the regularization bias while this one goes to 0.
  double regularized_gap = std::numeric_limits<double>::quiet_NaN();
  double seconds = 0;
  bool returns_average = false;  // `policy` is the average iterate rather than the last
  bool polished = false;         // `policy` solves the equalizer system on the iterate's support
  PlayerVectors policy;          // one per player: self-play {π}, two-player {x, y}
  PlayerVectors log_policy;      // log of `policy` (−inf where a probability is exactly 0)
  std::vector<std::vector<int>> support;  // per player, 0-based actions with probability > threshold
  std::vector<TraceRecord> trace;

  bool converged() const { return termination == Termination::kConverged; }
  // One line: "omwu(eta=1): converged after 412 iterations, duality gap 8.1e-10 (gap 8.1e-10 <= 1e-09)".
  std::string BriefReport() const;
};

// The β-regularized game max_x min_y xᵀAy − β KL(x‖π_ref) + β KL(y‖π_ref) that regularized methods
// (Nash-MD, online IPO, MMD, EGPO with β > 0) converge to instead of the original one.
struct Regularization {
  double beta = 0;                    // β > 0
  PlayerVectors reference_log_policy;  // log π_ref, one per player
};

// One update rule. Implementations keep log-policies and update them in log space.
class IterativeMethod {
 public:
  virtual ~IterativeMethod() = default;
  // Starts from normalized initial log-policies, one per player of `game`.
  virtual void Reset(const ZeroSumGame& game, const PlayerVectors& initial_log_policy) = 0;
  // One update. `payoffs` = game.Payoffs(probabilities of CurrentLogPolicy()): the driver computes
  // them for the certificate anyway, so a method needing only the current payoffs costs one
  // matrix–vector product per player per iteration.
  virtual void Step(const ZeroSumGame& game, const PlayerVectors& payoffs) = 0;
  // The last iterate.
  virtual const PlayerVectors& CurrentLogPolicy() const = 0;
  // The iterate the method answers with: the last iterate unless it averages.
  virtual const PlayerVectors& ReturnedLogPolicy() const { return CurrentLogPolicy(); }
  virtual bool ReturnsAverage() const { return false; }
  // The regularized game the method converges to, or nullptr for methods aimed at the original game.
  virtual const Regularization* regularization() const { return nullptr; }
};

// Builds the initial log-policies that `options.initial` describes for `game`; throws InvalidArgument
// when a given policy has the wrong length or a non-finite entry.
PlayerVectors InitialLogPolicies(const ZeroSumGame& game, const InitialPolicy& initial);

// Normalized copies of `given` (one per player, or one used for both players), or uniform ones when
// `given` is empty. Throws InvalidArgument "<what>: ..." on a wrong length or a non-finite entry.
PlayerVectors GivenOrUniformLogPolicies(const ZeroSumGame& game, const PlayerVectors& given, const char* what);

// Runs `method` on `game` until one of the stopping tests of `options` holds. Throws InvalidArgument
// when options.Validate() fails. `algorithm` is copied into the result.
SolveResult Solve(const ZeroSumGame& game,
                  IterativeMethod& method,
                  const SolveOptions& options,
                  const std::string& algorithm);

// Fills policy, log_policy, support and duality_gap of `result` from a final profile of probabilities
// (the solve loop's answer, exact and polished answers, which may hold exact zeros).
void SetFinalProbabilities(const ZeroSumGame& game,
                           const PlayerVectors& probabilities,
                           double support_threshold,
                           SolveResult& result);

}  // namespace nlhf

#endif  // NLHF_SOLVER_H_
