// The claims of an experiment file judged on what its runs measured: on the medians of each group, and
// run by run, so that a verdict counts the runs that fail and names them.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>

#include "experiments/experiment_internal.h"
#include "nlhf/experiments/comparison.h"
#include "nlhf/experiments/reproduce.h"

namespace nlhf::internal {
namespace {

using Kind = ExperimentClaim::Kind;

std::string Number(double v) { return std::isfinite(v) ? fmt::format("{:.3g}", v) : "—"; }

bool Matches(const ExperimentMethod& m, const std::string& name) { return m.algorithm == name || m.label == name; }

std::vector<int> MethodsNamed(const Experiment& e, const std::string& name) {
  std::vector<int> found;
  for (size_t m = 0; m < e.methods.size(); ++m) {
    if (Matches(e.methods[m], name)) found.push_back(static_cast<int>(m));
  }
  return found;
}

double MedianOf(const std::vector<GroupRun>& runs, const std::function<double(const GroupRun&)>& value) {
  std::vector<double> values;
  for (const GroupRun& r : runs) values.push_back(value(r));
  return values.empty() ? std::numeric_limits<double>::quiet_NaN() : Median(values);
}

// Counts the runs for which `holds` is false into `verdict`.
void Count(ClaimVerdict& verdict, const std::vector<GroupRun>& runs, const std::function<bool(const GroupRun&)>& holds) {
  verdict.runs = static_cast<int>(runs.size());
  for (const GroupRun& r : runs) {
    if (!holds(r)) verdict.failing.push_back(r.who);
  }
  verdict.failing_runs = static_cast<int>(verdict.failing.size());
}

double RunRate(const GroupRun& r) {
  return r.trace == nullptr ? std::numeric_limits<double>::quiet_NaN() : FittedLinearRate(r.trace->iterations, r.trace->gaps);
}

bool IsRate(double rate) { return std::isfinite(rate) && rate < 1; }

// The run of method `m` on the same game with the same seed as `r`, or null.
const GroupRun* Partner(const std::vector<GroupRun>& runs, const GroupRun& r) {
  for (const GroupRun& other : runs) {
    if (other.record->game == r.record->game && other.record->seed == r.record->seed) return &other;
  }
  return nullptr;
}

}  // namespace

std::vector<ClaimVerdict> JudgeClaim(const Experiment& e, const ExperimentClaim& claim, const ExperimentGroup& group,
                                     const std::vector<RunRecord>& all_runs, const std::vector<RunTrace>& traces) {
  const auto runs_of = [&](int m) { return RunsOf(e, group, m, all_runs, traces); };
  const auto final_gap = [](const GroupRun& r) { return r.record->final_gap; };
  std::vector<ClaimVerdict> verdicts;

  if (claim.kind == Kind::kGrowsWith) {
    for (const std::string& algorithm : claim.others) {
      // This algorithm's configurations that set the parameter, by its value.
      std::vector<std::pair<double, int>> configurations;
      for (int m : MethodsNamed(e, algorithm)) {
        if (const auto it = e.methods[m].parameters.find(claim.parameter); it != e.methods[m].parameters.end()) {
          configurations.emplace_back(it->second, m);
        }
      }
      std::sort(configurations.begin(), configurations.end());
      ClaimVerdict verdict;
      std::vector<double> medians;
      std::vector<std::vector<GroupRun>> by_value;
      for (const auto& [value, m] : configurations) {
        by_value.push_back(runs_of(m));
        medians.push_back(MedianOf(by_value.back(), final_gap));
      }
      verdict.supported = configurations.size() >= 2;
      for (size_t k = 1; k < medians.size(); ++k) verdict.supported = verdict.supported && medians[k] > medians[k - 1];
      std::vector<std::string> points;
      for (size_t k = 0; k < configurations.size(); ++k) {
        points.push_back(fmt::format("{:g}: {}", configurations[k].first, Number(medians[k])));
      }
      verdict.text = fmt::format("{}: {}'s final gap grows with {} (medians {})", group.label, algorithm, claim.parameter,
                                 fmt::join(points, ", "));
      if (!by_value.empty()) {
        Count(verdict, by_value.front(), [&](const GroupRun& first) {
          double previous = first.record->final_gap;
          for (size_t k = 1; k < by_value.size(); ++k) {
            const GroupRun* next = Partner(by_value[k], first);
            if (next == nullptr || !(next->record->final_gap > previous)) return false;
            previous = next->record->final_gap;
          }
          return true;
        });
      }
      verdicts.push_back(std::move(verdict));
    }
    return verdicts;
  }

  for (int m : MethodsNamed(e, claim.method)) {
    const std::vector<GroupRun> runs = runs_of(m);
    const std::string& label = e.methods[m].label;
    ClaimVerdict verdict;
    switch (claim.kind) {
      case Kind::kEndsBelow: {
        std::vector<std::pair<std::string, std::vector<GroupRun>>> others;
        for (const std::string& name : claim.others) {
          for (int o : MethodsNamed(e, name)) others.emplace_back(e.methods[o].label, runs_of(o));
        }
        const double mine = MedianOf(runs, final_gap);
        verdict.supported = !others.empty();
        std::vector<std::string> theirs;
        std::pair<double, std::string> lowest{std::numeric_limits<double>::infinity(), ""};
        for (const auto& [other, other_runs] : others) {
          const double median = MedianOf(other_runs, final_gap);
          verdict.supported = verdict.supported && mine * claim.factor < median;
          theirs.push_back(fmt::format("{} {}", other, Number(median)));
          if (!(median >= lowest.first)) lowest = {median, other};
        }
        // Many configurations (a grid): only the lowest is named.
        if (theirs.size() > 6) theirs = {fmt::format("{} configurations, the lowest {} {}", others.size(), lowest.second, Number(lowest.first))};
        verdict.text = fmt::format("{}: {} ends {}below {} (median final gap {} against {})", group.label, label,
                                   claim.factor != 1 ? fmt::format("{:g}× ", claim.factor) : "",
                                   fmt::join(claim.others, ", "), Number(mine), fmt::join(theirs, ", "));
        Count(verdict, runs, [&](const GroupRun& r) {
          for (const auto& [other, other_runs] : others) {
            const GroupRun* partner = Partner(other_runs, r);
            if (partner == nullptr || !(r.record->final_gap * claim.factor < partner->record->final_gap)) return false;
          }
          return true;
        });
        break;
      }
      case Kind::kLinearRate: {
        std::vector<const RunTrace*> group_traces;
        for (const GroupRun& r : runs) {
          if (r.trace != nullptr) group_traces.push_back(r.trace);
        }
        double rate = std::numeric_limits<double>::quiet_NaN();
        if (group_traces.size() == runs.size() && !runs.empty()) {
          const PlotCurve curve = MedianCurve(label, group_traces, e.band);
          rate = FittedLinearRate(curve.iterations, curve.center);
        }
        verdict.supported = IsRate(rate);
        verdict.text = fmt::format("{}: after burn-in {}'s gap falls linearly (the median curve's fitted rate {} per "
                                   "iteration, fitted between gaps 1e-3 and 1e-12)",
                                   group.label, label, std::isfinite(rate) ? fmt::format("{:.6f}", rate) : "none");
        Count(verdict, runs, [&](const GroupRun& r) { return IsRate(RunRate(r)); });
        break;
      }
      case Kind::kConverges: {
        const double initial = MedianOf(runs, [](const GroupRun& r) { return r.record->initial_gap; });
        const double final_median = MedianOf(runs, final_gap);
        verdict.supported = final_median <= initial / claim.factor;
        verdict.text = fmt::format("{}: {} converges, its gap falling at least {:g}-fold (median {} → {})", group.label,
                                   label, claim.factor, Number(initial), Number(final_median));
        Count(verdict, runs, [&](const GroupRun& r) { return r.record->final_gap <= r.record->initial_gap / claim.factor; });
        break;
      }
      case Kind::kStaysAbove: {
        const double final_median = MedianOf(runs, final_gap);
        verdict.supported = final_median > claim.level;
        verdict.text = fmt::format("{}: {} does not converge, its final gap stays above {:g} (median {})", group.label,
                                   label, claim.level, Number(final_median));
        Count(verdict, runs, [&](const GroupRun& r) { return r.record->final_gap > claim.level; });
        break;
      }
      case Kind::kLogProbability: {
        // The lowest and the last log-probability of the action, NaN where the trace lacks them.
        const auto lowest = [&](const GroupRun& r) {
          double low = std::numeric_limits<double>::quiet_NaN();
          if (r.trace == nullptr) return low;
          for (const auto& point : r.trace->log_policy) {
            if (claim.action < static_cast<int>(point.size()) && !(point[claim.action] >= low)) low = point[claim.action];
          }
          return low;
        };
        const auto last = [&](const GroupRun& r) {
          if (r.trace == nullptr || r.trace->log_policy.empty() ||
              claim.action >= static_cast<int>(r.trace->log_policy.back().size())) {
            return std::numeric_limits<double>::quiet_NaN();
          }
          return r.trace->log_policy.back()[claim.action];
        };
        const double low = MedianOf(runs, lowest), end = MedianOf(runs, last);
        verdict.supported = low < claim.dips_below && end > claim.ends_above;
        verdict.text = fmt::format("{}: under {}, action {}'s log-probability falls below {:g} and recovers above {:g} "
                                   "(median lowest {}, final {})",
                                   group.label, label, claim.action, claim.dips_below, claim.ends_above, Number(low),
                                   Number(end));
        Count(verdict, runs, [&](const GroupRun& r) { return lowest(r) < claim.dips_below && last(r) > claim.ends_above; });
        break;
      }
      case Kind::kGrowsWith:
        break;
    }
    verdicts.push_back(std::move(verdict));
  }
  return verdicts;
}

}  // namespace nlhf::internal

namespace nlhf {

std::string FormatClaimVerdict(const ClaimVerdict& v) {
  return fmt::format("- **{}** — {}; {}\n", v.supported ? "supported" : "not supported", v.text,
                     v.failing_runs == 0 ? fmt::format("holds in all {} runs", v.runs)
                                         : fmt::format("holds in {} of {} runs, fails in {} ({})", v.runs - v.failing_runs,
                                                       v.runs, v.failing_runs, fmt::join(v.failing, ", ")));
}

}  // namespace nlhf
