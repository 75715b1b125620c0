// The figures of an experiment other than gap curves: a statistic against a method parameter (the
// regularization bias against β, iterations against η) and an action's log-probability over a run.
// Each is drawn by gnuplot from a CSV and a script written beside the PNG.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include "experiments/experiment_internal.h"
#include "nlhf/experiments/comparison.h"
#include "nlhf/io/atomic_file.h"
#include "nlhf/io/gnuplot.h"
#include "nlhf/registry.h"

namespace nlhf::internal {

void DrawParameterFigure(const Experiment& e, const std::vector<ExperimentGroup>& groups,
                         const std::vector<RunRecord>& runs, const std::string& png) {
  const bool iterations = e.figure_kind == FigureKind::kIterations;
  const size_t finest = e.gap_levels.size() - 1;
  // The statistic of one method on one group: the median final gap, or the median iterations to the
  // finest level (a run that never got there counting as infinitely late; NaN: the median never did).
  const auto statistic = [&](const ExperimentGroup& group, int m) {
    std::vector<double> values;
    for (const GroupRun& r : RunsOf(e, group, m, runs, {})) {
      if (iterations) {
        const double reached = r.record->iterations_to[finest];
        values.push_back(reached < 0 ? std::numeric_limits<double>::infinity() : reached);
      } else {
        values.push_back(r.record->final_gap);
      }
    }
    const double median = values.empty() ? std::numeric_limits<double>::quiet_NaN() : Median(values);
    return std::isfinite(median) ? median : std::numeric_limits<double>::quiet_NaN();
  };
  // Lines: per group, the methods with the parameter joined by their other parameters; the methods
  // without it as levels.
  struct Line {
    std::string title;
    std::vector<std::pair<double, double>> points;
  };
  std::vector<Line> lines, levels;
  for (const ExperimentGroup& group : groups) {
    std::map<std::string, size_t> line_of;
    for (size_t m = 0; m < e.methods.size(); ++m) {
      const ExperimentMethod& method = e.methods[m];
      const std::string prefix = groups.size() > 1 ? group.label + ": " : "";
      const auto it = method.parameters.find(e.figure_over);
      if (it == method.parameters.end()) {
        levels.push_back({prefix + method.label, {{0, statistic(group, static_cast<int>(m))}}});
        continue;
      }
      std::vector<std::pair<std::string, double>> others;
      for (const auto& [name, value] : method.parameters) {
        if (name != e.figure_over) others.emplace_back(name, value);
      }
      const std::string title = prefix + (others.empty() ? method.algorithm : FormatSpec(method.algorithm, others));
      const auto [line, inserted] = line_of.try_emplace(title, lines.size());
      if (inserted) lines.push_back({title, {}});
      lines[line->second].points.emplace_back(it->second, statistic(group, static_cast<int>(m)));
    }
  }
  const std::filesystem::path path(png);
  const std::string csv_name = path.stem().string() + ".csv";
  const std::string& over = e.figure_over;
  const std::string what = iterations ? fmt::format("median iterations to gap {:g}", e.gap_levels[finest]) : "median final gap";
  std::string csv = fmt::format("# {} against {}; one block per line (gnuplot index), missing: never reached\n", what, over);
  std::string plot;
  double x_low = std::numeric_limits<double>::infinity(), x_high = 0;
  for (size_t k = 0; k < lines.size(); ++k) {
    std::sort(lines[k].points.begin(), lines[k].points.end());
    csv += fmt::format("{}# {}\n# {},value\n", k > 0 ? "\n\n" : "", lines[k].title, over);
    for (const auto& [x, y] : lines[k].points) {
      csv += std::isfinite(y) ? fmt::format("{:.17g},{:.17g}\n", x, y) : fmt::format("{:.17g},\n", x);
      x_low = std::min(x_low, x);
      x_high = std::max(x_high, x);
    }
    plot += fmt::format("{}{} index {} using 1:2 with linespoints lw 2 pt 7 title {}", k > 0 ? ", " : "",
                        GnuplotQuoted(csv_name), k, GnuplotQuoted(lines[k].title));
  }
  for (const Line& level : levels) {
    const double y = level.points.front().second;
    if (!std::isfinite(y)) continue;
    plot += fmt::format(", {:.17g} with lines dt 2 lw 3 title {}", std::max(y, 1e-16), GnuplotQuoted(level.title + " (no " + over + ")"));
  }
  WriteFileAtomically((path.parent_path() / csv_name).string(), csv);
  const bool log_x = x_low > 0 && x_high >= 10 * x_low;
  // The x range is the parameter's values, a little widened (gnuplot would round it out to a decade).
  const std::string x_range = !(x_high > x_low) ? ""
                              : log_x ? fmt::format("set xrange [{:.17g}:{:.17g}]\n", x_low / 1.15, x_high * 1.15)
                                      : fmt::format("set xrange [{:.17g}:{:.17g}]\n", x_low - 0.05 * (x_high - x_low),
                                                    x_high + 0.05 * (x_high - x_low));
  size_t runs_per_point = 0;
  for (const ExperimentGroup& group : groups) runs_per_point = std::max(runs_per_point, group.games.size() * e.seeds.size());
  RenderGnuplot(fmt::format("set terminal pngcairo size 1280,800 enhanced font 'DejaVu Sans,13'\n"
                            "set datafile separator ','\nset datafile missing ''\n"
                            "{}{}set logscale y\nset format y '10^{{%L}}'\nset grid\nset key top left noenhanced\n"
                            "set title {} noenhanced\nset xlabel {}\nset ylabel {}\nplot {}\n",
                            log_x ? "set logscale x\n" : "", x_range,
                            GnuplotQuoted(fmt::format("{}: {} against {}, each point over {} run(s)", e.name, what, over, runs_per_point)),
                            GnuplotQuoted(over), GnuplotQuoted(what), plot),
                png);
}

void DrawLogPolicyFigure(const Experiment& e, const std::string& title, const RunTrace& trace, const std::string& png) {
  const std::filesystem::path path(png);
  const std::string csv_name = path.stem().string() + ".csv";
  const size_t actions = trace.log_policy.empty() ? 0 : trace.log_policy.front().size();
  std::string csv = "iteration,duality_gap";
  for (size_t a = 0; a < actions; ++a) csv += fmt::format(",log_pi_{}", a);
  csv += "\n";
  // The lowest finite log-probability sets the axis; the action that falls lowest is drawn in red.
  double lowest = 0, deepest_value = 0;
  size_t deepest = 0;
  for (size_t k = 0; k < trace.iterations.size(); ++k) {
    csv += fmt::format("{},{:.17g}", trace.iterations[k], trace.gaps[k]);
    for (size_t a = 0; a < actions; ++a) {
      const double l = k < trace.log_policy.size() && a < trace.log_policy[k].size() ? trace.log_policy[k][a] : NAN;
      csv += fmt::format(",{:.17g}", l);
      if (std::isfinite(l)) lowest = std::min(lowest, l);
      if (l < deepest_value) deepest_value = l, deepest = a;
    }
    csv += "\n";
  }
  WriteFileAtomically((path.parent_path() / csv_name).string(), csv);
  std::string lines;
  for (size_t a = 0; a < actions; ++a) {
    const bool red = a == deepest;
    lines += fmt::format("{} using 1:{} with lines lw {} lc rgb '{}' title {} axes x1y1, ", GnuplotQuoted(csv_name), a + 3,
                         red ? 3 : 1.2, red ? "#d62728" : "#9e9e9e",
                         red ? GnuplotQuoted(fmt::format("log π(action {})", a))
                             : (a == (deepest == 0 ? 1u : 0u) ? GnuplotQuoted("log π(other actions)") : "''"));
  }
  RenderGnuplot(fmt::format("set terminal pngcairo size 1400,800 enhanced font 'DejaVu Sans,13'\n"
                            "set datafile separator ','\nset key autotitle columnhead\n"
                            "set title {} noenhanced\nset xlabel 'iteration'\nset ylabel 'log-probability'\n"
                            "set y2label 'duality gap'\nset logscale y2\nset format y2 '10^{{%L}}'\nset y2tics\n"
                            "set ytics nomirror\nset yrange [{:.17g}:{:.17g}]\nset grid\nset key bottom right noenhanced\n"
                            "plot {}{} using 1:2 with lines lw 2.5 lc rgb '#1f77b4' title 'duality gap (right axis)' axes x1y2\n",
                            GnuplotQuoted(fmt::format("{}: {}", e.name, title)), lowest * 1.04 - 1, 0.05 * std::max(1.0, -lowest),
                            lines, GnuplotQuoted(csv_name)),
                png);
}

}  // namespace nlhf::internal
