#include "nlhf/io/policy_file.h"

#include <fmt/format.h>

#include <charconv>

#include "io/json_text.h"
#include "nlhf/error.h"
#include "nlhf/io/atomic_file.h"

namespace nlhf {
namespace {

using nlohmann::json;

Eigen::VectorXd ReadVector(const json& list, const std::string& path, const std::string& where) {
  if (!list.is_array() || list.empty()) {
    throw ParseError(fmt::format("{}: {} must be a non-empty array of log-probabilities", path, where));
  }
  Eigen::VectorXd v(static_cast<Eigen::Index>(list.size()));
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].is_null()) {
      throw ParseError(fmt::format("{}: {}[{}] is null (−inf): an initial log-probability must be finite, "
                                   "or that action could never be played", path, where, i));
    }
    v[i] = internal::JsonNumber(list[i], path, [&] { return fmt::format("{}[{}]", where, i); });
  }
  return v;
}

}  // namespace

PlayerVectors ParseLogPolicyJson(std::string_view text, const std::string& path) {
  const json document = internal::ParseJsonDocument(text, path);
  const json* list = &document;
  std::string where = "the array";
  if (document.is_object()) {
    if (!document.contains("log_policy")) {
      throw ParseError(fmt::format("{}: expected an array of log-probabilities or an object with key "
                                   "\"log_policy\"", path));
    }
    list = &document["log_policy"];
    where = "log_policy";
  }
  if (list->is_array() && !list->empty() && (*list)[0].is_array()) {
    PlayerVectors players;
    for (size_t p = 0; p < list->size(); ++p) {
      players.push_back(ReadVector((*list)[p], path, fmt::format("{}[{}]", where, p)));
    }
    if (players.size() > 2) {
      throw ParseError(fmt::format("{}: {} holds {} policies: give one, or two (row, column)", path, where,
                                   players.size()));
    }
    return players;
  }
  return {ReadVector(*list, path, where)};
}

PlayerVectors ReadLogPolicyFile(const std::string& path) {
  return ParseLogPolicyJson(ReadWholeFile(path), path);
}

InitialPolicy ParseInitialPolicy(const std::string& spec, std::uint64_t seed) {
  if (spec == "uniform") return {.kind = InitialPolicy::Kind::kUniform, .seed = seed};
  if (spec == "random") return {.kind = InitialPolicy::Kind::kRandom, .seed = seed};
  if (spec == "exact") return {.kind = InitialPolicy::Kind::kExact, .seed = seed};
  if (spec.starts_with("exact:")) {
    const std::string share = spec.substr(6);
    double mixing = 0;
    const auto [end, error] = std::from_chars(share.data(), share.data() + share.size(), mixing);
    if (error != std::errc() || end != share.data() + share.size() || !(mixing > 0 && mixing <= 1)) {
      throw InvalidArgument(fmt::format("--init {}: expected exact:SHARE with SHARE in (0, 1], the uniform policy's "
                                        "share in the start (exact alone: 1e-6)", spec));
    }
    return {.kind = InitialPolicy::Kind::kExact, .seed = seed, .exact_mixing = mixing};
  }
  return {.kind = InitialPolicy::Kind::kGiven, .seed = seed, .log_policy = ReadLogPolicyFile(spec)};
}

}  // namespace nlhf
