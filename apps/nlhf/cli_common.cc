#include "cli_common.h"

#include <cmath>
#include <iostream>

namespace nlhf::cli {

void AddCommonFlags(CLI::App& command, CommonArgs& args, bool with_seed) {
  command.add_flag("--json", args.json, "Print exactly one JSON object on stdout instead of a summary");
  if (with_seed) {
    command.add_option("--seed", args.seed, "Seed for every random choice (same seed, same numbers)")
        ->capture_default_str();
  }
}

nlohmann::json ToJson(const Eigen::VectorXd& v) {
  nlohmann::json array = nlohmann::json::array();
  for (double x : v) {
    if (std::isfinite(x)) {
      array.push_back(x);
    } else {
      array.push_back(nullptr);
    }
  }
  return array;
}

nlohmann::json ToJson(const std::vector<int>& v) { return nlohmann::json(v); }

void PrintJson(const nlohmann::json& document) { std::cout << document.dump(1) << std::endl; }

}  // namespace nlhf::cli
