#include "nlhf/experiments/reproduce.h"

#include <Eigen/Core>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <thread>

#include "experiments/reproduce_figures.h"
#include "nlhf/experiments/comparison.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/output_folder.h"

namespace nlhf {
namespace {

const std::vector<std::string> kRegularized = {"nash-md", "online-ipo", "mmd"};
// The neural methods with β > 0 by default.
const std::vector<std::string> kNeuralRegularized = {"nash-md", "nash-md-pg", "online-ipo", "ipo-md", "inpo", "mmd"};

// "AMD EPYC" from /proc/cpuinfo, or "unknown CPU".
std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("model name")) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(" \t", colon + 1));
    }
  }
  return "unknown CPU";
}

std::string CompilerName() {
#if defined(__clang__)
  return fmt::format("clang {}", __clang_version__);
#elif defined(__GNUC__)
  return fmt::format("GCC {}", __VERSION__);
#else
  return "an unknown compiler";
#endif
}

std::string Number(double v) { return std::isfinite(v) ? fmt::format("{:.3g}", v) : "—"; }
std::string Iterations(const std::optional<std::int64_t>& v) { return v ? std::to_string(*v) : "—"; }

// The median iterations to `level` with how many seeds got there at all: "11362 (9/10)"; a median of
// "—" says most seeds did not.
std::string Reached(const MethodSummary& m, double level) {
  return fmt::format("{} ({}/{})", Iterations(m.iterations_to.at(level)), m.runs_reaching.at(level), m.run_count);
}

std::string Rate(double v) { return std::isfinite(v) ? fmt::format("{:.6f}", v) : "none"; }

const MethodSummary& Find(const std::vector<MethodSummary>& methods, const std::string& name) {
  for (const auto& m : methods) {
    if (m.name == name) return m;
  }
  throw std::logic_error("no method " + name);
}


// What the figures measured, for the report and the claims.
struct Measurements {
  internal::Families fig2;
  std::vector<std::pair<std::string, MethodPanel>> neural;
  std::vector<MethodSummary> fig3;
  SolveResult marginal;
  internal::BiasFigure bias;
  std::vector<internal::StepSizeRow> step_size;
};

// The report's body: what ran, on what, and the numbers behind each figure.
std::string ReportBody(const ReproduceOptions& options, const internal::FigureContext& figures,
                       const Measurements& r, double seconds) {
  std::string body = fmt::format(
      "# nlhf reproduce{}\n\nCommand: `{}`\n\nnlhf 0.1.0; {} seeds per family (games seeded 1..{}); n = {}; "
      "{} iterations per run in figure 2 and 3. Every number below comes from the CSV files beside this report; "
      "two runs with the same options write identical CSVs.\n\nMachine: {}; {} hardware threads. Built with {}, "
      "Eigen {}.{}.{}{}. Wall-clock time of this run: {:.1f} s.\n\n",
      options.quick ? " --quick" : "", options.command_line, figures.seeds, figures.seeds, internal::kReproduceN, figures.iterations, CpuModel(),
      std::thread::hardware_concurrency(), CompilerName(), EIGEN_WORLD_VERSION, EIGEN_MAJOR_VERSION,
      EIGEN_MINOR_VERSION, options.versions.empty() ? "" : ", " + options.versions,
      seconds);
  body += "## Figure 2 (tabular): duality gap of each method's answer\n\n";
  for (const auto& [family, methods] : r.fig2) {
    body += fmt::format("### {} games\n\n{}| method | final gap (median) | iterations to 1e-6 (seeds there) | to 1e-9 | "
                        "fitted rate after burn-in |\n|---|---|---|---|---|\n", family,
                        family == "random" ? "Random games' equilibria play about half of the responses: they lie "
                                             "outside the paper's full-support assumption, and the last-iterate "
                                             "guarantee does not cover them; planted games meet it.\n\n"
                                           : "Planted games have a full-support equilibrium, the paper's assumption.\n\n");
    for (const MethodSummary& m : methods) {
      body += fmt::format("| {} | {} | {} | {} | {} |\n", m.spec, Number(m.final_gap), Reached(m, 1e-6), Reached(m, 1e-9),
                          Rate(FittedLinearRate(m.curve.iterations, m.curve.median)));
    }
    body += "\n";
  }
  body += "## Figure 3: MWU last iterate vs average\n\n| method | final gap (median) |\n|---|---|\n";
  for (const MethodSummary& m : r.fig3) body += fmt::format("| {} | {} |\n", m.spec, Number(m.final_gap));
  body += fmt::format("\n## Marginal convergence\n\nplanted n = 11, seed 1, η = 2, action 0 started at log-probability −5000: "
                      "{} after {} iterations, final gap {}.\n\n",
                      TerminationName(r.marginal.termination), r.marginal.iterations, Number(r.marginal.duality_gap));
  body += "## Regularization bias (plateau of the original-game gap)\n\n| method | " +
          fmt::format("{}", fmt::join(r.bias.betas, " | ")) + " |\n|---|";
  for (size_t k = 0; k < r.bias.betas.size(); ++k) body += "---|";  // one separator cell per column
  body += "\n";
  for (const auto& [name, values] : r.bias.plateaus) {
    body += fmt::format("| {} |", name);
    for (double v : values) body += fmt::format(" {} |", Number(v));
    body += "\n";
  }
  body += fmt::format("\nAll with η = 0.5 (at η = 1 and β = 0.01 Nash-MD, online IPO and MMD do not settle). OMWU "
                      "(η = 1) after the same {} iterations: {}.\n\n", r.bias.iterations, Number(r.bias.omwu_final_gap));
  body += "## Step size\n\nPlain OMWU (no polishing), iterations to reach a gap of 1e-8: the median over the family's seeds "
          "(\"never\" when most seeds did not get there within the budget) and how many got there (`fig_stepsize.csv`, "
          "`fig_stepsize.png`).\n\n| family | η | median iterations to 1e-8 | seeds that got there |\n|---|---|---|---|\n";
  for (const internal::StepSizeRow& row : r.step_size) {
    body += fmt::format("| {} | {:g} | {} | {}/{} |\n", row.family, row.eta,
                        std::isfinite(row.median_iterations) ? fmt::format("{:.0f}", row.median_iterations)
                                                             : fmt::format("never (budget {})", row.budget),
                        row.reached, row.seeds);
  }
  body += "\n";
  if (r.neural.empty()) {
    body += "## Figure 2 (neural)\n\nNot run: this nlhf was built without LibTorch (libtorch-dev).\n\n";
  } else {
    body += "## Figure 2 (neural): the EGPO MLP (depth 3, width 10, learned 10-d input), plain SGD, every method as "
            "a loss (docs/neural.md)\n\nExact feedback with lr 1; sampled feedback with lr 0.01 (at n = 100 one "
            "comparison per response and iteration leaves each payoff estimate with standard deviation about 0.5, and "
            "the gap stays near its start for thousands of iterations; n = 20 shows the effect in a test-sized run). "
            "Iterations to a level are read every trace record.\n\n";
    for (const auto& [key, panel] : r.neural) {
      body += fmt::format("### {}\n\n| method | final gap (median) | iterations to 1e-6 | to 1e-9 | fitted rate after burn-in |\n|---|---|---|---|---|\n", panel.title);
      for (const MethodSummary& m : panel.methods) {
        body += fmt::format("| {} | {} | {} | {} | {} |\n", m.spec, Number(m.final_gap), Reached(m, 1e-6),
                            Reached(m, 1e-9), Rate(FittedLinearRate(m.curve.iterations, m.curve.median)));
      }
      body += "\n";
    }
  }
  body += "## Claims\n\n";
  return body;
}

// Each claim checked on the numbers just measured; `claim` records it with its verdict.
void CheckClaims(const Measurements& r, const std::function<void(const std::string&, bool)>& claim) {
  for (const auto& [family, methods] : r.fig2) {
    const double omwu = Find(methods, "omwu").final_gap;
    bool below = true;
    for (const std::string& name : kRegularized) below = below && omwu < Find(methods, name).final_gap;
    claim(fmt::format("OMWU's last iterate ends below every regularized method's gap ({} games: {} against {} and more)",
                      family, Number(omwu), Number(Find(methods, "nash-md").final_gap)),
          below);
    const MethodSummary& o = Find(methods, "omwu");
    const double rate = FittedLinearRate(o.curve.iterations, o.curve.median);
    claim(fmt::format("after burn-in OMWU's gap falls linearly ({} games: fitted rate {} per iteration)", family, Rate(rate)),
          std::isfinite(rate) && rate < 1);
  }
  for (const auto& [key, panel] : r.neural) {
    const double omwu = Find(panel.methods, "omwu").final_gap;
    if (key.ends_with("_exact")) {
      bool below = true;
      for (const std::string& name : kNeuralRegularized) below = below && omwu < Find(panel.methods, name).final_gap;
      claim(fmt::format("with the EGPO MLP, OMWU ends below every regularized method's gap ({}: {} against {} and more)",
                        panel.title, Number(omwu), Number(Find(panel.methods, "nash-md").final_gap)),
            below);
    } else {
      const double start = Find(panel.methods, "omwu").curve.median.front();
      claim(fmt::format("with sampled feedback OMWU's gap still falls, at least by half, to the noise floor its learning rate allows ({}: {} → {})", panel.title, Number(start), Number(omwu)),
            omwu < start / 2);
    }
  }
  bool increasing = true;
  for (const auto& [name, values] : r.bias.plateaus) {
    for (size_t k = 1; k < values.size(); ++k) increasing = increasing && values[k] > values[k - 1];
  }
  claim("regularized methods plateau at a gap that grows with β", increasing);
  const MethodSummary& last = Find(r.fig3, "mwu");
  const MethodSummary& average = Find(r.fig3, "mwu-avg");
  claim(fmt::format("MWU's average iterate converges (gap {} → {}) while its last iterate does not (final gap {})",
                    Number(average.curve.median.front()), Number(average.final_gap), Number(last.final_gap)),
        average.final_gap < average.curve.median.front() / 10 && last.final_gap > 10 * average.final_gap);
  double lowest = 0;
  for (const TraceRecord& r : r.marginal.trace) lowest = std::min(lowest, r.log_policy[0][0]);
  claim(fmt::format("marginal convergence: action 0 starts at {} and climbs back to {} while the gap reaches {}",
                    Number(lowest), Number(r.marginal.log_policy[0][0]), Number(r.marginal.duality_gap)),
        lowest < -50 && r.marginal.log_policy[0][0] > -10 && r.marginal.duality_gap <= 1e-8);

}

}  // namespace

double FittedLinearRate(const std::vector<std::int64_t>& iterations, const std::vector<double>& gaps, double low,
                        double high) {
  // After burn-in: from the first point at or below `high` on, while the gap stays above `low`.
  size_t begin = 0;
  while (begin < gaps.size() && !(gaps[begin] <= high)) ++begin;
  std::vector<double> t, log_t, y;
  for (size_t k = begin; k < gaps.size() && gaps[k] >= low; ++k) {
    if (iterations[k] <= 0 || !(gaps[k] > 0)) continue;
    t.push_back(static_cast<double>(iterations[k]));
    log_t.push_back(std::log(static_cast<double>(iterations[k])));
    y.push_back(std::log(gaps[k]));
  }
  if (t.size() < 5) return std::numeric_limits<double>::quiet_NaN();
  // Least squares of y on x: the slope and R² (the share of y's variance the line explains).
  const auto fit = [&](const std::vector<double>& x) {
    const double n = static_cast<double>(x.size());
    double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
    for (size_t k = 0; k < x.size(); ++k) {
      sx += x[k];
      sy += y[k];
      sxx += x[k] * x[k];
      sxy += x[k] * y[k];
      syy += y[k] * y[k];
    }
    const double cxx = sxx - sx * sx / n, cxy = sxy - sx * sy / n, cyy = syy - sy * sy / n;
    const double r2 = cxx > 0 && cyy > 0 ? cxy * cxy / (cxx * cyy) : 0.0;
    return std::pair{cxx > 0 ? cxy / cxx : 0.0, r2};
  };
  const auto [slope, semilog_r2] = fit(t);
  const double loglog_r2 = fit(log_t).second;
  // Linear convergence is a straight line on a semi-log plot; a power law (MWU's average, O(1/√T)) is one
  // on a log–log plot. A rate is reported only where the semi-log line fits well and better.
  if (!(slope < 0) || semilog_r2 < 0.95 || semilog_r2 < loglog_r2) return std::numeric_limits<double>::quiet_NaN();
  return std::exp(slope);
}

ReproduceSummary Reproduce(const ReproduceOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  OutputFolder folder("--out", options.out, "report.md");  // the previous run stays whole until Commit
  ReproduceSummary summary;
  const internal::FigureContext figures{.out = folder.Path(""),
                                        .quick = options.quick,
                                        .seeds = options.seeds > 0 ? options.seeds : (options.quick ? 3 : 10),
                                        .iterations = options.quick ? 30000 : 150000,
                                        .say = [&](const std::string& what) {
                                          if (options.progress) options.progress(what);
                                        },
                                        .files = &summary.files};
  Measurements measured;
  measured.fig2 = internal::RunFig2Tabular(figures);
  measured.neural = internal::RunFig2Neural(figures, options);
  measured.fig3 = internal::RunFig3Omd(figures);
  measured.marginal = internal::RunMarginal(figures);
  measured.bias = internal::RunBias(figures);
  measured.step_size = internal::RunStepSize(figures);

  std::string verdicts;
  CheckClaims(measured, [&](const std::string& text, bool supported) {
    summary.claims.emplace_back(text, supported);
    verdicts += fmt::format("- **{}** — {}\n", supported ? "supported" : "not supported", text);
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  figures.Write("report.md", ReportBody(options, figures, measured, seconds) + verdicts);
  folder.Commit(options.command_line);
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace nlhf
