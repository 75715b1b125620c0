// `import nlhf_neural`: training neural policies from Python (nlhf train's engine). A module of its own
// so that `import nlhf` does not load LibTorch (about 0.3 s); this one does. Training releases the GIL.
#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>

#include "arrays.h"
#include "nlhf/error.h"
#include "nlhf/neural/methods.h"
#include "nlhf/neural/sampled_sequence_trainer.h"
#include "nlhf/neural/train_json.h"
#include "nlhf/neural/trainer.h"

namespace nlhf::python {
namespace {

// P as one n × n matrix, or a C × n × n array / sequence of matrices (one per context).
std::vector<Eigen::MatrixXd> ToContexts(const py::handle& object) {
  if (py::isinstance<py::list>(object) || py::isinstance<py::tuple>(object)) {
    std::vector<Eigen::MatrixXd> contexts;
    for (const py::handle item : py::reinterpret_borrow<py::sequence>(object)) contexts.push_back(ToMatrix(item, "P"));
    return contexts;
  }
  py::array array = py::array::ensure(object);
  if (array && array.ndim() == 3) {
    std::vector<Eigen::MatrixXd> contexts;
    for (py::ssize_t c = 0; c < array.shape(0); ++c) contexts.push_back(ToMatrix(array[py::int_(c)], "P"));
    return contexts;
  }
  return {ToMatrix(object, "P")};
}

py::dict TraceDict(const std::vector<neural::TrainRecord>& trace) {
  const auto column = [&trace](auto field) {
    Eigen::VectorXd v(static_cast<Eigen::Index>(trace.size()));
    for (size_t i = 0; i < trace.size(); ++i) v[static_cast<Eigen::Index>(i)] = static_cast<double>(field(trace[i]));
    return ToArray(v);
  };
  py::dict d;
  d["iteration"] = column([](const neural::TrainRecord& r) { return r.iteration; });
  d["mean_gap"] = column([](const neural::TrainRecord& r) { return r.mean_gap; });
  d["max_gap"] = column([](const neural::TrainRecord& r) { return r.max_gap; });
  d["mean_regularized_gap"] = column([](const neural::TrainRecord& r) { return r.mean_regularized_gap; });
  d["max_regularized_gap"] = column([](const neural::TrainRecord& r) { return r.max_regularized_gap; });
  d["loss"] = column([](const neural::TrainRecord& r) { return r.loss; });
  d["queries"] = column([](const neural::TrainRecord& r) { return r.queries; });
  d["min_log_probability"] = column([](const neural::TrainRecord& r) { return r.min_log_probability; });
  return d;
}

py::object Train(const py::object& P, const std::optional<std::string>& generate, int n, int contexts,
               const py::object& features, const std::string& policy, const std::string& algo, std::int64_t iters,
               std::optional<double> lr, std::optional<double> eta, std::optional<double> beta, const std::string& optimizer,
               const std::string& feedback, int samples, std::uint64_t seed, const std::string& backend,
               std::int64_t log_every, int depth, std::optional<int> width, const py::object& reference,
               std::optional<int> vocab, int length, int prompts, int prompt_length, const std::string& oracle,
               const std::string& oracle_file, double transitivity, int layers, int heads, int fit_steps,
               bool estimate_gap) {
  if (static_cast<int>(!P.is_none()) + static_cast<int>(generate.has_value()) + static_cast<int>(vocab.has_value()) != 1) {
    throw InvalidArgument("give P, generate=KIND or vocab=V (sequence games), one of them");
  }
  Eigen::MatrixXd feature_matrix;
  if (!features.is_none()) feature_matrix = ToMatrix(features, "features");
  std::optional<neural::SequenceGameOptions> sequence;
  if (vocab) {
    sequence = neural::SequenceGameOptions{.vocabulary = *vocab,
                                           .max_length = length,
                                           .prompts = prompts,
                                           .prompt_length = prompt_length,
                                           .seed = seed,
                                           .oracle = {.kind = neural::ParseSequenceOracleKind(oracle),
                                                      .file = oracle_file,
                                                      .transitivity = transitivity,
                                                      .seed = seed}};
  }
  if (estimate_gap && !(vocab && !neural::SequenceSpace(*vocab, length).enumerable())) {
    throw InvalidArgument("estimate_gap=True trains on samples a sequence space past 65536 responses (vocab, length); "
                          "on an enumerable space the gap is exact (nlhf train --estimate-gap compares the two)");
  }
  const auto options_for = [&] {
    neural::TrainOptions options;
    options.algorithm = algo;
    options.policy.kind = neural::ParsePolicyKind(policy);
    options.policy.depth = depth;
    options.policy.hidden_width = width.value_or(options.policy.kind == neural::PolicyKind::kTransformer ? 16 : 10);
    options.policy.layers = layers;
    options.policy.heads = heads;
    options.fit_steps = fit_steps;
    options.iterations = iters;
    options.step_size = eta;
    options.beta = beta;
    if (!reference.is_none()) options.reference_log_policy = ToVector(reference, "reference (log-probabilities)");
    options.optimizer = neural::ParseOptimizerKind(optimizer);
    options.feedback = neural::ParseFeedbackKind(feedback);
    options.learning_rate = lr.value_or(
        neural::DefaultLearningRate(options.policy.kind, options.feedback == neural::FeedbackKind::kSampled));
    options.samples = samples;
    options.seed = seed;
    options.backend = neural::ParseBackend(backend);
    options.log_every = log_every;
    return options;
  };
  if (estimate_gap) {
    // Past the enumeration limit: trained on drawn responses, every gap an estimate (gap_kind "estimated").
    const std::shared_ptr<const neural::SequenceSetting> setting = neural::MakeSequenceSetting(*sequence);
    const neural::TrainOptions options = options_for();
    neural::SampledTrainResult sampled;
    {
      py::gil_scoped_release release;
      sampled = neural::TrainOnSamples(setting, options);
    }
    py::object out = py::module_::import("json").attr("loads")(neural::TrainResultJson(sampled, *setting, options).dump());
    out["gaps"] = ToArray(sampled.train.gaps);
    out["gap_low"] = ToArray(sampled.train.gap_low);
    out["gap_high"] = ToArray(sampled.train.gap_high);
    out["trace"] = TraceDict(sampled.train.trace);
    return out;
  }
  const neural::TrainingGames games =
      sequence ? neural::MakeSequenceGames(*sequence)
      : generate ? neural::GenerateTrainingGames({.kind = *generate, .n = n, .seed = seed}, contexts)
                 : neural::MakeTrainingGames(ToContexts(P), feature_matrix, seed, "P");
  const neural::TrainOptions options = options_for();
  neural::TrainResult result;
  {
    py::gil_scoped_release release;
    result = neural::Train(games, options);
  }
  // The scalar fields as the command line prints them; the policy, the gaps and the trace as arrays.
  py::object out = py::module_::import("json").attr("loads")(neural::TrainResultJson(result, games, options).dump());
  out["gaps"] = ToArray(result.gaps);
  py::array_t<double> policy_array({result.policy.rows(), result.policy.cols()});
  for (Eigen::Index c = 0; c < result.policy.rows(); ++c) {
    for (Eigen::Index a = 0; a < result.policy.cols(); ++a) policy_array.mutable_at(c, a) = result.policy(c, a);
  }
  out["policy"] = policy_array;
  out["trace"] = TraceDict(result.trace);
  return out;
}

}  // namespace
}  // namespace nlhf::python

PYBIND11_MODULE(nlhf_neural, m) {
  using namespace nlhf::python;
  namespace py = pybind11;
  m.doc() = "Neural (and tabular) policies trained with OMWU or a baseline as the loss, over LibTorch: the engine "
            "of `nlhf train`. Separate from `nlhf` so that `import nlhf` does not load LibTorch.";
  RegisterErrorTranslator();
  m.def("train", &Train, py::arg("P") = py::none(), py::kw_only(), py::arg("generate") = py::none(),
        py::arg("n") = 100, py::arg("contexts") = 1, py::arg("features") = py::none(), py::arg("policy") = "mlp",
        py::arg("algo") = "omwu", py::arg("iters") = 1000, py::arg("lr") = py::none(), py::arg("eta") = py::none(),
        py::arg("beta") = py::none(), py::arg("optimizer") = "sgd", py::arg("feedback") = "exact",
        py::arg("samples") = 100, py::arg("seed") = 0, py::arg("backend") = "auto", py::arg("log_every") = 1,
        py::arg("depth") = 3, py::arg("width") = py::none(), py::arg("reference") = py::none(),
        py::arg("vocab") = py::none(), py::arg("length") = 4, py::arg("prompts") = 1, py::arg("prompt_length") = 2,
        py::arg("oracle") = "gpm", py::arg("oracle_file") = "", py::arg("transitivity") = 0.5, py::arg("layers") = 2,
        py::arg("heads") = 2, py::arg("fit_steps") = 1, py::arg("estimate_gap") = false,
        R"doc(Train a policy network with a method's loss (docs/neural.md); the same engine as `nlhf train`.

P: one preference matrix (n x n), or contexts as a C x n x n array or a list of n x n matrices; or
    generate="random"|"planted"|... with n, contexts and seed instead.
features: C x d context features for policy="contextual" (default: seeded N(0,1), d = 10).
    Or vocab=V for sequence games (docs/neural.md): responses are strings of at most `length` tokens, one
    game per prompt (`prompts` of `prompt_length` tokens) over every response, preferences from
    oracle="gpm" (with `transitivity`), "table" or "torchscript" (with oracle_file).
policy: "tabular", "mlp" (the EGPO network per context), "contextual" or, on sequence games,
    "transformer" (layers, heads, width: default 16; width defaults to 10 for the MLPs).
fit_steps: optimizer steps per iteration toward the same target (autograd path).
algo: omwu, mwu, sppo, online-ipo, ipo-md, inpo, nash-md, nash-md-pg, mmd, egpo (nlhf_neural.methods()).
lr, eta, beta: with policy="tabular" and plain SGD the step is the tabular method's with step lr*eta
    (lr defaults to 1, or 0.01 for the contextual network or sampled feedback).
feedback: "exact", or "sampled" with `samples` Bernoulli queries per context per payoff estimate; on
    sequence games sampled feedback is on-policy: `samples` (>= 2) responses drawn per prompt and
    iteration, each pair compared once (docs/neural.md, "Sampled losses").
backend: "auto", "fused" (CPU, SGD, tabular/mlp) or "autograd" (LibTorch).
reference: log pi_ref of the regularized methods over the n responses, shared by every context (a 1-D
    array of log-probabilities; default uniform), as `nlhf train --reference`.
estimate_gap: on a sequence space past 65536 responses, with policy="transformer" and feedback="sampled",
    train on drawn responses alone: every gap is an estimate (gap_kind "estimated", the search and each
    prompt's 95% interval in gap_low / gap_high), never a certificate, and there is no policy array
    (docs/neural.md, "Spaces too large to enumerate").

Returns a dict: the fields of `nlhf train --json` (algorithm, network, backend, game, feedback, optimizer,
learning_rate, termination, message, iterations, resumed_from, seconds, microseconds_per_iteration,
parameters, queries, mean_gap, max_gap, mean_regularized_gap, contexts), plus NumPy arrays: gaps (per
context), policy (C x n) and trace (a dict of arrays).
Raises ValueError on bad input, with the command line's messages.)doc");
  m.def(
      "methods",
      [] {
        py::list list;
        for (const nlhf::neural::NeuralMethod& method : nlhf::neural::NeuralMethods()) {
          py::dict d;
          d["name"] = method.name;
          d["summary"] = method.summary;
          d["default_eta"] = method.default_step_size;
          d["regularized"] = method.regularized;
          if (method.regularized) d["default_beta"] = method.default_beta;
          d["tabular_counterpart"] = method.tabular_counterpart;
          list.append(d);
        }
        return list;
      },
      "The training methods, with their defaults and the `nlhf.solve` algorithm each reproduces.");
}
