// `nlhf reproduce --quick` end to end: the CSVs it writes must show the paper's claims themselves, and two
// runs must write identical CSVs.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "nlhf/io/atomic_file.h"
#include "testing.h"

namespace nlhf {
namespace {

namespace fs = std::filesystem;

// A CSV with a header as columns of strings.
std::map<std::string, std::vector<std::string>> ReadColumns(const fs::path& path) {
  std::istringstream in(ReadWholeFile(path.string()));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> names;
  std::stringstream header(line);
  for (std::string name; std::getline(header, name, ',');) names.push_back(name);
  std::map<std::string, std::vector<std::string>> columns;
  while (std::getline(in, line)) {
    std::stringstream row(line);
    size_t k = 0;
    for (std::string field; std::getline(row, field, ',') && k < names.size(); ++k) columns[names[k]].push_back(field);
  }
  return columns;
}

class Reproduce : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // CTest runs each test in its own process, two at a time: each process gets its own folder.
    dir_ = fs::path(::testing::TempDir()) / fmt::format("nlhf_reproduce_{}", ::getpid());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const char* name : {"first", "second"}) {
      const std::string command = fmt::format("'{}' reproduce --quick --out '{}' > '{}' 2>&1", NLHF_CLI_PATH,
                                              (dir_ / name).string(), (dir_ / (std::string(name) + ".log")).string());
      const int status = std::system(command.c_str());
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadWholeFile((dir_ / (std::string(name) + ".log")).string());
    }
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static fs::path dir_;
};

fs::path Reproduce::dir_;

TEST_F(Reproduce, WritesEveryFigureItsDataAndAReport) {
  for (const char* name : {"fig2_tabular", "fig3_omd", "fig_marginal", "fig_bias", "fig_stepsize"}) {
    EXPECT_GT(fs::file_size(dir_ / "first" / (std::string(name) + ".png")), 10000u) << name;
    EXPECT_TRUE(fs::exists(dir_ / "first" / (std::string(name) + ".csv"))) << name;
  }
  const std::string report = ReadWholeFile((dir_ / "first" / "report.md").string());
  EXPECT_THAT(report, ::testing::HasSubstr("## Claims"));
  EXPECT_THAT(report, ::testing::Not(::testing::HasSubstr("not supported")));
  testing::ExpectMarkdownTablesRender(report);
  // Each table's rate column holds a per-iteration rate below 1 or "none"; iteration counts say how many
  // seeds got there.
  std::istringstream lines(report);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| omwu(", 0) != 0 && line.rfind("| mwu-avg(", 0) != 0) continue;
    const std::string last = line.substr(line.rfind('|', line.size() - 2) + 1);
    if (last.find("none") == std::string::npos && last.find_first_of("0123456789") != std::string::npos &&
        line.find("(") != std::string::npos && std::count(line.begin(), line.end(), '|') == 6) {
      EXPECT_LT(std::stod(last), 1.0) << line;
      EXPECT_THAT(line, ::testing::ContainsRegex("\\([0-9]+/[0-9]+\\)")) << line;
    }
  }
  EXPECT_THAT(report, ::testing::HasSubstr("| random | 2 |"));  // the step-size table is there
}

TEST_F(Reproduce, TwoRunsWriteIdenticalCsvs) {
  for (const char* name : {"fig2_tabular.csv", "fig3_omd.csv", "fig_marginal.csv", "fig_bias.csv", "fig_stepsize.csv"}) {
    EXPECT_EQ(ReadWholeFile((dir_ / "first" / name).string()), ReadWholeFile((dir_ / "second" / name).string())) << name;
  }
#ifdef NLHF_EXPECT_NEURAL
  EXPECT_EQ(ReadWholeFile((dir_ / "first" / "fig2_neural.csv").string()),
            ReadWholeFile((dir_ / "second" / "fig2_neural.csv").string()));
#endif
}

#ifdef NLHF_EXPECT_NEURAL
// The neural panels: with the EGPO MLP and exact feedback OMWU ends below every regularized method; with
// sampled feedback its gap falls at least by half.
TEST_F(Reproduce, NeuralOmwuEndsBelowTheRegularizedMethodsAndFallsWithSampledFeedback) {
  EXPECT_GT(fs::file_size(dir_ / "first" / "fig2_neural.png"), 10000u);
  const auto c = ReadColumns(dir_ / "first" / "fig2_neural.csv");
  std::map<std::string, std::map<std::string, double>> first_gap, final_gap;
  for (size_t k = 0; k < c.at("family").size(); ++k) {
    const double gap = std::stod(c.at("median")[k]);
    first_gap[c.at("family")[k]].try_emplace(c.at("method")[k], gap);
    final_gap[c.at("family")[k]][c.at("method")[k]] = gap;
  }
  ASSERT_EQ(final_gap.size(), 3u);
  for (const char* panel : {"random_exact", "planted_exact"}) {
    for (const char* regularized : {"nash-md", "nash-md-pg", "online-ipo", "ipo-md", "inpo", "mmd"}) {
      EXPECT_LT(final_gap.at(panel).at("omwu"), final_gap.at(panel).at(regularized)) << panel << " vs " << regularized;
    }
  }
  EXPECT_LT(final_gap.at("random_sampled").at("omwu"), first_gap.at("random_sampled").at("omwu") / 2);
}
#endif

// Final median gap of each method, and OMWU's median curve, per family.
TEST_F(Reproduce, OmwuEndsBelowEveryRegularizedMethodAndConvergesLinearlyAfterBurnIn) {
  const auto c = ReadColumns(dir_ / "first" / "fig2_tabular.csv");
  std::map<std::string, std::map<std::string, double>> final_gap;
  std::map<std::string, std::vector<std::pair<double, double>>> omwu;
  for (size_t k = 0; k < c.at("family").size(); ++k) {
    const double gap = std::stod(c.at("median")[k]);
    final_gap[c.at("family")[k]][c.at("method")[k]] = gap;  // rows are in iteration order: the last wins
    if (c.at("method")[k] == "omwu") omwu[c.at("family")[k]].emplace_back(std::stod(c.at("iteration")[k]), gap);
  }
  ASSERT_EQ(final_gap.size(), 2u);
  for (auto& [family, gaps] : final_gap) {
    for (const char* regularized : {"nash-md", "online-ipo", "mmd"}) {
      EXPECT_LT(gaps.at("omwu"), gaps.at(regularized)) << family << " vs " << regularized;
    }
    // Least squares of log(gap) on iteration after the gap first reaches 1e-3, down to 1e-12.
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int count = 0;
    bool burnt_in = false;
    for (const auto& [t, gap] : omwu.at(family)) {
      burnt_in = burnt_in || gap <= 1e-3;
      if (!burnt_in || gap < 1e-12) continue;
      sx += t, sy += std::log(gap), sxx += t * t, sxy += t * std::log(gap), ++count;
    }
    ASSERT_GE(count, 5) << family;
    const double rate = std::exp((count * sxy - sx * sy) / (count * sxx - sx * sx));
    EXPECT_LT(rate, 1.0) << family;
  }
}

TEST_F(Reproduce, RegularizedPlateausGrowWithBeta) {
  const auto c = ReadColumns(dir_ / "first" / "fig_bias.csv");
  std::map<std::string, std::vector<std::pair<double, double>>> by_method;
  for (size_t k = 0; k < c.at("method").size(); ++k) {
    if (c.at("method")[k] == "omwu") continue;
    by_method[c.at("method")[k]].emplace_back(std::stod(c.at("beta")[k]), std::stod(c.at("plateau_median")[k]));
  }
  ASSERT_EQ(by_method.size(), 4u);
  for (auto& [method, points] : by_method) {
    std::sort(points.begin(), points.end());
    for (size_t k = 1; k < points.size(); ++k) EXPECT_GT(points[k].second, points[k - 1].second) << method;
  }
}

TEST_F(Reproduce, AverageMwuConvergesWhileTheLastIterateDoesNot) {
  const auto c = ReadColumns(dir_ / "first" / "fig3_omd.csv");
  std::map<std::string, std::vector<double>> curves;
  for (size_t k = 0; k < c.at("method").size(); ++k) curves[c.at("method")[k]].push_back(std::stod(c.at("median")[k]));
  EXPECT_LT(curves.at("mwu-avg").back(), curves.at("mwu-avg").front() / 10);
  EXPECT_GT(curves.at("mwu").back(), 0.05);
  EXPECT_GT(curves.at("mwu").back(), 10 * curves.at("mwu-avg").back());
}

// Planted n = 11, seed 1, action 0 started at log-probability −5000 (docs/solver-options.md).
TEST_F(Reproduce, MarginalActionStartsBelowMinus50AndClimbsBackAsTheGapReaches1e8) {
  const auto c = ReadColumns(dir_ / "first" / "fig_marginal.csv");
  const auto& log_pi = c.at("log_pi_0");
  EXPECT_LT(std::stod(log_pi.front()), -50);
  EXPECT_GT(std::stod(log_pi.back()), -10);
  EXPECT_LE(std::stod(c.at("duality_gap").back()), 1e-8);
}

}  // namespace
}  // namespace nlhf
