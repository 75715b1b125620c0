#include "experiments/reproduce_figures.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "nlhf/generators.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/gnuplot.h"
#include "nlhf/registry.h"

namespace nlhf::internal {
namespace {

const std::vector<std::string> kIterativeMethods = {"omwu", "mwu", "mwu-avg", "sppo", "nash-md", "online-ipo",
                                                    "mmd", "egpo", "prox", "ogda", "rm-plus"};

// family,method,iteration,median,min,max for every curve.
std::string CurvesCsv(const Families& families) {
  std::string csv = "family,method,iteration,median,min,max\n";
  for (const auto& [family, methods] : families) {
    for (const MethodSummary& m : methods) {
      for (size_t k = 0; k < m.curve.iterations.size(); ++k) {
        csv += fmt::format("{},{},{},{:.17g},{:.17g},{:.17g}\n", family, m.name, m.curve.iterations[k], m.curve.median[k],
                           m.curve.minimum[k], m.curve.maximum[k]);
      }
    }
  }
  return csv;
}

}  // namespace

ZeroSumGame Family(const std::string& family, int seed) {
  if (family == "random") return ZeroSumGame::FromPreferences(PreferenceGame(RandomPreferences(kReproduceN, seed)));
  if (family == "planted") {
    return ZeroSumGame::FromPreferences(PreferenceGame(PlantedPreferences(kReproduceN, seed, nullptr)));
  }
  if (family == "cyclic3") return ZeroSumGame::FromPreferences(PreferenceGame(Cyclic3()));
  return ZeroSumGame::FromPreferences(PreferenceGame(RockPaperScissors()));
}

void FigureContext::Write(const std::string& name, const std::string& contents) const {
  WriteFileAtomically((out / name).string(), contents);
  files->push_back(name);
}

std::string FigureContext::Output(const std::string& name) const {
  files->push_back(name);
  return (out / name).string();
}

Families RunFig2Tabular(const FigureContext& context) {
  std::map<std::string, std::vector<MethodSummary>> fig2;
  for (const std::string family : {"random", "planted"}) {
    ComparisonOptions compare;
    compare.algorithms = kIterativeMethods;
    compare.iterations = context.iterations;
    compare.seeds = context.seeds;
    compare.gap_levels = {1e-6, 1e-9};
    compare.progress = [&](int done, int total, const std::string& what) {
      if (done < total) context.say(fmt::format("fig2_tabular ({} games): {}", family, what));
    };
    fig2[family] = RunComparison([&](int seed) { return Family(family, seed + 1); }, compare);
  }
  context.Write("fig2_tabular.csv", CurvesCsv(fig2));
  PlotGapPanels({ToPlotPanel({"random games (EGPO generator), n = 10", fig2["random"]}),
                 ToPlotPanel({"planted full-support games, n = 10", fig2["planted"]})},
                {.title = fmt::format("Duality gap in the original game (median over {} seeds, min-max band)", context.seeds)},
                context.Output("fig2_tabular.png"));

  return fig2;
}

std::vector<std::pair<std::string, MethodPanel>> RunFig2Neural(const FigureContext& context,
                                                                const ReproduceOptions& options) {
  std::vector<std::pair<std::string, MethodPanel>> neural;
  if (options.neural_panels) {
    neural = options.neural_panels(context.quick, context.seeds, context.say);
    std::map<std::string, std::vector<MethodSummary>> families;
    std::vector<PlotPanel> panels;
    for (const auto& [key, panel] : neural) {
      families[key] = panel.methods;
      panels.push_back(ToPlotPanel(panel));
    }
    context.Write("fig2_neural.csv", CurvesCsv(families));
    PlotGapPanels(panels,
                  {.title = fmt::format("EGPO MLP policy: exact duality gap of the network's policy (median over {} "
                                        "seeds, min-max band)", context.seeds),
                   .floor = 1e-4},
                  context.Output("fig2_neural.png"));
  }

  return neural;
}

std::vector<MethodSummary> RunFig3Omd(const FigureContext& context) {
  ComparisonOptions omd;
  omd.algorithms = {"mwu", "mwu-avg", "omwu"};
  omd.iterations = context.iterations;
  omd.seeds = context.seeds;
  context.say("fig3_omd");
  std::map<std::string, std::vector<MethodSummary>> fig3{
      {"random", RunComparison([&](int seed) { return Family("random", seed + 1); }, omd)}};
  context.Write("fig3_omd.csv", CurvesCsv(fig3));
  PlotGapCurves(PlotCurves(fig3["random"]),
                {.title = fmt::format("MWU (OMD): last iterate against average iterate, random games n = 10, {} seeds", context.seeds)},
                context.Output("fig3_omd.png"));

  return fig3["random"];
}

SolveResult RunMarginal(const FigureContext& context) {
  context.say("fig_marginal");
  const ZeroSumGame marginal_game = ZeroSumGame::FromPreferences(PreferenceGame(PlantedPreferences(11, 1, nullptr)));
  SolveOptions marginal;
  marginal.max_iterations = 1000000;
  marginal.gap_tolerance = 1e-8;
  marginal.trace_interval = 500;
  marginal.trace_log_policy = true;
  Eigen::VectorXd start_policy = Eigen::VectorXd::Zero(11);
  start_policy[0] = -5000;
  marginal.initial = {.kind = InitialPolicy::Kind::kGiven, .log_policy = {start_policy}};
  const SolveResult marginal_run = SolveWith("omwu", marginal_game, marginal, {{"step_size", 2.0}});
  std::string marginal_csv = "iteration,duality_gap";
  for (int a = 0; a < 11; ++a) marginal_csv += fmt::format(",log_pi_{}", a);
  marginal_csv += "\n";
  for (const TraceRecord& r : marginal_run.trace) {
    marginal_csv += fmt::format("{},{:.17g}", r.iteration, r.duality_gap);
    for (double l : r.log_policy[0]) marginal_csv += fmt::format(",{:.17g}", l);
    marginal_csv += "\n";
  }
  context.Write("fig_marginal.csv", marginal_csv);
  {
    std::string lines;
    for (int a = 0; a < 11; ++a) {
      lines += fmt::format("'fig_marginal.csv' using 1:{} with lines lw {} lc rgb '{}' title {} axes x1y1, ", a + 3,
                           a == 0 ? 3 : 1.2, a == 0 ? "#d62728" : "#9e9e9e",
                           a == 0 ? "'log π(action 0), started at −5000'" : (a == 1 ? "'log π(other actions)'" : "''"));
    }
    RenderGnuplot(fmt::format("set terminal pngcairo size 1400,800 enhanced font 'DejaVu Sans,13'\n"
                              "set datafile separator ','\nset key autotitle columnhead\n"
                              "set title 'Marginal convergence: OMWU, planted n = 11, η = 2, action 0 starts at log-probability −5000' noenhanced\n"
                              "set xlabel 'iteration'\nset ylabel 'log-probability'\nset y2label 'duality gap'\n"
                              "set logscale y2\nset format y2 '10^{{%L}}'\nset y2tics\nset ytics nomirror\n"
                              "set yrange [-5200:50]\nset grid\nset key bottom right noenhanced\n"
                              "plot {}'fig_marginal.csv' using 1:2 with lines lw 2.5 lc rgb '#1f77b4' title 'duality gap (right axis)' axes x1y2\n",
                              lines),
                  context.Output("fig_marginal.png"));
  }

  return marginal_run;
}

BiasFigure RunBias(const FigureContext& context) {
  const std::vector<double> betas = {0.01, 0.02, 0.05, 0.1, 0.2};
  const std::int64_t bias_iterations = context.quick ? 5000 : 30000;
  std::map<std::string, std::vector<double>> plateaus;
  std::map<std::string, std::string> bias_rows;  // by method, so that each method's points are contiguous
  for (double beta : betas) {
    ComparisonOptions regularized;
    regularized.algorithms = {"nash-md", "online-ipo", "mmd", "egpo"};
    regularized.iterations = bias_iterations;
    regularized.seeds = context.seeds;
    // η = 0.5: at η = 1 and β = 0.01 Nash-MD, online IPO and MMD do not settle on random games (their
    // regularized gap stays near 0.06 after 30,000 iterations), and a plateau needs them settled.
    regularized.common_parameters = {{"beta", beta}, {"step_size", 0.5}};
    context.say(fmt::format("fig_bias: beta = {}", beta));
    for (const MethodSummary& m : RunComparison([&](int seed) { return Family("random", seed + 1); }, regularized)) {
      double low = std::numeric_limits<double>::infinity(), high = 0;
      for (const auto& run : m.runs) {
        low = std::min(low, run.duality_gap);
        high = std::max(high, run.duality_gap);
      }
      bias_rows[m.name] += fmt::format("{},{},{:.17g},{:.17g},{:.17g}\n", m.name, beta, m.final_gap, low, high);
      plateaus[m.name].push_back(m.final_gap);
    }
  }
  ComparisonOptions reference;
  reference.algorithms = {"omwu"};
  reference.iterations = bias_iterations;
  reference.seeds = context.seeds;
  const double omwu_final = RunComparison([&](int seed) { return Family("random", seed + 1); }, reference)[0].final_gap;
  std::string bias_csv = "method,beta,plateau_median,plateau_min,plateau_max\n";
  for (const auto& [name, rows] : bias_rows) bias_csv += rows;
  bias_csv += fmt::format("omwu,0,{:.17g},{:.17g},{:.17g}\n", omwu_final, omwu_final, omwu_final);
  context.Write("fig_bias.csv", bias_csv);
  RenderGnuplot(fmt::format("set terminal pngcairo size 1280,800 enhanced font 'DejaVu Sans,13'\n"
                            "set datafile separator ','\nset logscale xy\nset format y '10^{{%L}}'\n"
                            "set title 'Regularization bias: final duality gap (original game) after {} iterations, η = 0.5, random n = 10, median of {} seeds' noenhanced\n"
                            "set xlabel 'β (KL regularization)'\nset ylabel 'duality gap of the last iterate'\nset grid\n"
                            "set key top left noenhanced\n"
                            "plot for [m in 'nash-md online-ipo mmd egpo'] 'fig_bias.csv' using (strcol(1) eq m ? $2 : 1/0):3 "
                            "with linespoints lw 2 pt 7 title m, {:.17g} with lines dt 2 lw 3 lc rgb '#1f77b4' title 'omwu (no β)'\n",
                            bias_iterations, context.seeds, std::max(omwu_final, 1e-16)),
                context.Output("fig_bias.png"));

  return {.betas = betas, .iterations = bias_iterations, .plateaus = plateaus, .omwu_final_gap = omwu_final};
}

std::vector<StepSizeRow> RunStepSize(const FigureContext& context) {
  std::vector<StepSizeRow> rows;
  const std::vector<double> etas = {0.25, 0.5, 1, 1.5, 2, 2.5, 3};
  const std::int64_t budget = context.quick ? 50000 : 300000;
  std::string stepsize_csv = "family,eta,median_iterations,reached_fraction\n";
  for (const std::string family : {"random", "planted", "cyclic3"}) {
    const int family_seeds = family == "cyclic3" ? 1 : context.seeds;
    for (double eta : etas) {
      context.say(fmt::format("fig_stepsize: {} eta = {}", family, eta));
      std::vector<double> reached;
      for (int seed = 0; seed < family_seeds; ++seed) {
        SolveOptions plain;
        plain.max_iterations = budget;
        plain.gap_tolerance = 1e-8;
        const SolveResult r = SolveWith("omwu", Family(family, seed + 1), plain, {{"step_size", eta}});
        reached.push_back(r.converged() ? static_cast<double>(r.iterations) : std::numeric_limits<double>::infinity());
      }
      std::sort(reached.begin(), reached.end());
      const double median = reached[reached.size() / 2];
      const double fraction =
          static_cast<double>(std::count_if(reached.begin(), reached.end(), [](double v) { return std::isfinite(v); })) /
          static_cast<double>(reached.size());
      stepsize_csv += fmt::format("{},{},{},{}\n", family, eta, std::isfinite(median) ? fmt::format("{:.0f}", median) : "",
                                  fraction);
      rows.push_back({family, eta, median, static_cast<int>(std::lround(fraction * static_cast<double>(reached.size()))),
                      static_cast<int>(reached.size()), budget});
    }
  }
  context.Write("fig_stepsize.csv", stepsize_csv);
  RenderGnuplot(fmt::format("set terminal pngcairo size 1280,800 enhanced font 'DejaVu Sans,13'\n"
                            "set datafile separator ','\nset logscale y\nset datafile missing ''\n"
                            "set title 'Step size: iterations plain OMWU needs to reach gap 1e-8 (median; missing: not within {})' noenhanced\n"
                            "set xlabel 'step size η'\nset ylabel 'iterations to gap 1e-8'\nset grid\nset key top right\n"
                            "plot for [f in 'random planted cyclic3'] 'fig_stepsize.csv' using (strcol(1) eq f ? $2 : 1/0):3 "
                            "with linespoints lw 2 pt 7 title f\n",
                            budget),
                context.Output("fig_stepsize.png"));
  return rows;
}

}  // namespace nlhf::internal
