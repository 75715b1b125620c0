#include "nlhf/io/result_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace nlhf {
namespace {

// What BatchAnswerLine must equal: SolveResultJson with the batch's keys, dumped by nlohmann.
std::string ThroughNlohmann(const ZeroSumGame& game, const SolveResult& result, const std::string* choice,
                            const std::string& context) {
  nlohmann::json line = SolveResultJson(game, result);
  if (choice != nullptr) line["algorithm_choice"] = *choice;
  line["context"] = context;
  return line.dump();
}

// The batch's line, written directly, is byte for byte the nlohmann object's dump: every key present or
// absent, numbers of every kind (tiny, huge, negative zero, integral, non-finite), and strings that need
// escaping or hold UTF-8.
TEST(BatchAnswerLine, IsTheDumpOfSolveResultJsonWithTheBatchKeys) {
  Eigen::MatrixXd preferences(3, 3);
  preferences << 0.5, 0.8, 0.3, 0.2, 0.5, 0.6, 0.7, 0.4, 0.5;
  const ZeroSumGame symmetric = ZeroSumGame::FromPreferences(PreferenceGame(preferences));
  Eigen::MatrixXd payoff(2, 4);
  payoff << 1, -1, 0.5, 2, -3, 1, 0, 0.25;
  const ZeroSumGame two_player = ZeroSumGame::FromPayoff(payoff);
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();

  std::vector<SolveResult> results;
  SolveResult plain;
  plain.algorithm = "omwu(eta=1)";
  plain.iterations = 200;
  plain.duality_gap = 0.09657359337916278;
  plain.termination = Termination::kMaxIterations;
  plain.policy = {Eigen::Vector3d(0.009042383982691382, 3.300448050645215e-300, 0.9909576160173086)};
  plain.support = {{0, 2}};
  results.push_back(plain);
  SolveResult converged = plain;
  converged.termination = Termination::kConverged;
  converged.polished = true;
  converged.duality_gap = 0;
  converged.iterations = std::int64_t{1} << 40;
  converged.policy = {Eigen::Vector3d(1.0, -0.0, 0.0)};
  converged.support = {{0}};
  results.push_back(converged);
  SolveResult odd = plain;
  odd.algorithm = "sppo(beta=0.01,eta=1e+20)";
  odd.duality_gap = nan;
  odd.regularized_gap = 1.5e-320;
  odd.termination = Termination::kNumericalFailure;
  odd.policy = {Eigen::Vector3d(nan, inf, -inf)};
  odd.support = {{}};
  results.push_back(odd);
  SolveResult empty = plain;
  empty.policy.clear();
  empty.support.clear();
  empty.regularized_gap = 123456789012345678.0;
  results.push_back(empty);

  const std::string choice = "omwu (3 actions < 200: OMWU certifies games of this size in milliseconds)";
  const std::vector<std::string> contexts = {"0", "", "q \"17\"\\n", "line\nbreak\ttab\x01\x7f", "prompt ≻ 中文"};
  std::string line = "left over from a previous line";
  for (const SolveResult& result : results) {
    for (const ZeroSumGame* game : {&symmetric, &two_player}) {
      for (const std::string& context : contexts) {
        for (const std::string* given_choice : {&choice, static_cast<const std::string*>(nullptr)}) {
          BatchAnswerLine(*game, result, given_choice, context, line);
          EXPECT_EQ(line, ThroughNlohmann(*game, result, given_choice, context)) << context;
        }
      }
    }
  }
  // Text that is not UTF-8 is refused as dump() refuses it.
  EXPECT_THROW(BatchAnswerLine(symmetric, plain, nullptr, "\xff\xfe", line), nlohmann::json::type_error);
}

}  // namespace
}  // namespace nlhf
