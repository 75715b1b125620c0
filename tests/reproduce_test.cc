// `nlhf reproduce --quick` end to end (run once by a CTest fixture): the shipped experiment files run by the engine of `nlhf run`. The
// tables they write must show the paper's claims by themselves (each checked here from the CSVs, not from
// the report's verdicts), the report must render and its verdicts' run counts add up, and two runs must
// write identical tables and traces.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "nlhf/io/atomic_file.h"
#include "testing.h"

namespace nlhf {
namespace {

namespace fs = std::filesystem;

// One CSV line's fields (RFC 4180 quotes: labels such as "mmd(eta=0.5,beta=0.1)" hold commas).
std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t k = 0; k < line.size(); ++k) {
    const char c = line[k];
    if (quoted && c == '"' && k + 1 < line.size() && line[k + 1] == '"') {
      fields.back() += '"';
      ++k;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

// A CSV with a header as rows of name → value.
std::vector<std::map<std::string, std::string>> ReadRows(const fs::path& path) {
  std::istringstream in(ReadWholeFile(path.string()));
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> names = Fields(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> values = Fields(line);
    std::map<std::string, std::string> row;
    for (size_t k = 0; k < names.size() && k < values.size(); ++k) row[names[k]] = values[k];
    rows.push_back(row);
  }
  return rows;
}

// strtod, not stod: subnormal gaps (1e-320) are values.
double Number(const std::string& text) { return std::strtod(text.c_str(), nullptr); }

// Least-squares rate exp(slope) of log(gap) on iteration, from the first gap at or below 1e-3 down to
// 1e-12, over a trace CSV (iteration, gap as its first two columns); NaN with fewer than 5 points.
double LinearRate(const fs::path& trace) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  int count = 0;
  bool burnt_in = false;
  for (const auto& row : ReadRows(trace)) {
    const double t = Number(row.at("iteration")), gap = Number(row.at("duality_gap"));
    burnt_in = burnt_in || gap <= 1e-3;
    if (!burnt_in || gap < 1e-12 || !(gap > 0)) continue;
    sx += t, sy += std::log(gap), sxx += t * t, sxy += t * std::log(gap), ++count;
  }
  return count < 5 ? NAN : std::exp((count * sxy - sx * sy) / (count * sxx - sx * sx));
}


class Reproduce : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // CTest's fixture reproduce_quick_runs made both folders once for every test (tests/CMakeLists.txt); a
    // test binary run by hand makes them itself.
    dir_ = NLHF_REPRODUCE_DIR;
    if (fs::exists(dir_ / "first" / "report.md") && fs::exists(dir_ / "second" / "report.md")) return;
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const char* name : {"first", "second"}) {
      // The second with one job: the tables must not depend on how runs were spread over threads.
      const std::string command =
          fmt::format("'{}' reproduce --quick --jobs {} --out '{}' > '{}' 2>&1", NLHF_CLI_PATH, name[0] == 'f' ? 2 : 1,
                      (dir_ / name).string(), (dir_ / (std::string(name) + ".log")).string());
      const int status = std::system(command.c_str());
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadWholeFile((dir_ / (std::string(name) + ".log")).string());
    }
  }
  static fs::path Folder(const std::string& experiment) { return dir_ / "first" / experiment; }
  // summary.csv of one experiment: (group, method label) → row.
  static std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> Summary(const std::string& experiment) {
    std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> rows;
    for (const auto& row : ReadRows(Folder(experiment) / "summary.csv")) rows[{row.at("game"), row.at("method")}] = row;
    return rows;
  }
  static fs::path dir_;
};

fs::path Reproduce::dir_;

std::vector<std::string> Experiments() {
  std::vector<std::string> names = {"fig2_tabular", "fig3_omd", "fig_bias", "fig_marginal", "fig_stepsize"};
#ifdef NLHF_EXPECT_NEURAL
  names.push_back("fig2_neural");
  names.push_back("fig2_neural_sampled");
  names.push_back("fig_sequence");
#endif
  return names;
}

TEST_F(Reproduce, WritesEveryExperimentWithItsFileTablesAndFigure) {
  for (const std::string& name : Experiments()) {
    for (const char* file : {"runs.csv", "summary.csv", "summary.json", "report.md", "experiment.yaml"}) {
      EXPECT_TRUE(fs::exists(Folder(name) / file)) << name << "/" << file;
    }
    std::uintmax_t largest_png = 0;
    for (const auto& entry : fs::directory_iterator(Folder(name))) {
      if (entry.path().extension() == ".png") {
        largest_png = std::max(largest_png, entry.file_size());
        // Every figure has its script beside it.
        EXPECT_TRUE(fs::exists(fs::path(entry.path()).replace_extension(".gp"))) << entry.path();
      }
    }
    EXPECT_GT(largest_png, 10000u) << name;
    // The copy is the shipped file.
    EXPECT_EQ(ReadWholeFile((Folder(name) / "experiment.yaml").string()),
              ReadWholeFile(std::string(NLHF_SOURCE_DIR) + "/experiments/reproduce/" + name + ".yaml"));
  }
}

// The report renders, every claim is supported, and each verdict's counts add up: "holds in X of Y runs,
// fails in Z (who, who)" with X + Z = Y and Z names, and Y the runs of its group in runs.csv.
TEST_F(Reproduce, ReportRendersAndEveryClaimsRunCountsAddUp) {
  const std::string report = ReadWholeFile((dir_ / "first" / "report.md").string());
  testing::ExpectMarkdownTablesRender(report);
  EXPECT_THAT(report, ::testing::HasSubstr("## Claims"));
  EXPECT_THAT(report, ::testing::Not(::testing::HasSubstr("not supported")));
  const std::regex all(R"(holds in all (\d+) runs$)");
  const std::regex some(R"(holds in (\d+) of (\d+) runs, fails in (\d+) \((.*)\)$)");
  std::istringstream lines(report);
  int claims = 0;
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("- **supported**") && !line.starts_with("- **not supported**")) continue;
    ++claims;
    std::smatch m;
    if (std::regex_search(line, m, all)) {
      EXPECT_GT(std::stoi(m[1]), 0) << line;
    } else {
      ASSERT_TRUE(std::regex_search(line, m, some)) << line;
      const int holds = std::stoi(m[1]), runs = std::stoi(m[2]), fails = std::stoi(m[3]);
      EXPECT_EQ(holds + fails, runs) << line;
      const std::string who = m[4];
      // Names are "seed K" or "GAME seed K"; count the seeds named.
      int named = 0;
      for (size_t at = who.find(" seed "); at != std::string::npos; at = who.find(" seed ", at + 1)) ++named;
      if (who.starts_with("seed ")) ++named;
      EXPECT_EQ(named, fails) << line;
    }
  }
  // fig2 (2 groups × 2 claims), fig3 (3), bias (4 algorithms + 1), marginal (1), neural (2 + 1), sequence (2).
  EXPECT_GE(claims, 4 + 3 + 5 + 1);
  // The families' runs: 3 games each with --quick, one seed.
  const auto runs = ReadRows(Folder("fig2_tabular") / "runs.csv");
  EXPECT_EQ(runs.size(), 2u * 3u * 11u);
}

TEST_F(Reproduce, TwoRunsWriteIdenticalTablesAndTraces) {
  for (const std::string& name : Experiments()) {
    for (const auto& entry : fs::recursive_directory_iterator(Folder(name))) {
      const fs::path relative = fs::relative(entry.path(), Folder(name));
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || (ext != ".csv" && ext != ".json") || relative == "timings.csv") continue;
      EXPECT_EQ(ReadWholeFile(entry.path().string()), ReadWholeFile((dir_ / "second" / name / relative).string()))
          << name << "/" << relative.string();
    }
  }
}

// Figure 2, tabular, from summary.csv and the traces: OMWU's median final gap is below every regularized
// method's, and after burn-in its gap falls linearly on every planted game (full-support equilibria).
TEST_F(Reproduce, OmwuEndsBelowEveryRegularizedMethodAndConvergesLinearlyAfterBurnIn) {
  const auto summary = Summary("fig2_tabular");
  for (const char* family : {"random", "planted"}) {
    for (const char* regularized : {"nash-md", "online-ipo", "mmd"}) {
      EXPECT_LT(Number(summary.at({family, "omwu"}).at("median_final_gap")),
                Number(summary.at({family, regularized}).at("median_final_gap")))
          << family << " vs " << regularized;
    }
  }
  for (const auto& row : ReadRows(Folder("fig2_tabular") / "runs.csv")) {
    if (row.at("method") != "omwu" || row.at("game").rfind("planted", 0) != 0) continue;
    EXPECT_LT(LinearRate(Folder("fig2_tabular") / row.at("trace")), 1.0) << row.at("game");
  }
}

// The bias figure's table: each regularized method's median final gap grows with β.
TEST_F(Reproduce, RegularizedPlateausGrowWithBeta) {
  std::map<std::string, std::vector<std::pair<double, double>>> by_method;
  const std::regex label(R"(^([a-z-]+)\(eta=0\.5,beta=([0-9.]+)\)$)");
  for (const auto& [key, row] : Summary("fig_bias")) {
    std::smatch m;
    if (!std::regex_match(key.second, m, label)) continue;
    by_method[m[1]].emplace_back(std::stod(m[2]), Number(row.at("median_final_gap")));
  }
  ASSERT_EQ(by_method.size(), 4u);
  for (auto& [method, points] : by_method) {
    ASSERT_EQ(points.size(), 5u) << method;
    std::sort(points.begin(), points.end());
    for (size_t k = 1; k < points.size(); ++k) EXPECT_GT(points[k].second, points[k - 1].second) << method;
  }
}

// Figure 3 from runs.csv: MWU's average iterate gains a factor of 10 on every game; its last iterate
// stays above 0.05 and 10× above the average.
TEST_F(Reproduce, AverageMwuConvergesWhileTheLastIterateDoesNot) {
  std::map<std::string, std::map<std::string, double>> final_gap;
  for (const auto& row : ReadRows(Folder("fig3_omd") / "runs.csv")) {
    final_gap[row.at("game")][row.at("method")] = Number(row.at("final_gap"));
    if (row.at("method") == "mwu-avg") EXPECT_LT(Number(row.at("final_gap")), Number(row.at("initial_gap")) / 10);
  }
  ASSERT_EQ(final_gap.size(), 3u);
  for (const auto& [game, gaps] : final_gap) {
    EXPECT_GT(gaps.at("mwu"), 0.05) << game;
    EXPECT_GT(gaps.at("mwu"), 10 * gaps.at("mwu-avg")) << game;
  }
}

// Planted n = 11, seed 1, action 0 started at log-probability −5000 (docs/solver-options.md): its trace.
TEST_F(Reproduce, MarginalActionStartsBelowMinus50AndClimbsBackAsTheGapReaches1e8) {
  const auto trace = ReadRows(Folder("fig_marginal") / "runs" / "r0000.csv");
  ASSERT_GT(trace.size(), 2u);
  EXPECT_LT(Number(trace.front().at("log_pi_0")), -50);
  EXPECT_GT(Number(trace.back().at("log_pi_0")), -10);
  EXPECT_LE(Number(trace.back().at("duality_gap")), 1e-8);
  const auto runs = ReadRows(Folder("fig_marginal") / "runs.csv");
  EXPECT_EQ(runs.at(0).at("termination"), "converged");  // stop_at: 1e-8 ended it
}

// The step-size experiment: every η has a row per family, and at η = 2 plain OMWU reaches 1e-8 on the
// three-cycle (its equilibrium is uniform, full support).
TEST_F(Reproduce, StepSizeTableHasEveryEtaAndTheCycleConverges) {
  const auto summary = Summary("fig_stepsize");
  for (const char* family : {"random", "planted", "cyclic3"}) {
    for (const char* eta : {"0.25", "0.5", "1", "1.5", "2", "2.5", "3"}) {
      EXPECT_TRUE(summary.count({family, fmt::format("omwu(eta={})", eta)})) << family << " " << eta;
    }
  }
  EXPECT_EQ(summary.at({"cyclic3", "omwu(eta=2)"}).at("runs_reaching_1e-08"), "1");
}

#ifdef NLHF_EXPECT_NEURAL
// The neural experiments: with the EGPO MLP and exact feedback OMWU ends below every regularized method;
// with sampled feedback its median gap falls at least by half.
TEST_F(Reproduce, NeuralOmwuEndsBelowTheRegularizedMethodsAndFallsWithSampledFeedback) {
  const auto summary = Summary("fig2_neural");
  for (const char* family : {"random", "planted"}) {
    for (const char* regularized : {"nash-md", "nash-md-pg", "online-ipo", "ipo-md", "inpo", "mmd"}) {
      EXPECT_LT(Number(summary.at({family, "omwu"}).at("median_final_gap")),
                Number(summary.at({family, regularized}).at("median_final_gap")))
          << family << " vs " << regularized;
    }
  }
  std::vector<double> initial, final;
  for (const auto& row : ReadRows(Folder("fig2_neural_sampled") / "runs.csv")) {
    if (row.at("method") != "omwu") continue;
    initial.push_back(Number(row.at("initial_gap")));
    final.push_back(Number(row.at("final_gap")));
  }
  ASSERT_EQ(final.size(), 3u);
  std::sort(initial.begin(), initial.end());
  std::sort(final.begin(), final.end());
  EXPECT_LT(final[1], initial[1] / 2);
}

// Sequence policies: with the transformer on the cyclic gpm game, every OMWU run ends below where it
// started and below every regularized run (their bias), each gap the exact one of the enumerated game.
TEST_F(Reproduce, TransformerOmwuEndsBelowTheRegularizedMethodsOnSequenceGames) {
  double worst_omwu = 0, best_regularized = 1;
  int runs = 0;
  for (const auto& row : ReadRows(Folder("fig_sequence") / "runs.csv")) {
    ++runs;
    const double final = Number(row.at("final_gap"));
    ASSERT_TRUE(final > 0 && final < 1) << row.at("run");
    if (row.at("method") == "omwu") {
      EXPECT_LT(final, Number(row.at("initial_gap")) / 1.4) << row.at("run");
      worst_omwu = std::max(worst_omwu, final);
    } else {
      best_regularized = std::min(best_regularized, final);
    }
  }
  EXPECT_EQ(runs, 6);  // 3 methods × 2 seeds (quick)
  EXPECT_LT(worst_omwu, best_regularized);
}
#endif

}  // namespace
}  // namespace nlhf
