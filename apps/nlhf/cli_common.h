// Pieces every subcommand shares: the common flags and turning vectors into JSON.
#ifndef NLHF_APPS_CLI_COMMON_H_
#define NLHF_APPS_CLI_COMMON_H_

#include <CLI/CLI.hpp>
#include <Eigen/Dense>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nlhf::cli {

// Flags that mean the same in every subcommand.
struct CommonArgs {
  bool json = false;
  std::uint64_t seed = 0;
};
void AddCommonFlags(CLI::App& command, CommonArgs& args, bool with_seed);

// A vector as a JSON array; −inf (a log of an exact zero) becomes null, as JSON has no infinities.
nlohmann::json ToJson(const Eigen::VectorXd& v);
nlohmann::json ToJson(const std::vector<int>& v);

// Prints one JSON document on stdout.
void PrintJson(const nlohmann::json& document);

}  // namespace nlhf::cli

#endif  // NLHF_APPS_CLI_COMMON_H_
