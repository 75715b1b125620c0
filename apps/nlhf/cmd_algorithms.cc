// nlhf algorithms: the registry, as a table or JSON.
#include <fmt/format.h>

#include <iostream>

#include "commands.h"
#include "nlhf/registry.h"

namespace nlhf::cli {

void SetupAlgorithms(CLI::App& command, AlgorithmsArgs& args) { AddCommonFlags(command, args.common, false); }

int RunAlgorithms(const AlgorithmsArgs& args) {
  if (args.common.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& algorithm : Algorithms()) {
      nlohmann::json parameters = nlohmann::json::array();
      for (const auto& p : algorithm.parameters) {
        parameters.push_back({{"name", p.name}, {"default", p.default_value}, {"doc", p.doc}});
      }
      list.push_back({{"name", algorithm.name},
                      {"summary", algorithm.summary},
                      {"reference", algorithm.reference},
                      {"parameters", parameters}});
    }
    PrintJson({{"algorithms", list}});
    return 0;
  }
  for (const auto& algorithm : Algorithms()) {
    std::cout << fmt::format("{:<10} {}\n", algorithm.name, algorithm.summary);
    for (const auto& p : algorithm.parameters) {
      std::cout << fmt::format("{:<10}   --param {}={:g}  {}\n", "", p.name, p.default_value, p.doc);
    }
  }
  return 0;
}

}  // namespace nlhf::cli
