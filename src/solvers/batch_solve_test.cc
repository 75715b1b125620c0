// SolveBatch against SolveWith game by game: a batch advances small fused-OMWU games two at a time in one
// kernel (batch_solve.cc), and each answer must still be the one the game gets alone.
#include "nlhf/batch_solve.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "nlhf/error.h"
#include "nlhf/generators.h"
#include "nlhf/registry.h"

namespace nlhf {
namespace {

bool SameBits(double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; }

bool SameBits(const PlayerVectors& x, const PlayerVectors& y) {
  if (x.size() != y.size()) return false;
  for (std::size_t p = 0; p < x.size(); ++p) {
    if (x[p].size() != y[p].size() || std::memcmp(x[p].data(), y[p].data(), x[p].size() * sizeof(double)) != 0) {
      return false;
    }
  }
  return true;
}

// Everything a result reports but its seconds, bit for bit.
void ExpectSameResult(const SolveResult& batch, const SolveResult& alone, const std::string& where) {
  EXPECT_EQ(batch.algorithm, alone.algorithm) << where;
  EXPECT_EQ(batch.termination, alone.termination) << where;
  EXPECT_EQ(batch.message, alone.message) << where;
  EXPECT_EQ(batch.iterations, alone.iterations) << where;
  EXPECT_TRUE(SameBits(batch.duality_gap, alone.duality_gap)) << where << ": " << batch.duality_gap << " vs " << alone.duality_gap;
  EXPECT_EQ(batch.polished, alone.polished) << where;
  EXPECT_TRUE(SameBits(batch.policy, alone.policy)) << where;
  EXPECT_TRUE(SameBits(batch.log_policy, alone.log_policy)) << where;
  EXPECT_EQ(batch.support, alone.support) << where;
  ASSERT_EQ(batch.trace.size(), alone.trace.size()) << where;
  for (std::size_t i = 0; i < batch.trace.size(); ++i) {
    EXPECT_EQ(batch.trace[i].iteration, alone.trace[i].iteration) << where;
    EXPECT_TRUE(SameBits(batch.trace[i].duality_gap, alone.trace[i].duality_gap)) << where << ", record " << i;
    EXPECT_TRUE(SameBits(batch.trace[i].l1_change, alone.trace[i].l1_change)) << where << ", record " << i;
  }
}

// Games of several sizes, in runs of one size and mixed, so that pairs form, break on a change of size and
// end on the last game of a thread; a few too large for the small path.
std::vector<Eigen::MatrixXd> MixedGames() {
  std::vector<Eigen::MatrixXd> games;
  const int sizes[] = {10, 10, 10, 3, 3, 16, 10, 2, 24, 10, 7, 7, 7, 10, 1, 10, 16, 16, 9, 30};
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i < 20; ++i) games.push_back(RandomPreferences(sizes[(i + 3 * round) % 20], 1000 * round + i));
  }
  // Non-transitive and transitive games: pure and mixed equilibria, supports settled at different times.
  games.push_back(RockPaperScissors());
  games.push_back(Cyclic3());
  games.push_back(TransitivePreferences(10, 7, nullptr));
  games.push_back(PlantedPreferences(12, 5, nullptr));
  return games;
}

// Returns how many games converged.
int ExpectEachAnswerIsSolveWiths(const BatchSolveOptions& options, const std::string& what) {
  const std::vector<Eigen::MatrixXd> matrices = MixedGames();
  std::vector<SolveResult> answers(matrices.size());
  std::vector<std::string> choices(matrices.size());
  SolveBatch(
      matrices.size(), [&](std::size_t k) { return PreferenceGame(matrices[k]); }, options,
      [&](const BatchAnswer& answer) {
        answers[answer.index] = answer.result;
        choices[answer.index] = answer.choice ? answer.choice->Describe() : "";
      });
  for (std::size_t k = 0; k < matrices.size(); ++k) {
    const ZeroSumGame game = ZeroSumGame::FromPreferences(PreferenceGame(matrices[k]));
    const std::string where = what + ", game " + std::to_string(k) + " (n = " + std::to_string(matrices[k].rows()) + ")";
    const AlgorithmChoice choice = DefaultAlgorithm(game, !options.parameters.empty());
    const std::string name = options.algorithm.empty() ? choice.name : options.algorithm;
    ExpectSameResult(answers[k], SolveWith(name, game, options.solve, options.parameters), where);
    EXPECT_EQ(choices[k], options.algorithm.empty() ? choice.Describe() : "") << where;
  }
  return static_cast<int>(std::count_if(answers.begin(), answers.end(), [](const SolveResult& r) { return r.converged(); }));
}

TEST(SolveBatch, EachAnswerIsTheOneItsGameGetsAlone) {
  BatchSolveOptions polished;  // the default: OMWU to 1e-9, polished
  polished.solve.max_iterations = 5000;
  ExpectEachAnswerIsSolveWiths(polished, "default");

  BatchSolveOptions plain{.algorithm = "omwu", .parameters = {{"eta", 1.5}}};
  plain.solve.polish = false;
  plain.solve.max_iterations = 700;  // some games meet the tolerance first, the others stop here
  plain.solve.gap_tolerance = 1e-4;
  plain.solve.trace_interval = 37;
  const int converged = ExpectEachAnswerIsSolveWiths(plain, "omwu(eta=1.5), traced, no polishing");
  EXPECT_GT(converged, 20);  // so that games stop inside a stretch shared with another
  EXPECT_LT(converged, 100);

  BatchSolveOptions parameters_only{.parameters = {{"eta", 0.5}}};  // a step size without a name: OMWU
  parameters_only.solve.gap_tolerance = 1e-11;
  parameters_only.solve.max_iterations = 3000;
  parameters_only.solve.storage = Storage::kF32;
  ExpectEachAnswerIsSolveWiths(parameters_only, "eta=0.5, f32 storage");

  BatchSolveOptions called;  // a callback stops games at different iterations, one update at a time
  called.solve.callback = [](const TraceRecord& record) { return record.iteration < 40 + 10 * (record.duality_gap < 0.01); };
  called.solve.polish = false;
  called.solve.max_iterations = 3000;
  ExpectEachAnswerIsSolveWiths(called, "callback");
}

// A bad game among small ones is reported by its index after every other game was answered.
TEST(SolveBatch, ABadGameAmongPairedOnesIsReportedAndTheOthersAnswered) {
  std::vector<Eigen::MatrixXd> matrices;
  for (int k = 0; k < 40; ++k) matrices.push_back(RandomPreferences(10, k));
  matrices[13](0, 1) = 0.9;  // P + Pᵀ = 1 broken at (0, 1)
  matrices[29](2, 2) = std::nan("");
  std::vector<int> answered(matrices.size(), 0);
  BatchSolveOptions options;
  try {
    SolveBatch(
        matrices.size(), [&](std::size_t k) { return PreferenceGame(matrices[k]); }, options,
        [&](const BatchAnswer& answer) { ++answered[answer.index]; });
    FAIL() << "no error";
  } catch (const InvalidArgument& error) {
    EXPECT_EQ(std::string(error.what()), [&] {
      try {
        PreferenceGame bad(matrices[13]);
      } catch (const InvalidArgument& expected) {
        return std::string(expected.what());
      }
      return std::string("game 13 accepted");
    }());
  }
  for (std::size_t k = 0; k < matrices.size(); ++k) EXPECT_EQ(answered[k], k == 13 || k == 29 ? 0 : 1) << k;
}

}  // namespace
}  // namespace nlhf
