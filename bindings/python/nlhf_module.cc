// `import nlhf`: the C++ engine from Python (pybind11). Matrices are read from NumPy buffers in place,
// whatever their dtype (float32/float64, or any real type cast once), order or strides, and copied once
// into the game; results come back as NumPy arrays. Solves and rankings release the GIL.
#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <regex>
#include <string>

#include "nlhf/nlhf.h"
#include "nlhf/ranking/rank.h"
#include "nlhf/ranking/readers.h"
#include "arrays.h"

namespace py = pybind11;

namespace nlhf::python {
namespace {

// params= with old parameter names (step_size, now eta) still works, with a DeprecationWarning.
ParameterValues CurrentParameters(const std::map<std::string, double>& params) {
  for (const auto& [name, value] : params) {
    if (const std::string current = DeprecatedParameterName(name); !current.empty()) {
      const std::string message = fmt::format("params['{}'] is deprecated; the parameter is now '{}' (or eta=)", name, current);
      if (PyErr_WarnEx(PyExc_DeprecationWarning, message.c_str(), 1) != 0) throw py::error_already_set();
    }
  }
  return WithCurrentNames(ParameterValues(params.begin(), params.end()));
}

// One vector, or a sequence of two (row, column).
PlayerVectors ToPlayerVectors(const py::handle& object, const char* what) {
  if (py::isinstance<py::list>(object) || py::isinstance<py::tuple>(object)) {
    const py::sequence sequence = py::reinterpret_borrow<py::sequence>(object);
    if (sequence.size() == 2 && !py::isinstance<py::float_>(sequence[0]) && !py::isinstance<py::int_>(sequence[0])) {
      return {ToVector(sequence[0], what), ToVector(sequence[1], what)};
    }
  }
  return {ToVector(object, what)};
}

py::array_t<std::int64_t> ToArray(const std::vector<int>& v) {
  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

// `body()`, with nlhf's input errors rethrown as the same type and their message passed through `reword`
// (the shared library speaks in files and flags; Python users want their own terms).
template <typename Body, typename Reword>
auto Reworded(Body body, Reword reword) -> decltype(body()) {
  try {
    return body();
  } catch (const ParseError& e) {
    throw ParseError(reword(std::string(e.what())));
  } catch (const InvalidArgument& e) {
    throw InvalidArgument(reword(std::string(e.what())));
  }
}

// `text` with each match of `pattern` replaced by `replacement(match)` (std::regex_replace takes only a
// format string; these rewrites compute numbers from the match).
template <typename Replacement>
std::string ReplaceMatches(const std::string& text, const std::regex& pattern, const Replacement& replacement) {
  std::string out;
  size_t last = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), pattern); it != std::sregex_iterator(); ++it) {
    out += text.substr(last, it->position() - last) + replacement(*it);
    last = it->position() + it->length();
  }
  return out + text.substr(last);
}

// A message of the shared library in Python's terms: command-line flags become keyword arguments
// ("--model-a NAME" → "model_a=NAME", "--fill bt" → "fill='bt'").
std::string PythonTerms(std::string message) {
  for (const auto& [flag, keyword] :
       {std::pair{"--fill bt", "fill='bt'"}, std::pair{"--restrict connected", "restrict='connected'"},
        std::pair{"--transpose", "transpose=True"}, std::pair{"--per-context", "per_context=True"},
        std::pair{"--symmetrize", "symmetrize=True"}, std::pair{"--payoff", "payoff=True"}}) {
    for (size_t at = message.find(flag); at != std::string::npos; at = message.find(flag, at)) {
      message.replace(at, std::string(flag).size(), keyword);
    }
  }
  static const std::regex kFlag("--([a-z][a-z-]*)( [A-Z][A-Z,.\\[\\]]*)?");
  return ReplaceMatches(message, kFlag, [](const std::smatch& match) {
    std::string name = match[1].str();
    std::replace(name.begin(), name.end(), '-', '_');
    return match[2].matched ? name + "=" + match[2].str().substr(1) : name;
  });
}

// A message about a matrix in NumPy's terms: positions 0-based, as the array is indexed ("row 1, column 2"
// and "P[1][2]" of the shared library, which counts from 1 as files do, become "P[0, 1]"), and flags as
// keyword arguments.
std::string ArrayTerms(const std::string& message, const std::string& name) {
  static const std::regex kRowColumn("row (\\d+), column (\\d+)"), kEntry("P\\[(\\d+)\\]\\[(\\d+)\\]");
  const auto zero_based = [&](const std::smatch& match) {
    return fmt::format("{}[{}, {}]", name, std::stol(match[1].str()) - 1, std::stol(match[2].str()) - 1);
  };
  return PythonTerms(ReplaceMatches(ReplaceMatches(message, kRowColumn, zero_based), kEntry, zero_based));
}

// The same rules as the command line (LoadGame, SymmetryTolerance): the default tolerance follows the
// array's precision, symmetrize accepts any deviation, and PreferenceGame keeps the complementary
// projection, which is the game solved and certified.
ZeroSumGame MakeGame(const py::handle& matrix, bool payoff, bool symmetrize, std::optional<double> symmetry_tolerance,
                     std::vector<std::string> names) {
  bool single = false;
  // A data frame's row labels name the responses, unless names are given.
  if (names.empty() && py::hasattr(matrix, "index") && py::hasattr(matrix, "columns")) {
    for (const py::handle label : matrix.attr("index")) names.push_back(py::str(label).cast<std::string>());
  }
  Eigen::MatrixXd values = ToMatrix(matrix, payoff ? "the payoff matrix" : "P", &single);
  // A payoff matrix (Nashpy's, OpenSpiel's) given as P: say what to do rather than only what is wrong.
  const bool payoff_hint = !payoff && ((values.array() < 0).any() || (values.array() > 1).any());
  return Reworded(
      [&] {
        return GameFromMatrix(std::move(values),
                              {.payoff = payoff, .symmetrize = symmetrize, .symmetry_tolerance = symmetry_tolerance},
                              single, names, {}, {.path = "<array>"});
      },
      [&](const std::string& message) {
        const std::string reworded = ArrayTerms(message, payoff ? "A" : "P");
        return payoff_hint ? reworded + "; if this is a zero-sum payoff matrix (row player maximizes), pass payoff=True"
                           : reworded;
      });
}

// What Python sees of a solve.
struct Result {
  SolveResult result;
  std::string algorithm_choice;  // why this algorithm, when none was named; empty otherwise
  bool symmetric = true;
  std::vector<std::string> responses;
};

py::dict TraceDict(const SolveResult& result) {
  const size_t k = result.trace.size();
  py::array_t<std::int64_t> iteration(static_cast<py::ssize_t>(k));
  py::array_t<double> gap(static_cast<py::ssize_t>(k)), regularized(static_cast<py::ssize_t>(k)),
      min_log(static_cast<py::ssize_t>(k)), l1(static_cast<py::ssize_t>(k));
  for (size_t i = 0; i < k; ++i) {
    const TraceRecord& r = result.trace[i];
    iteration.mutable_at(i) = r.iteration;
    gap.mutable_at(i) = r.duality_gap;
    regularized.mutable_at(i) = r.regularized_gap;
    min_log.mutable_at(i) = r.min_log_probability;
    l1.mutable_at(i) = r.l1_change;
  }
  py::dict trace;
  trace["iteration"] = iteration;
  trace["duality_gap"] = gap;
  trace["regularized_gap"] = regularized;
  trace["min_log_probability"] = min_log;
  trace["l1_change"] = l1;
  if (k > 0 && !result.trace[0].log_policy.empty()) {
    const auto n = result.trace[0].log_policy[0].size();
    py::array_t<double> log_policy({static_cast<py::ssize_t>(k), static_cast<py::ssize_t>(n)});
    for (size_t i = 0; i < k; ++i) {
      for (Eigen::Index a = 0; a < n; ++a) log_policy.mutable_at(i, a) = result.trace[i].log_policy[0][a];
    }
    trace["log_policy"] = log_policy;
  }
  return trace;
}

Result Solve(const py::handle& matrix, const std::optional<std::string>& algo, std::optional<double> eta,
             const std::map<std::string, double>& params, std::int64_t iters, double tol, const py::object& init,
             std::uint64_t seed, bool polish, bool payoff, bool symmetrize, std::optional<double> symmetry_tol,
             std::int64_t trace_every, bool trace_policy, const py::object& reference,
             std::optional<double> time_limit, const std::vector<std::string>& names) {
  const ZeroSumGame game = MakeGame(matrix, payoff, symmetrize, symmetry_tol, names);
  SolveOptions options;
  options.max_iterations = iters;
  options.gap_tolerance = tol;
  options.polish = polish;
  options.trace_interval = trace_every;
  options.trace_log_policy = trace_policy;
  if (time_limit) options.max_time_in_seconds = *time_limit;
  if (py::isinstance<py::str>(init)) {
    options.initial = ParseInitialPolicy(init.cast<std::string>(), seed);
  } else {
    options.initial = {.kind = InitialPolicy::Kind::kGiven,
                       .seed = seed,
                       .log_policy = ToPlayerVectors(init, "init (log-probabilities)")};
  }
  if (!reference.is_none()) options.reference_log_policy = ToPlayerVectors(reference, "reference (log-probabilities)");
  ParameterValues values = CurrentParameters(params);
  if (eta) values["eta"] = *eta;
  // As the command line: by size when no algorithm is named, OMWU when only its parameters are.
  std::string algorithm = algo.value_or(""), choice;
  if (!algo) {
    const AlgorithmChoice chosen = DefaultAlgorithm(game, !values.empty());
    algorithm = chosen.name;
    choice = chosen.Describe();
  }
  Result out;
  out.symmetric = game.symmetric();
  out.responses = game.action_names(0);
  {
    py::gil_scoped_release release;
    out.result = SolveWith(algorithm, game, options, values);
  }
  out.algorithm_choice = choice;
  return out;
}

// nlhf.solve_batch: a (B, n, n) array of preference matrices solved in parallel as `nlhf batch` solves a
// file (SolveBatch), each game with its own certificate; the answers as arrays indexed like the input.
py::dict SolveBatchArrays(const py::handle& games, const std::optional<std::string>& algo, std::optional<double> eta,
                          const std::map<std::string, double>& params, std::int64_t iters, double tol, bool polish) {
  const py::array given = RealArray(games, "P", 3, "a 3-D array of games (B, n, n)");
  // float64 in C order is read where it lies (np.load(..., mmap_mode="r") included); anything else once copied.
  const auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(given);
  const auto count = static_cast<std::size_t>(array.shape(0));
  const auto rows = static_cast<Eigen::Index>(array.shape(1)), columns = static_cast<Eigen::Index>(array.shape(2));
  if (count == 0 || rows == 0 || columns == 0) throw InvalidArgument("P must hold at least one game of at least one response");
  BatchSolveOptions options;
  options.algorithm = algo.value_or("");
  options.parameters = CurrentParameters(params);
  if (eta) options.parameters["eta"] = *eta;
  options.solve.max_iterations = iters;
  options.solve.gap_tolerance = tol;
  options.solve.polish = polish;

  py::array_t<double> policy({static_cast<py::ssize_t>(count), static_cast<py::ssize_t>(rows)});
  py::array_t<double> gap(static_cast<py::ssize_t>(count));
  py::array_t<bool> converged(static_cast<py::ssize_t>(count));
  py::array_t<std::int64_t> iterations(static_cast<py::ssize_t>(count));
  std::vector<std::string> algorithms(count);
  const double* data = array.data();
  // Each page of the games and of the policies' array mapped in one call, not faulted in one at a time while
  // the games are solved (~10 µs a fault on the machines measured; 100,000 games of n = 10 span 20,000 pages).
  PrepareLargeInput(data, count * static_cast<std::size_t>(rows * columns) * sizeof(double));
  PrepareLargeArray(policy.mutable_data(), count * static_cast<std::size_t>(rows) * sizeof(double));
  double* policy_out = policy.mutable_data();
  double* gap_out = gap.mutable_data();
  bool* converged_out = converged.mutable_data();
  std::int64_t* iterations_out = iterations.mutable_data();
  {
    py::gil_scoped_release release;
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    SolveBatch(
        count,
        [&](std::size_t k) {
          const std::string name = fmt::format("P[{}]", k);
          // Threads take consecutive games (batch_solve.cc): the next one's bytes are asked for now.
          if (k + 1 < count) PrefetchSmallArray(data + (k + 1) * rows * columns, rows * columns * sizeof(double));
          Eigen::MatrixXd values = Eigen::Map<const RowMajor>(data + k * rows * columns, rows, columns);
          return Reworded([&] { return PreferenceGame(std::move(values), {}, {}, {.path = name}); },
                          [&](const std::string& message) { return ArrayTerms(message, name); });
        },
        options,
        [&](const BatchAnswer& answer) {
          const std::size_t k = answer.index;
          const Eigen::VectorXd& pi = answer.result.policy[0];
          std::copy(pi.data(), pi.data() + pi.size(), policy_out + k * rows);
          gap_out[k] = answer.result.duality_gap;
          converged_out[k] = answer.result.converged();
          iterations_out[k] = answer.result.iterations;
          algorithms[k] = answer.result.algorithm;
        });
  }
  py::dict out;
  out["policy"] = policy;
  out["duality_gap"] = gap;
  out["converged"] = converged;
  out["iterations"] = iterations;
  out["algorithm"] = py::cast(algorithms);
  return out;
}

// The library's JSON form of the ranking, as Python objects, plus the reader's format and notes.
py::object RankingDict(const RankingResult& r, const ComparisonData& data) {
  py::object out = py::module_::import("json").attr("loads")(RankingJson(r));
  out["format"] = data.format;
  out["notes"] = data.notes;
  return out;
}

// The ranking as a pandas data frame: one row per candidate (index: the name), intervals split into
// _low and _high columns, everything else of the dict in the frame's attrs.
py::object RankingFrame(py::object ranking) {
  py::list rows;
  for (const py::handle candidate : ranking["candidates"]) {
    py::dict row;
    for (const auto item : py::reinterpret_borrow<py::dict>(candidate)) {
      const std::string key = py::str(item.first);
      if (py::isinstance<py::list>(item.second) && py::len(item.second) == 2) {
        row[py::str(key + "_low")] = item.second[py::int_(0)];
        row[py::str(key + "_high")] = item.second[py::int_(1)];
      } else {
        row[item.first] = item.second;
      }
    }
    rows.append(row);
  }
  py::object frame = py::module_::import("pandas").attr("DataFrame")(rows).attr("set_index")("name");
  // The table's order, as the command line prints it; the other columns after.
  py::list columns;
  const py::list present = frame.attr("columns").attr("tolist")();
  for (const char* name : {"rank", "rank_interval_low", "rank_interval_high", "ne_probability", "ne_interval_low",
                           "ne_interval_high", "ne_range_low", "ne_range_high", "beats_ne_probability", "bt_rating",
                           "bt_interval_low", "bt_interval_high", "support_frequency", "pl_rating", "comparisons"}) {
    if (present.contains(py::str(name))) columns.append(py::str(name));
  }
  for (const py::handle name : present) {
    if (!columns.contains(name)) columns.append(name);
  }
  frame = frame[columns];
  py::dict attrs;
  for (const auto item : py::reinterpret_borrow<py::dict>(ranking)) {
    if (py::str(item.first).cast<std::string>() != "candidates") attrs[item.first] = item.second;
  }
  frame.attr("attrs") = attrs;
  return frame;
}

// Whether to return data frames: as asked, or (None) wherever pandas can be imported.
bool WantFrames(const std::optional<bool>& as_frame) {
  if (as_frame.has_value()) return *as_frame;
  try {
    py::module_::import("pandas");
    return true;
  } catch (const py::error_already_set&) {
    return false;
  }
}

// A message about the CSV a data frame was written as, in the frame's terms: "<data frame>:1" is its
// header, "<data frame>:K" its row K − 2 (0-based, as pandas counts).
std::string DataFrameRows(const std::string& message) {
  static const std::regex kLine("<data frame>:(\\d+)");
  return ReplaceMatches(message, kLine, [](const std::smatch& match) {
    const long line = std::stol(match[1].str());
    return line <= 1 ? std::string("<data frame>: the header") : fmt::format("<data frame>: row {}", line - 2);
  });
}

std::vector<std::string> Column(const py::handle& table, const char* name) {
  std::vector<std::string> values;
  for (const py::handle item : table[py::str(name)]) values.push_back(py::str(item).cast<std::string>());
  return values;
}

py::object Rank(const py::object& data_or_path, std::optional<std::string> format, std::optional<std::string> context,
                std::optional<std::string> weight, std::optional<std::pair<double, double>> score_range, double prior,
                int bootstrap, std::uint64_t seed, bool per_context, std::optional<std::string> cluster,
                std::optional<std::pair<std::string, double>> anchor, std::optional<std::string> fill,
                std::optional<std::string> restrict_to, bool transpose, std::optional<bool> as_frame,
                const std::map<std::string, std::string>& columns, double bt_prior) {
  // Messages in Python's terms: keyword arguments, not the command line's flags.
  return Reworded([&]() -> py::object {
    const bool frames = WantFrames(as_frame);
    const auto shaped = [&](py::object ranking) { return frames ? RankingFrame(std::move(ranking)) : ranking; };
    ComparisonData data;
    ComparisonReadOptions read;
    read.format = format.value_or("");
    read.context_column = context.value_or("");
    read.weight_column = weight.value_or("");
    read.cluster_column = cluster.value_or("");
    read.transpose = transpose;
    for (const auto& [role, column] : columns) {
      if (role == "model_a") read.model_a_column = column;
      else if (role == "model_b") read.model_b_column = column;
      else if (role == "winner") read.winner_column = column;
      else if (role == "model") read.model_column = column;
      else if (role == "score") read.score_column = column;
      else if (role == "item") read.item_columns.push_back(column);
      else {
        throw InvalidArgument(fmt::format("columns: unknown role '{}'; roles: model_a, model_b, winner (battles), "
                                          "model, item, score (judgments)", role));
      }
    }
    if (score_range) {
      std::tie(read.score_low, read.score_high) = *score_range;
      read.score_range_given = true;
    }
    const py::object os_path = py::module_::import("os").attr("PathLike");
    if (py::isinstance<py::str>(data_or_path) || py::isinstance(data_or_path, os_path)) {
      data = ReadComparisonFile(py::str(py::module_::import("os").attr("fspath")(data_or_path)).cast<std::string>(), read);
    } else if (py::isinstance<py::array>(data_or_path) ||
               (py::hasattr(data_or_path, "__array__") && !py::hasattr(data_or_path, "to_csv"))) {
      // An array (or tensor) is a preference matrix, checked as solve checks it; candidates are named by
      // their index.
      if (format && *format != "matrix") {
        throw InvalidArgument(fmt::format("format='{}': an array is read as a preference matrix; pass a data frame "
                                          "(or a path) for {}", *format, *format));
      }
      Eigen::MatrixXd values = ToMatrix(data_or_path, "P");
      const PreferenceGame game = Reworded([&] { return PreferenceGame(std::move(values), {}, {}, {.path = "<array>"}); },
                                           [](const std::string& message) { return ArrayTerms(message, "P"); });
      data.source = "<array>";
      data.format = "matrix";
      data.candidates = game.names();
      data.preferences = game.preferences();
    } else if (py::hasattr(data_or_path, "to_csv")) {
      // A data frame, in any of the formats a file can hold (battles, judgments, a score table, pairwise
      // scores): written as CSV and read as a file would be; messages name its rows (0-based).
      const std::string csv = data_or_path.attr("to_csv")(py::arg("index") = false).cast<std::string>();
      data = Reworded([&] { return ParseComparisonText(csv, "<data frame>", ".csv", read); }, DataFrameRows);
    } else {
      // A data frame or a mapping of columns: model_a, model_b, winner (and the context / weight columns).
      std::optional<std::vector<std::string>> contexts;
      std::optional<std::vector<double>> weights;
      if (context) contexts = Column(data_or_path, context->c_str());
      if (weight) {
        weights.emplace();
        for (const py::handle item : data_or_path[py::str(*weight)]) weights->push_back(item.cast<double>());
      }
      data = BattlesFromColumns(Column(data_or_path, "model_a"), Column(data_or_path, "model_b"),
                                Column(data_or_path, "winner"), contexts ? &*contexts : nullptr,
                                weights ? &*weights : nullptr, "<data frame>");
    }
    if (per_context && !context) throw InvalidArgument("per_context=True needs context=COLUMN");
    if (fill && *fill != "bt") throw InvalidArgument(fmt::format("fill='{}': expected 'bt'", *fill));
    if (restrict_to && *restrict_to != "connected") {
      throw InvalidArgument(fmt::format("restrict='{}': expected 'connected'", *restrict_to));
    }
    RankOptions options;
    options.anchor = anchor;
    options.fill_bt = fill.has_value();
    options.restrict_connected = restrict_to.has_value();
    options.prior = prior;
    if (!(bt_prior >= 0) || !std::isfinite(bt_prior)) {
      throw InvalidArgument(fmt::format("bt_prior={}: expected a non-negative SD in Elo points", bt_prior));
    }
    options.bt_prior_sd = bt_prior;
    options.bootstrap = bootstrap;
    options.seed = seed;
    if (!per_context) {
      RankingResult r;
      {
        py::gil_scoped_release release;
        r = nlhf::Rank(data, options);
      }
      return shaped(RankingDict(r, data));
    }
    py::dict by_context;
    for (const std::string& c : Contexts(data)) {
      options.context = c;
      RankingResult r;
      {
        py::gil_scoped_release release;
        r = nlhf::Rank(data, options);
      }
      by_context[py::str(c)] = shaped(RankingDict(r, data));
    }
    return by_context;
  }, PythonTerms);
}

}  // namespace

// The module's parts, one function each (internal linkage; outside the unnamed namespace so that both
// ToArray overloads, arrays.h's and the one above, are found).

// nlhf.Result: what Python sees of a SolveResult.
static void BindResult(py::module_& m) {
  py::class_<Result>(m, "Result", "The answer of nlhf.solve, with its certificate and trace.")
      .def_property_readonly("policy", [](const Result& r) { return ToArray(r.result.policy[0]); },
                             "The equilibrium policy (the row player's in a payoff game), a 1-D float64 array.")
      .def_property_readonly("log_policy", [](const Result& r) { return ToArray(r.result.log_policy[0]); },
                             "Its log-probabilities (-inf where a probability is exactly 0).")
      .def_property_readonly("row_policy", [](const Result& r) { return ToArray(r.result.policy[0]); })
      .def_property_readonly("column_policy",
                             [](const Result& r) -> py::object {
                               if (r.result.policy.size() < 2) return py::none();
                               return ToArray(r.result.policy[1]);
                             },
                             "The column player's policy in a payoff game; None in self-play.")
      .def_property_readonly("duality_gap", [](const Result& r) { return r.result.duality_gap; },
                             "The certificate: duality gap of `policy` in the original game.")
      .def_property_readonly("regularized_gap", [](const Result& r) { return r.result.regularized_gap; },
                             "Gap in the beta-regularized game for regularized methods; nan otherwise.")
      .def_property_readonly("iterations", [](const Result& r) { return r.result.iterations; })
      .def_property_readonly("termination", [](const Result& r) { return std::string(TerminationName(r.result.termination)); },
                             "converged, max_iterations, time_limit, numerical_failure or callback_stop.")
      .def_property_readonly("converged", [](const Result& r) { return r.result.converged(); })
      .def_property_readonly("message", [](const Result& r) { return r.result.message; })
      .def_property_readonly("algorithm", [](const Result& r) { return r.result.algorithm; })
      .def_property_readonly("algorithm_choice", [](const Result& r) { return r.algorithm_choice; },
                             "Why this algorithm ran, when algo was not given (by size); empty otherwise.")
      .def_property_readonly("polished", [](const Result& r) { return r.result.polished; })
      .def_property_readonly("seconds", [](const Result& r) { return r.result.seconds; })
      .def_property_readonly("responses", [](const Result& r) { return r.responses; })
      .def_property_readonly("support", [](const Result& r) { return ToArray(r.result.support[0]); },
                             "0-based actions with probability above the support threshold (int64 array).")
      .def_property_readonly("trace", [](const Result& r) { return TraceDict(r.result); },
                             "Dict of NumPy arrays: iteration, duality_gap, regularized_gap, min_log_probability, "
                             "l1_change (and log_policy, iterations x n, with trace_policy=True).")
      .def("__repr__", [](const Result& r) { return "<nlhf.Result " + r.result.BriefReport() + ">"; });
}

// nlhf.solve_batch.
static void BindSolveBatch(py::module_& m) {
  m.def("solve_batch",
        [](const py::handle& P, const std::optional<std::string>& algo, std::optional<double> eta,
           const std::map<std::string, double>& params, std::int64_t iters, double tol, bool polish) {
          return Reworded([&] { return SolveBatchArrays(P, algo, eta, params, iters, tol, polish); }, PythonTerms);
        },
        py::arg("P"), py::arg("algo") = py::none(), py::kw_only(), py::arg("eta") = py::none(),
        py::arg("params") = std::map<std::string, double>{}, py::arg("iters") = 20000, py::arg("tol") = 1e-9,
        py::arg("polish") = true,
        R"doc(Solve many preference games at once, in parallel, each with its own certificate (as `nlhf batch`).

P: a 3-D array (B, n, n), P[k] game k's preference matrix (float32/float64, any order; float64 in C order,
    e.g. np.load("games.npy", mmap_mode="r"), is read where it lies), or a PyTorch tensor.
algo, eta, params, iters, tol, polish: as nlhf.solve; algo None chooses per game by its size.
Returns a dict of arrays indexed like P: policy (B, n), duality_gap (B,), converged (B,) bool,
iterations (B,) int64, and algorithm (a list of B spec strings). A bad game raises ValueError naming it
(P[k][i, j]); the first bad game in index order is reported.)doc");
}

// nlhf.solve.
static void BindSolve(py::module_& m) {
  m.def("solve", &nlhf::python::Solve, py::arg("P"), py::arg("algo") = py::none(), py::kw_only(),
        py::arg("eta") = py::none(), py::arg("params") = std::map<std::string, double>{},
        py::arg("iters") = 1000000, py::arg("tol") = 1e-9, py::arg("init") = "uniform", py::arg("seed") = 0,
        py::arg("polish") = true, py::arg("payoff") = false, py::arg("symmetrize") = false,
        py::arg("symmetry_tol") = py::none(), py::arg("trace_every") = 0, py::arg("trace_policy") = false,
        py::arg("reference") = py::none(), py::arg("time_limit") = py::none(),
        py::arg("names") = std::vector<std::string>{},
        R"doc(Find a Nash equilibrium of a preference matrix P (P[a][b] = Pr(a preferred to b), P + P^T = 1),
or of a general payoff matrix with payoff=True (the row player maximizes x^T A y).

P: any 2-D NumPy array (float32/float64, C or Fortran order, any strides).
algo: a name from nlhf.algorithms(): omwu, mwu, mwu-avg, sppo, nash-md, online-ipo, mmd, egpo, prox, ogda,
    rm-plus, pdhg, ipm, lp, clp, clp-barrier. Default (None): omwu below 200 actions, ipm (interior point)
    below 1000, pdhg from 1000 on (Result.algorithm_choice says why); omwu when eta or params are given.
eta: step size (the method's default if None); params: other method parameters, e.g. {"beta": 0.1}.
iters, tol: stop after iters iterations or when the duality gap is <= tol.
init: "uniform", "random" (logits from seed), "exact" or "exact:SHARE" (an exact solver's equilibrium with
    SHARE, default 1e-6, of uniform mixed in: a warm start), a path to a JSON file, or an array of
    log-probabilities.
polish: finish on the iterate's settled support when that answer certifies (as the CLI does).
symmetry_tol: allowed |P + P^T - 1| (default 1e-9; 1e-6 for float32 P, which is then made exactly
    complementary); symmetrize=True replaces P by (P + 1 - P^T)/2.
trace_every: record the trace every k iterations (0: no trace); trace_policy adds every log-probability.
reference: log-probabilities of pi_ref for the regularized methods (default uniform).

Returns an nlhf.Result; raises ValueError on bad input, with the same message as the command line.)doc");
}

// nlhf.generate: the seeded test games.
static void BindGenerate(py::module_& m) {
  m.def(
      "generate",
      [](const std::string& kind, int n, std::uint64_t seed, double delta, bool return_equilibrium) -> py::object {
        const GeneratedGame game = Generate({.kind = kind, .n = n, .seed = seed, .delta = delta});
        py::array_t<double> matrix({game.matrix.rows(), game.matrix.cols()});
        for (Eigen::Index i = 0; i < game.matrix.rows(); ++i) {
          for (Eigen::Index j = 0; j < game.matrix.cols(); ++j) matrix.mutable_at(i, j) = game.matrix(i, j);
        }
        if (!return_equilibrium) return matrix;
        return py::make_tuple(matrix, game.nash_equilibrium ? py::object(ToArray(*game.nash_equilibrium)) : py::none());
      },
      py::arg("kind"), py::arg("n") = 10, py::kw_only(), py::arg("seed") = 0, py::arg("delta") = 0.01,
      py::arg("return_equilibrium") = false,
      "A seeded test game: random, planted, rps, cyclic3, transitive (preference matrices) or hard2x2 (a payoff "
      "matrix). With return_equilibrium=True, returns (matrix, known NE or None).");
}

// nlhf.duality_gap: the certificate of any policy.
static void BindDualityGap(py::module_& m) {
  m.def(
      "duality_gap",
      [](const py::object& matrix, const py::object& policy, const py::object& column_policy, bool payoff) {
        const ZeroSumGame game = MakeGame(matrix, payoff, false, std::nullopt, {});
        PlayerVectors profile{ToVector(policy, "policy")};
        if (!game.symmetric()) {
          if (column_policy.is_none()) throw InvalidArgument("a payoff game needs column_policy");
          profile.push_back(ToVector(column_policy, "column_policy"));
        }
        for (int p = 0; p < game.num_players(); ++p) {
          if (profile[p].size() != game.num_actions(p)) {
            throw InvalidArgument(fmt::format("policy has {} entries for {} actions", profile[p].size(), game.num_actions(p)));
          }
        }
        return DualityGap(game, profile);
      },
      py::arg("P"), py::arg("policy"), py::arg("column_policy") = py::none(), py::arg("payoff") = false,
      "Duality gap 2 max_a P(a > policy) - 1 of a policy in a preference game (or of (policy, column_policy) "
      "in a payoff game): 0 exactly at a Nash equilibrium.");
}

// nlhf.algorithms(): the registry.
static void BindAlgorithms(py::module_& m) {
  m.def(
      "algorithms",
      [] {
        py::list list;
        for (const AlgorithmSpec& a : Algorithms()) {
          py::list parameters;
          for (const ParameterSpec& p : a.parameters) {
            py::dict parameter;
            parameter["name"] = p.name;
            parameter["default"] = p.default_value;
            parameter["doc"] = p.doc;
            parameters.append(parameter);
          }
          py::dict entry;
          entry["name"] = a.name;
          entry["summary"] = a.summary;
          entry["reference"] = a.reference;
          entry["parameters"] = parameters;
          list.append(entry);
        }
        return list;
      },
      "The registered solvers: name, summary, reference and parameters (name, default, doc).");
}

// nlhf.rank.
static void BindRank(py::module_& m) {
  m.def("rank", &nlhf::python::Rank, py::arg("data"), py::kw_only(), py::arg("format") = py::none(),
        py::arg("context") = py::none(), py::arg("weight") = py::none(), py::arg("score_range") = py::none(),
        py::arg("prior") = 0.0, py::arg("bootstrap") = 0, py::arg("seed") = 0, py::arg("per_context") = false,
        py::arg("cluster") = py::none(), py::arg("anchor") = py::none(), py::arg("fill") = py::none(),
        py::arg("restrict") = py::none(), py::arg("transpose") = false, py::arg("as_frame") = py::none(),
        py::arg("columns") = std::map<std::string, std::string>{}, py::arg("bt_prior") = kDefaultBtPriorSd,
        R"doc(Rank candidates from comparison data: the Nash equilibrium (maximal lottery) beside Bradley-Terry.

data: a path (battle log CSV/JSON Lines/JSON, judgments, pairwise scores, score table, PrefLib file or
    preference matrix; see docs/ranking.md); a data frame (anything with to_csv, e.g. pandas) in any of
    those table formats; or a mapping of columns model_a, model_b, winner.
columns: the data's column names by role where they differ from the defaults: model_a, model_b, winner
    (battles), model, item, score (judgments), e.g. {"model_a": "generator_1", "winner": "preference"}.
cluster: the column whose groups the bootstrap resamples together (e.g. "question_id").
anchor: (model, rating): Bradley-Terry ratings with that model at that rating (default: mean 1000).
bt_prior: where the Bradley-Terry MLE does not exist (a model never lost or never won), the ratings are
    MAP estimates under a normal prior of this SD in Elo points (default 400; 0: none).
Score tables and judgments also get Nash averaging (agents against tasks; nash_skill, nash_probability
    per candidate, "nash_averaging" with the task mixture).
fill="bt": never-compared pairs get the Bradley-Terry fit's P; restrict="connected": rank only the
    largest connected part of the comparison graph; transpose=True: a score table with candidates as rows.
as_frame: return a pandas DataFrame (one row per candidate, indexed by name; intervals as _low/_high
    columns; the rest of the result in .attrs) -- the default where pandas can be imported -- or, with
    as_frame=False (or without pandas), a dict like `nlhf rank --json`.
With per_context=True, a dict of those by context.)doc");
}

}  // namespace nlhf::python

PYBIND11_MODULE(nlhf, m) {
  using namespace nlhf::python;
  m.attr("__version__") = NLHF_VERSION;
  m.doc() = "Nash learning from human feedback: Nash equilibria of preference games, certified by the duality "
            "gap (OMWU and the baselines), and rankings of comparison data.";
  RegisterErrorTranslator();
  BindResult(m);
  BindSolve(m);
  BindSolveBatch(m);
  BindGenerate(m);
  BindDualityGap(m);
  BindAlgorithms(m);
  BindRank(m);
}
