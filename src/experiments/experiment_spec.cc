// Reading an experiment file: YAML through yaml-cpp, every key checked against the schema of
// docs/experiments.md, every error naming the file, line and column (or the --set that put the value
// there), grids expanded in the order the file gives them.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "nlhf/error.h"
#include "nlhf/experiments/experiment.h"
#include "nlhf/generators.h"

namespace nlhf {
namespace {

// Grids beyond this many runs are refused before they are expanded (a typo in a list should not fill
// the memory).
constexpr double kMaxRuns = 1e6;

// Values put in by --set carry this tag, with the override's index, so that messages can name it.
constexpr const char* kSetTag = "!nlhf-set-";

class Reader {
 public:
  Reader(std::string path, std::vector<std::string> overrides) : path_(std::move(path)), overrides_(std::move(overrides)) {}

  // "file.yaml:3:7" (1-based), or "--set KEY=VALUE" for a value an override gave.
  std::string Where(const YAML::Node& node) const {
    // A file may carry any tag, this one's spelling included: only a valid index names an override.
    const std::string& tag = node.Tag();
    if (tag.rfind(kSetTag, 0) == 0) {
      const std::string digits = tag.substr(std::string(kSetTag).size());
      if (!digits.empty() && digits.size() < 6 && digits.find_first_not_of("0123456789") == std::string::npos &&
          std::stoul(digits) < overrides_.size()) {
        return "--set " + overrides_[std::stoul(digits)];
      }
    }
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return path_;
    return fmt::format("{}:{}:{}", path_, mark.line + 1, mark.column + 1);
  }

  [[noreturn]] void Fail(const YAML::Node& node, const std::string& what) const {
    throw InvalidArgument(fmt::format("{}: {}", Where(node), what));
  }

  // The keys of a mapping, each checked against `known`.
  void CheckKeys(const YAML::Node& map, const std::string& what, const std::vector<std::string>& known) const {
    if (!map.IsMap()) Fail(map, fmt::format("{} must be a mapping of keys to values", what));
    for (const auto& entry : map) {
      if (!entry.first.IsScalar()) Fail(entry.first, fmt::format("a key of {} must be a plain name", what));
      const std::string key = entry.first.as<std::string>();
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        Fail(entry.first, fmt::format("unknown key '{}' in {} (known: {})", key, what, fmt::join(known, ", ")));
      }
    }
  }

  std::string String(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) Fail(node, fmt::format("'{}' must be a string", key));
    return node.as<std::string>();
  }

  double Number(const YAML::Node& node, const std::string& key) const {
    double value = 0;
    if (!node.IsScalar() || !YAML::convert<double>::decode(node, value) || !std::isfinite(value)) {
      Fail(node, fmt::format("'{}' must be a finite number, not '{}'", key, Show(node)));
    }
    return value;
  }

  std::int64_t Integer(const YAML::Node& node, const std::string& key, std::int64_t minimum) const {
    std::int64_t value = 0;
    if (!node.IsScalar() || !YAML::convert<std::int64_t>::decode(node, value)) {
      Fail(node, fmt::format("'{}' must be an integer, not '{}'", key, Show(node)));
    }
    if (value < minimum) Fail(node, fmt::format("'{}' = {}. Violated constraint: {} >= {}", key, value, key, minimum));
    return value;
  }

  // A file named relative to the experiment file (so that an experiment runs from any directory); it must
  // exist.
  std::string File(const YAML::Node& node, const std::string& key) const {
    const std::filesystem::path file(String(node, key)), base = std::filesystem::path(path_).parent_path();
    const std::string resolved = file.is_absolute() || base.empty() ? file.string() : (base / file).string();
    if (!std::filesystem::exists(resolved)) Fail(node, fmt::format("no file '{}'", resolved));
    return resolved;
  }

  bool Boolean(const YAML::Node& node, const std::string& key) const {
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
      Fail(node, fmt::format("'{}' must be true or false, not '{}'", key, Show(node)));
    }
    return value;
  }

  // A value or a list of values (a grid axis), each read by `one`.
  template <typename T, typename One>
  std::vector<T> Axis(const YAML::Node& node, const std::string& key, One one) const {
    std::vector<T> values;
    if (node.IsSequence()) {
      if (node.size() == 0) Fail(node, fmt::format("'{}' is an empty list: a grid axis needs a value", key));
      for (const YAML::Node& item : node) values.push_back(one(item));
    } else {
      values.push_back(one(node));
    }
    return values;
  }

  // An integer axis: a value, a list, or a range "A..B" (both included).
  std::vector<std::int64_t> IntegerAxis(const YAML::Node& node, const std::string& key, std::int64_t minimum) const {
    if (node.IsScalar()) {
      const std::string text = node.Scalar();
      if (const size_t dots = text.find(".."); dots != std::string::npos) {
        std::int64_t first = 0, last = 0;
        try {
          size_t used_first = 0, used_last = 0;
          first = std::stoll(text.substr(0, dots), &used_first);
          last = std::stoll(text.substr(dots + 2), &used_last);
          if (used_first != dots || used_last != text.size() - dots - 2) throw std::invalid_argument(text);
        } catch (const std::exception&) {
          Fail(node, fmt::format("'{}' = '{}': a range is two integers, A..B", key, text));
        }
        if (first < minimum) Fail(node, fmt::format("'{}' = {}. Violated constraint: {} >= {}", key, first, key, minimum));
        if (last < first) Fail(node, fmt::format("'{}' = {}: an empty range (B < A)", key, text));
        if (static_cast<double>(last - first) >= kMaxRuns) Fail(node, fmt::format("'{}' = {}: more than {:g} values", key, text, kMaxRuns));
        std::vector<std::int64_t> values;
        for (std::int64_t v = first; v <= last; ++v) values.push_back(v);
        return values;
      }
    }
    return Axis<std::int64_t>(node, key, [&](const YAML::Node& v) { return Integer(v, key, minimum); });
  }

  static std::string Show(const YAML::Node& node) {
    if (node.IsScalar()) return node.Scalar();
    YAML::Emitter out;
    out << YAML::Flow << node;
    return out.c_str();
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::string> overrides_;
};

// Tags `node` and everything under it as put in by override `index`.
void TagOverride(YAML::Node node, size_t index) {
  node.SetTag(kSetTag + std::to_string(index));
  if (node.IsSequence() || node.IsMap()) {
    for (auto entry : node) {
      if (node.IsMap()) TagOverride(entry.second, index);
      else TagOverride(entry, index);
    }
  }
}

// Sets the value at a dotted path ("methods.0.eta") of `root`; `what` names the change in messages.
void SetPath(YAML::Node& root, const std::vector<std::string>& path, const YAML::Node& value, const std::string& what) {
  // A list entry's position from its path part.
  const auto position_in = [&](const YAML::Node& list, const std::string& part) {
    size_t position = 0;
    try {
      position = std::stoul(part);
    } catch (const std::exception&) {
      throw InvalidArgument(fmt::format("{}: '{}' is a list; index it by number", what, part));
    }
    if (position >= list.size()) {
      throw InvalidArgument(fmt::format("{}: index {} is past the list's {} entries", what, position, list.size()));
    }
    return position;
  };
  YAML::Node node;
  node.reset(root);
  for (size_t k = 0; k + 1 < path.size(); ++k) {
    if (path[k].empty()) throw InvalidArgument(fmt::format("{}: an empty key in the path", what));
    YAML::Node next;
    if (node.IsSequence()) {
      next.reset(node[position_in(node, path[k])]);
    } else if (node.IsMap() && node[path[k]]) {
      next.reset(node[path[k]]);
    } else {
      throw InvalidArgument(fmt::format("{}: no '{}' to set a key in", what, path[k]));
    }
    node.reset(next);
  }
  if (node.IsSequence()) {
    node[position_in(node, path.back())] = value;
  } else {
    node[path.back()] = value;
  }
}

std::vector<std::string> DottedPath(const std::string& key) {
  std::vector<std::string> path;
  for (size_t start = 0; start <= key.size();) {
    const size_t dot = std::min(key.find('.', start), key.size());
    path.push_back(key.substr(start, dot - start));
    start = dot + 1;
  }
  return path;
}

void ApplyOverride(YAML::Node& root, const std::string& text, size_t index) {
  const size_t equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw InvalidArgument(fmt::format("--set {}: expected KEY=VALUE, e.g. iterations=500 or methods.0.eta=0.5", text));
  }
  YAML::Node value;
  try {
    value = YAML::Load(text.substr(equals + 1));
  } catch (const YAML::Exception& e) {
    throw InvalidArgument(fmt::format("--set {}: the value is not YAML: {}", text, e.msg));
  }
  TagOverride(value, index);
  SetPath(root, DottedPath(text.substr(0, equals)), value, "--set " + text);
}

// The file's quick: mapping (dotted keys to values), applied by --quick before any --set.
// (ReadExperiment has checked that it is a mapping.)
void ApplyQuick(const Reader& reader, YAML::Node& root) {
  for (const auto& entry : root["quick"]) {
    if (!entry.first.IsScalar()) reader.Fail(entry.first, "a key of quick must be a dotted path, e.g. iterations");
    SetPath(root, DottedPath(entry.first.Scalar()), entry.second, reader.Where(entry.first) + ": quick " + entry.first.Scalar());
  }
}

// sequence: {vocab, length, prompts, prompt_length, oracle, oracle_file, transitivity}, as `nlhf train --vocab`.
ExperimentSequence ReadSequence(const Reader& reader, const YAML::Node& node) {
  if (!node.IsMap()) reader.Fail(node, "'sequence' is a mapping: {vocab: 3, length: 4, prompts: 2, transitivity: 0}");
  reader.CheckKeys(node, "sequence", {"vocab", "length", "prompts", "prompt_length", "oracle", "oracle_file", "transitivity"});
  if (!node["vocab"]) reader.Fail(node, "a sequence game needs 'vocab' (the tokens, as nlhf train --vocab)");
  ExperimentSequence s;
  for (const auto& [key, field, minimum] : {std::tuple{"vocab", &s.vocab, 1}, std::tuple{"length", &s.length, 1},
                                            std::tuple{"prompts", &s.prompts, 1}, std::tuple{"prompt_length", &s.prompt_length, 0}}) {
    if (!node[key]) continue;
    const std::int64_t value = reader.Integer(node[key], key, minimum);
    if (value > 100000) reader.Fail(node[key], fmt::format("'{}' above 100,000", key));
    *field = static_cast<int>(value);
  }
  if (node["oracle"]) {
    s.oracle = reader.String(node["oracle"], "oracle");
    if (s.oracle != "gpm" && s.oracle != "table" && s.oracle != "torchscript") {
      reader.Fail(node["oracle"], fmt::format("oracle '{}': expected gpm, table or torchscript", s.oracle));
    }
  }
  if (node["oracle_file"]) s.oracle_file = reader.File(node["oracle_file"], "oracle_file");
  if ((s.oracle == "gpm") != s.oracle_file.empty()) {
    reader.Fail(node, s.oracle == "gpm" ? "the gpm oracle reads no file" : "oracle " + s.oracle + " needs 'oracle_file'");
  }
  if (node["transitivity"]) {
    s.transitivity = reader.Number(node["transitivity"], "transitivity");
    if (!(s.transitivity >= 0 && s.transitivity <= 1)) {
      reader.Fail(node["transitivity"], fmt::format("transitivity = {:g}. Violated constraint: 0 <= transitivity <= 1", s.transitivity));
    }
  }
  return s;
}

std::string SequenceLabel(const ExperimentSequence& s, std::uint64_t seed) {
  const std::string oracle = s.oracle == "gpm" ? fmt::format("gpm X={:g}", s.transitivity)
                                               : fmt::format("{} {}", s.oracle, std::filesystem::path(s.oracle_file).filename().string());
  return fmt::format("sequences(V={}, T={}, {}, {} prompt{}, seed={})", s.vocab, s.length, oracle, s.prompts,
                     s.prompts == 1 ? "" : "s", seed);
}

std::vector<ExperimentGame> ReadGame(const Reader& reader, const YAML::Node& game) {
  reader.CheckKeys(game, "a game", {"name", "file", "payoff", "generate", "sequence", "n", "seed", "delta", "family"});
  const std::string family = game["family"] ? reader.String(game["family"], "family") : "";
  const int sources = static_cast<int>(static_cast<bool>(game["file"])) + static_cast<int>(static_cast<bool>(game["generate"])) +
                      static_cast<int>(static_cast<bool>(game["sequence"]));
  if (sources != 1) reader.Fail(game, "a game needs exactly one of 'file', 'generate' and 'sequence'");
  const bool has_file = static_cast<bool>(game["file"]);
  const std::string name = game["name"] ? reader.String(game["name"], "name") : "";
  std::vector<ExperimentGame> games;
  double product = 1;
  for (const char* key : {"n", "seed", "delta"}) {
    if (game[key] && game[key].IsSequence()) product *= static_cast<double>(game[key].size());
  }
  // (a range's size is bounded where it is read)
  if (product > kMaxRuns) reader.Fail(game, fmt::format("this game's grid has {:g} games; at most {:g}", product, kMaxRuns));
  if (has_file) {
    for (const char* key : {"n", "seed", "delta"}) {
      if (game[key]) reader.Fail(game[key], fmt::format("'{}' applies to generated games, not to a file", key));
    }
    ExperimentGame g;
    g.file = reader.File(game["file"], "file");
    g.payoff = game["payoff"] ? reader.Boolean(game["payoff"], "payoff") : false;
    g.label = name.empty() ? std::filesystem::path(g.file).stem().string() : name;
    g.family = family;
    games.push_back(g);
    return games;
  }
  if (game["payoff"]) reader.Fail(game["payoff"], "'payoff' applies to files; a generator knows what it makes");
  if (game["sequence"]) {
    for (const char* key : {"n", "delta"}) {
      if (game[key]) reader.Fail(game[key], fmt::format("'{}' applies to generated games; a sequence game's size is its space's", key));
    }
    const ExperimentSequence sequence = ReadSequence(reader, game["sequence"]);
    for (const std::int64_t seed : game["seed"] ? reader.IntegerAxis(game["seed"], "seed", 0) : std::vector<std::int64_t>{0}) {
      ExperimentGame g;
      g.sequence = sequence;
      g.seed = static_cast<std::uint64_t>(seed);
      g.label = (name.empty() ? "" : name + " ") + SequenceLabel(sequence, g.seed);
      g.family = family;
      games.push_back(g);
    }
    return games;
  }
  const std::string kind = reader.String(game["generate"], "generate");
  const auto& kinds = GeneratorKinds();
  if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
    reader.Fail(game["generate"], fmt::format("unknown generator '{}'; known: {}", kind, fmt::join(kinds, ", ")));
  }
  const std::vector<std::int64_t> ns = game["n"] ? reader.IntegerAxis(game["n"], "n", 2) : std::vector<std::int64_t>{10};
  const std::vector<std::int64_t> seeds =
      game["seed"] ? reader.IntegerAxis(game["seed"], "seed", 0) : std::vector<std::int64_t>{0};
  const std::vector<double> deltas =
      game["delta"] ? reader.Axis<double>(game["delta"], "delta", [&](const YAML::Node& v) { return reader.Number(v, "delta"); })
                    : std::vector<double>{0.01};
  for (const std::int64_t n : ns) {
    for (const std::int64_t seed : seeds) {
      for (const double delta : deltas) {
        ExperimentGame g;
        g.generator = kind;
        g.n = static_cast<int>(n);
        g.seed = static_cast<std::uint64_t>(seed);
        g.delta = delta;
        try {
          g.label = GeneratorDescription({.kind = kind, .n = g.n, .seed = g.seed, .delta = delta});
        } catch (const InvalidArgument& e) {
          reader.Fail(game, e.what());
        }
        if (!name.empty()) g.label = name + " " + g.label;
        g.family = family;
        games.push_back(g);
      }
    }
  }
  return games;
}

// The parameters a neural method takes in a file (the trainer checks the method's name and β's use).
const std::vector<std::string> kNeuralParameters = {"eta", "beta", "lr", "samples"};

std::vector<ExperimentMethod> ReadMethod(const Reader& reader, const YAML::Node& method, bool neural) {
  reader.CheckKeys(method, "a method", {"algo", "eta", "params", "iterations"});
  if (!method["algo"]) reader.Fail(method, "a method needs 'algo' (see `nlhf algorithms`, or `nlhf train --help` for a neural policy)");
  const AlgorithmSpec* algorithm = nullptr;
  const std::string algo = reader.String(method["algo"], "algo");
  if (!neural) {
    try {
      algorithm = &FindAlgorithm(algo);
    } catch (const InvalidArgument& e) {
      reader.Fail(method["algo"], e.what());
    }
  }
  // Axes in the order given: (parameter, its values, where it was written).
  std::vector<std::tuple<std::string, std::vector<double>, YAML::Node>> axes;
  const auto add = [&](const std::string& name, const YAML::Node& node) {
    for (const auto& [existing, values, where] : axes) {
      if (existing == name) reader.Fail(node, fmt::format("'{}' is given twice (step_size is eta's old name)", name));
    }
    axes.emplace_back(name, reader.Axis<double>(node, name, [&](const YAML::Node& v) { return reader.Number(v, name); }),
                      node);
  };
  if (method["eta"]) add("eta", method["eta"]);
  if (const YAML::Node params = method["params"]) {
    if (!params.IsMap()) reader.Fail(params, "'params' must be a mapping of parameter names to values or lists");
    for (const auto& entry : params) {
      if (!entry.first.IsScalar()) reader.Fail(entry.first, "a parameter's name must be a plain name");
      const std::string name = entry.first.as<std::string>();
      if (neural && std::find(kNeuralParameters.begin(), kNeuralParameters.end(), name) == kNeuralParameters.end()) {
        reader.Fail(entry.first, fmt::format("unknown parameter '{}' of a neural method (known: eta, beta, lr, samples)", name));
      }
      add(CurrentParameterName(name), entry.second);  // step_size, eta's old name, is still read
    }
  }
  double product = 1;
  for (const auto& [name, values, where] : axes) product *= static_cast<double>(values.size());
  if (product > kMaxRuns) reader.Fail(method, fmt::format("this method's grid has {:g} configurations; at most {:g}", product, kMaxRuns));
  const std::int64_t iterations = method["iterations"] ? reader.Integer(method["iterations"], "iterations", 1) : 0;
  std::vector<ExperimentMethod> methods = {{neural ? algo : algorithm->name, {}, iterations, "", reader.Where(method)}};
  for (const auto& [name, values, where] : axes) {
    std::vector<ExperimentMethod> grown;
    for (const ExperimentMethod& m : methods) {
      for (const double v : values) {
        ExperimentMethod next = m;
        next.parameters[name] = v;
        grown.push_back(next);
      }
    }
    methods = std::move(grown);
  }
  for (ExperimentMethod& m : methods) {
    std::vector<std::pair<std::string, double>> shown;
    if (neural) {
      for (const auto& [name, value] : m.parameters) {
        if (name == "samples" && (value < 1 || value != std::floor(value) || value > 1e9)) {
          reader.Fail(method, fmt::format("samples = {:g}. Violated constraint: a whole number >= 1", value));
        }
        if (name != "samples" && !(value > 0) && !(name == "beta" && value == 0)) {
          reader.Fail(method, fmt::format("{} = {:g}. Violated constraint: {} > 0", name, value, name));
        }
      }
      for (const std::string& name : kNeuralParameters) {
        if (const auto it = m.parameters.find(name); it != m.parameters.end()) shown.emplace_back(it->first, it->second);
      }
      m.label = shown.empty() ? m.algorithm : FormatSpec(m.algorithm, shown);
      if (m.iterations > 0) m.label += fmt::format(" x{}", m.iterations);
      continue;
    }
    try {
      ResolveParameters(*algorithm, m.parameters);
    } catch (const InvalidArgument& e) {
      reader.Fail(method, e.what());
    }
    for (const ParameterSpec& spec : algorithm->parameters) {  // the registry's order
      if (const auto it = m.parameters.find(spec.name); it != m.parameters.end()) shown.emplace_back(it->first, it->second);
    }
    m.label = shown.empty() ? algorithm->name : FormatSpec(algorithm->name, shown);
    if (m.iterations > 0) m.label += fmt::format(" x{}", m.iterations);
  }
  return methods;
}

ExperimentClaim ReadClaim(const Reader& reader, const YAML::Node& node) {
  using Kind = ExperimentClaim::Kind;
  // The key that names the claim's kind, and the other keys each kind takes.
  const std::vector<std::tuple<std::string, Kind, std::vector<std::string>>> kinds = {
      {"ends_below", Kind::kEndsBelow, {"than", "factor"}},
      {"linear_rate", Kind::kLinearRate, {}},
      {"converges", Kind::kConverges, {"factor"}},
      {"stays_above", Kind::kStaysAbove, {"level"}},
      {"grows_with", Kind::kGrowsWith, {"methods"}},
      {"log_probability", Kind::kLogProbability, {"action", "dips_below", "ends_above"}},
  };
  if (!node.IsMap()) reader.Fail(node, "a claim must be a mapping, e.g. {ends_below: omwu, than: [nash-md]}");
  ExperimentClaim claim;
  claim.where = reader.Where(node);
  const std::vector<std::string>* extra = nullptr;
  std::string kind_key;
  for (const auto& [key, kind, keys] : kinds) {
    if (!node[key]) continue;
    if (extra != nullptr) reader.Fail(node, fmt::format("a claim has one kind; this one has '{}' and '{}'", kind_key, key));
    claim.kind = kind;
    extra = &keys;
    kind_key = key;
  }
  if (extra == nullptr) {
    reader.Fail(node, "a claim needs one of ends_below, linear_rate, converges, stays_above, grows_with, log_probability");
  }
  std::vector<std::string> known = *extra;
  known.push_back(kind_key);
  reader.CheckKeys(node, "a " + kind_key + " claim", known);
  const std::string subject = reader.String(node[kind_key], kind_key);
  if (claim.kind == Kind::kGrowsWith) {
    claim.parameter = CurrentParameterName(subject);
  } else {
    claim.method = subject;
  }
  const auto names = [&](const char* key) {
    if (!node[key]) reader.Fail(node, fmt::format("a {} claim needs '{}'", kind_key, key));
    return reader.Axis<std::string>(node[key], key, [&](const YAML::Node& v) { return reader.String(v, key); });
  };
  switch (claim.kind) {
    case Kind::kEndsBelow:
      claim.others = names("than");
      if (node["factor"]) claim.factor = reader.Number(node["factor"], "factor");
      break;
    case Kind::kConverges:
      claim.factor = node["factor"] ? reader.Number(node["factor"], "factor") : 10;
      break;
    case Kind::kStaysAbove:
      if (!node["level"]) reader.Fail(node, "a stays_above claim needs 'level'");
      claim.level = reader.Number(node["level"], "level");
      break;
    case Kind::kGrowsWith:
      claim.others = names("methods");
      break;
    case Kind::kLogProbability:
      for (const char* key : {"dips_below", "ends_above"}) {
        if (!node[key]) reader.Fail(node, fmt::format("a log_probability claim needs '{}'", key));
      }
      claim.action = node["action"] ? static_cast<int>(reader.Integer(node["action"], "action", 0)) : 0;
      claim.dips_below = reader.Number(node["dips_below"], "dips_below");
      claim.ends_above = reader.Number(node["ends_above"], "ends_above");
      break;
    case Kind::kLinearRate:
      break;
  }
  if (claim.factor <= 0) reader.Fail(node["factor"], fmt::format("factor = {:g}. Violated constraint: factor > 0", claim.factor));
  return claim;
}

void ReadNeural(const Reader& reader, const YAML::Node& root, NeuralSettings& neural) {
  const std::string policy = reader.String(root["policy"], "policy");
  if (policy != "mlp" && policy != "contextual" && policy != "tabular" && policy != "transformer") {
    reader.Fail(root["policy"], fmt::format("policy '{}': expected mlp, contextual, tabular (a network of logits) or "
                                            "transformer (sequence games); leave it out for the tabular solvers", policy));
  }
  neural.policy = policy;
  if (policy == "transformer") neural.width = 16;  // nlhf train's default for it
  const YAML::Node train = root["train"];
  if (!train) return;
  reader.CheckKeys(train, "train",
                   {"feedback", "optimizer", "lr", "samples", "contexts", "depth", "width", "layers", "heads", "fit_steps"});
  if (train["feedback"]) {
    neural.feedback = reader.String(train["feedback"], "feedback");
    if (neural.feedback != "exact" && neural.feedback != "sampled") {
      reader.Fail(train["feedback"], fmt::format("feedback '{}': expected exact or sampled", neural.feedback));
    }
  }
  if (train["optimizer"]) {
    neural.optimizer = reader.String(train["optimizer"], "optimizer");
    if (neural.optimizer != "sgd" && neural.optimizer != "adam") {
      reader.Fail(train["optimizer"], fmt::format("optimizer '{}': expected sgd or adam", neural.optimizer));
    }
  }
  if (train["lr"]) {
    neural.learning_rate = reader.Number(train["lr"], "lr");
    if (!(neural.learning_rate > 0)) reader.Fail(train["lr"], fmt::format("lr = {:g}. Violated constraint: lr > 0", neural.learning_rate));
  }
  for (const auto& [key, field] : {std::pair{"samples", &neural.samples}, std::pair{"contexts", &neural.contexts},
                                    std::pair{"depth", &neural.depth}, std::pair{"width", &neural.width},
                                    std::pair{"layers", &neural.layers}, std::pair{"heads", &neural.heads},
                                    std::pair{"fit_steps", &neural.fit_steps}}) {
    if (!train[key]) continue;
    const std::int64_t value = reader.Integer(train[key], key, 1);
    if (value > 100000) reader.Fail(train[key], fmt::format("'{}' above 100,000", key));
    *field = static_cast<int>(value);
  }
}

Experiment ReadExperiment(const std::string& yaml, const std::string& path, const std::vector<std::string>& overrides,
                          bool quick) {
  const Reader reader(path, overrides);
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::ParserException& e) {
    throw InvalidArgument(fmt::format("{}:{}:{}: not valid YAML: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (!root.IsMap()) throw InvalidArgument(fmt::format("{}: an experiment is a YAML mapping (games:, methods:, ...)", path));
  if (root["quick"] && !root["quick"].IsMap()) reader.Fail(root["quick"], "'quick' must be a mapping of keys (dotted paths) to values");
  if (quick && root["quick"]) ApplyQuick(reader, root);
  for (size_t k = 0; k < overrides.size(); ++k) ApplyOverride(root, overrides[k], k);
  reader.CheckKeys(root, "the experiment",
                   {"name", "games", "methods", "seeds", "init", "iterations", "trace_every", "gap_levels", "figures",
                    "figure", "reference", "stop_at", "claims", "quick", "policy", "train"});
  if (root["train"] && !root["policy"]) reader.Fail(root["train"], "'train' applies to neural policies: add 'policy: mlp' (or contextual, tabular)");

  Experiment e;
  e.source = path;
  e.name = root["name"] ? reader.String(root["name"], "name") : std::filesystem::path(path).stem().string();
  if (root["iterations"]) e.iterations = reader.Integer(root["iterations"], "iterations", 1);
  if (root["trace_every"]) e.trace_every = reader.Integer(root["trace_every"], "trace_every", 0);
  if (root["stop_at"]) {
    e.stop_at = reader.Number(root["stop_at"], "stop_at");
    if (e.stop_at < 0) reader.Fail(root["stop_at"], fmt::format("stop_at = {:g}. Violated constraint: stop_at >= 0", e.stop_at));
  }
  if (root["policy"]) ReadNeural(reader, root, e.neural);
  if (root["figures"]) e.figures = reader.Boolean(root["figures"], "figures");
  if (const YAML::Node reference = root["reference"]) {
    if (reference.IsScalar()) {
      if (reference.Scalar() != "uniform") {
        reader.Fail(reference, "reference: expected uniform, {normal_logits: SEED} or {file: PATH}");
      }
    } else {
      reader.CheckKeys(reference, "reference", {"normal_logits", "file"});
      if (reference.size() != 1) reader.Fail(reference, "reference: give one of normal_logits and file");
      if (reference["normal_logits"]) {
        e.reference_normal = true;
        e.reference_seed = static_cast<std::uint64_t>(reader.Integer(reference["normal_logits"], "normal_logits", 0));
      } else {
        e.reference_file = reader.File(reference["file"], "file");
      }
    }
  }
  const YAML::Node figure = root["figure"];
  if (figure) {
    reader.CheckKeys(figure, "figure", {"kind", "x", "band", "panels", "over"});
    if (const YAML::Node kind = figure["kind"]) {
      const std::string name = reader.String(kind, "kind");
      if (name == "curves") {
        e.figure_kind = FigureKind::kCurves;
      } else if (name == "final_gap") {
        e.figure_kind = FigureKind::kFinalGap;
      } else if (name == "iterations") {
        e.figure_kind = FigureKind::kIterations;
      } else if (name == "log_policy") {
        e.figure_kind = FigureKind::kLogPolicy;
      } else {
        reader.Fail(kind, fmt::format("kind '{}': expected curves, final_gap, iterations or log_policy", name));
      }
    }
    const bool against_parameter = e.figure_kind == FigureKind::kFinalGap || e.figure_kind == FigureKind::kIterations;
    if (figure["over"]) {
      if (!against_parameter) reader.Fail(figure["over"], "'over' applies to kind: final_gap and kind: iterations");
      e.figure_over = CurrentParameterName(reader.String(figure["over"], "over"));
    } else if (against_parameter) {
      reader.Fail(figure, "kind: final_gap and kind: iterations need 'over: PARAMETER' (the x axis), e.g. over: beta");
    }
    if (figure["panels"] && e.figure_kind != FigureKind::kCurves) reader.Fail(figure["panels"], "'panels' applies to kind: curves");
    if (const YAML::Node x = figure["x"]) {
      const std::string scale = reader.String(x, "x");
      if (scale != "linear" && scale != "log") reader.Fail(x, fmt::format("x '{}': expected linear or log", scale));
      e.log_x = scale == "log";
    }
    if (const YAML::Node band = figure["band"]) {
      const std::string kind = reader.String(band, "band");
      if (kind == "iqr") {
        e.band = Experiment::Band::kInterquartile;
      } else if (kind == "minmax") {
        e.band = Experiment::Band::kMinMax;
      } else if (kind == "bootstrap") {
        e.band = Experiment::Band::kBootstrap;
      } else {
        reader.Fail(band, fmt::format("band '{}': expected iqr, minmax or bootstrap", kind));
      }
    }
    if (figure["panels"]) e.panel_parameter = reader.String(figure["panels"], "panels");
  }
  if (const YAML::Node init = root["init"]) {
    if (init.IsMap()) {
      reader.CheckKeys(init, "init", {"logits"});
      if (!init["logits"]) reader.Fail(init, "init: expected uniform, random or {logits: [...]}");
      e.initial_logits = reader.Axis<double>(init["logits"], "logits", [&](const YAML::Node& v) { return reader.Number(v, "logits"); });
      if (e.initial_logits.size() < 2) reader.Fail(init["logits"], "init logits: one log-weight per action, at least 2");
    } else {
      const std::string kind = reader.String(init, "init");
      if (kind != "uniform" && kind != "random") {
        reader.Fail(init, fmt::format("init '{}': expected uniform, random or {{logits: [...]}}", kind));
      }
      e.random_init = kind == "random";
    }
  }
  if (const YAML::Node levels = root["gap_levels"]) {
    e.gap_levels = reader.Axis<double>(levels, "gap_levels", [&](const YAML::Node& v) {
      const double level = reader.Number(v, "gap_levels");
      if (!(level > 0)) reader.Fail(v, fmt::format("gap level {} must be positive", level));
      return level;
    });
  }
  if (const YAML::Node seeds = root["seeds"]) {
    if (seeds.IsSequence()) {
      e.seeds.clear();
      for (const YAML::Node& s : seeds) e.seeds.push_back(static_cast<std::uint64_t>(reader.Integer(s, "seeds", 0)));
      if (e.seeds.empty()) reader.Fail(seeds, "'seeds' is an empty list");
      std::set<std::uint64_t> distinct(e.seeds.begin(), e.seeds.end());
      if (distinct.size() != e.seeds.size()) reader.Fail(seeds, "'seeds' lists a seed twice: the runs would repeat");
    } else {
      const std::int64_t count = reader.Integer(seeds, "seeds", 1);
      if (static_cast<double>(count) > kMaxRuns) {  // checked before the list is made
        reader.Fail(seeds, fmt::format("seeds: {} runs per configuration; at most {:g}", count, kMaxRuns));
      }
      e.seeds.clear();
      for (std::int64_t k = 0; k < count; ++k) e.seeds.push_back(static_cast<std::uint64_t>(k));
    }
    if (e.seeds.size() > 1 && !e.random_init && !e.neural_run()) {
      reader.Fail(seeds, fmt::format("{} seeds from the uniform start repeat one run: add 'init: random', or vary "
                                     "the games' seeds instead", e.seeds.size()));
    }
  }

  const YAML::Node games = root["games"], methods = root["methods"];
  if (!games) throw InvalidArgument(fmt::format("{}: no 'games': list the games to run on", path));
  if (!methods) throw InvalidArgument(fmt::format("{}: no 'methods': list the methods to run", path));
  if (!games.IsSequence() || games.size() == 0) reader.Fail(games, "'games' must be a non-empty list");
  if (!methods.IsSequence() || methods.size() == 0) reader.Fail(methods, "'methods' must be a non-empty list");
  for (const YAML::Node& game : games) {
    for (ExperimentGame& g : ReadGame(reader, game)) e.games.push_back(std::move(g));
    if (static_cast<double>(e.games.size()) > kMaxRuns) reader.Fail(game, fmt::format("more than {:g} games", kMaxRuns));
  }
  // Sequence games are built by the LibTorch module, for neural policies; the transformer needs them.
  for (const ExperimentGame& g : e.games) {
    if (g.is_sequence() && !e.neural_run()) {
      reader.Fail(games, fmt::format("{} is a sequence game: it needs a neural policy (policy: transformer)", g.label));
    }
    if (e.neural.policy == "transformer" && !g.is_sequence()) {
      reader.Fail(root["policy"], fmt::format("policy transformer writes token sequences: {} is not a sequence game "
                                              "(give it as sequence: {{vocab: 3, length: 4}})", g.label));
    }
  }
  std::map<std::pair<std::string, ParameterValues>, std::string> listed;  // method → where it was listed
  for (const YAML::Node& method : methods) {
    for (ExperimentMethod& m : ReadMethod(reader, method, e.neural_run())) {
      const auto [it, inserted] = listed.try_emplace({m.algorithm, m.parameters}, reader.Where(method));
      if (!inserted) reader.Fail(method, fmt::format("{} is already listed (at {}): its runs would repeat", m.label, it->second));
      e.methods.push_back(std::move(m));
      if (static_cast<double>(e.methods.size()) > kMaxRuns) reader.Fail(method, fmt::format("more than {:g} methods", kMaxRuns));
    }
  }
  const auto sets = [&](const std::string& parameter) {
    return std::any_of(e.methods.begin(), e.methods.end(), [&](const ExperimentMethod& m) { return m.parameters.count(parameter) > 0; });
  };
  if (!e.panel_parameter.empty() && e.panel_parameter != "game") {
    e.panel_parameter = CurrentParameterName(e.panel_parameter);
    if (!sets(e.panel_parameter)) {
      reader.Fail(figure["panels"], fmt::format("panels: no method sets '{}', so there is nothing to split by", e.panel_parameter));
    }
  }
  if (!e.figure_over.empty() && !sets(e.figure_over)) {
    reader.Fail(figure["over"], fmt::format("over: no method sets '{}', so there is no axis to draw", e.figure_over));
  }
  if (const YAML::Node claims = root["claims"]) {
    if (!claims.IsSequence()) reader.Fail(claims, "'claims' must be a list");
    for (const YAML::Node& node : claims) {
      ExperimentClaim claim = ReadClaim(reader, node);
      // Every method a claim names must be in the experiment.
      const auto listed = [&](const std::string& name) {
        return std::any_of(e.methods.begin(), e.methods.end(),
                           [&](const ExperimentMethod& m) { return m.algorithm == name || m.label == name; });
      };
      std::vector<std::string> named = claim.others;
      if (!claim.method.empty()) named.push_back(claim.method);
      for (const std::string& name : named) {
        if (!listed(name)) reader.Fail(node, fmt::format("the claim names '{}', which is not among the methods", name));
      }
      if (claim.kind == ExperimentClaim::Kind::kGrowsWith && !sets(claim.parameter)) {
        reader.Fail(node, fmt::format("grows_with: no method sets '{}'", claim.parameter));
      }
      e.claims.push_back(std::move(claim));
    }
  }
  if (e.neural_run() && (!e.initial_logits.empty() || e.random_init)) {
    reader.Fail(root["init"], "init applies to the tabular solvers; a network's start is its seeded initial weights");
  }
  const double runs = static_cast<double>(e.games.size()) * static_cast<double>(e.methods.size()) *
                      static_cast<double>(e.seeds.size());
  if (runs > kMaxRuns) {
    throw InvalidArgument(fmt::format("{}: {} games x {} methods x {} seeds = {:g} runs; at most {:g}", path,
                                      e.games.size(), e.methods.size(), e.seeds.size(), runs, kMaxRuns));
  }
  std::set<std::string> labels;
  for (const ExperimentGame& g : e.games) {
    if (!labels.insert(g.label).second) {
      throw InvalidArgument(fmt::format("{}: two games are both '{}': name them apart (name:) or drop one", path, g.label));
    }
  }
  return e;
}

}  // namespace

bool Experiment::trace_log_policy() const {
  return figure_kind == FigureKind::kLogPolicy ||
         std::any_of(claims.begin(), claims.end(), [](const ExperimentClaim& c) { return c.kind == ExperimentClaim::Kind::kLogProbability; });
}

Experiment ParseExperiment(const std::string& yaml, const std::string& path, const std::vector<std::string>& overrides,
                           bool quick) {
  try {
    return ReadExperiment(yaml, path, overrides, quick);
  } catch (const YAML::Exception& e) {  // a conversion the checks above did not foresee
    throw InvalidArgument(fmt::format("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

}  // namespace nlhf
