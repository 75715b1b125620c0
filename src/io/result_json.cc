#include "nlhf/io/result_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace nlhf {

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

nlohmann::json SolveResultJson(const ZeroSumGame& game, const SolveResult& result) {
  nlohmann::json out;
  out["algorithm"] = result.algorithm;
  out["n"] = game.num_actions(game.symmetric() ? 0 : 1);
  out["iterations"] = result.iterations;
  out["duality_gap"] = result.duality_gap;
  if (!std::isnan(result.regularized_gap)) out["regularized_gap"] = result.regularized_gap;
  out["converged"] = result.converged();
  out["termination"] = TerminationName(result.termination);
  out["polished"] = result.polished;
  if (!result.policy.empty()) {
    out["policy"] = ToJson(result.policy[0]);
    out["support"] = ToJson(result.support[0]);
  }
  return out;
}

namespace {

// The pieces of a JSON text as nlohmann's serializer (basic_json::dump, no indentation) writes them.
void AppendNumber(std::string& out, double x) {
  if (!std::isfinite(x)) {
    out += "null";
    return;
  }
  char buffer[64];
  out.append(buffer, nlohmann::detail::to_chars(buffer, buffer + sizeof buffer, x));
}

void AppendInteger(std::string& out, std::int64_t x) {
  char buffer[24];
  out.append(buffer, std::to_chars(buffer, buffer + sizeof buffer, x).ptr);
}

void AppendString(std::string& out, std::string_view text) {
  // Printable ASCII with no quote or backslash is written as it is; anything else (escapes, UTF-8, which
  // dump() also validates) by dump() itself.
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
  if (!plain) {
    out += nlohmann::json(std::string(text)).dump();
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

void AppendKey(std::string& out, std::string_view key) {
  if (out.size() > 1) out += ',';  // after the opening brace, no comma
  out += '"';
  out += key;
  out += "\":";
}

}  // namespace

void BatchAnswerLine(const ZeroSumGame& game, const SolveResult& result, const std::string* choice,
                     std::string_view context, std::string& line) {
  // The keys in nlohmann's order (std::map: sorted), each written only where SolveResultJson writes it.
  line.clear();  // not assign("{"): GCC 12 reports a false -Wrestrict there (its bug 105329)
  line += '{';
  AppendKey(line, "algorithm");
  AppendString(line, result.algorithm);
  if (choice != nullptr) {
    AppendKey(line, "algorithm_choice");
    AppendString(line, *choice);
  }
  AppendKey(line, "context");
  AppendString(line, context);
  AppendKey(line, "converged");
  line += result.converged() ? "true" : "false";
  AppendKey(line, "duality_gap");
  AppendNumber(line, result.duality_gap);
  AppendKey(line, "iterations");
  AppendInteger(line, result.iterations);
  AppendKey(line, "n");
  AppendInteger(line, game.num_actions(game.symmetric() ? 0 : 1));
  if (!result.policy.empty()) {
    AppendKey(line, "policy");
    line += '[';
    for (Eigen::Index a = 0; a < result.policy[0].size(); ++a) {
      if (a > 0) line += ',';
      AppendNumber(line, result.policy[0][a]);
    }
    line += ']';
  }
  AppendKey(line, "polished");
  line += result.polished ? "true" : "false";
  if (!std::isnan(result.regularized_gap)) {
    AppendKey(line, "regularized_gap");
    AppendNumber(line, result.regularized_gap);
  }
  if (!result.policy.empty()) {
    AppendKey(line, "support");
    line += '[';
    for (size_t a = 0; a < result.support[0].size(); ++a) {
      if (a > 0) line += ',';
      AppendInteger(line, result.support[0][a]);
    }
    line += ']';
  }
  AppendKey(line, "termination");
  AppendString(line, TerminationName(result.termination));
  line += '}';
}

}  // namespace nlhf
