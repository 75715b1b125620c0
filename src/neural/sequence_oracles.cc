// The built-in sequence oracles (gpm, table) and the default N × N matrix; the TorchScript oracle is in
// torchscript_oracle.cc.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <vector>

#include "nlhf/error.h"
#include "nlhf/game.h"
#include "nlhf/io/matrix_file.h"
#include "nlhf/neural/sequence_oracle.h"
#include "neural/eigen_tensor.h"
#include "neural/torchscript_oracle.h"

namespace nlhf::neural {
namespace {

// The general preference model of sequence_oracle.h.
class GeneralPreferenceModel : public SequenceOracle {
 public:
  // φ's dimension: R = M − Mᵀ of a d × d Gaussian M has d/2 rotation planes, so d = 6 gives three
  // independent cycles.
  static constexpr int kEmbedding = 6;
  // At most this many bigram features: bigram (a, b) counts in bucket (a·V + b) mod 64 for V > 8.
  static constexpr int kMaxBigramBuckets = 64;
  // Logits are this times X·Δr + (1 − X)·φᵀRφ′/d: on V = 3, T = 4 with X = 0 (seeds 0–5, three prompts
  // each), max|P − 1/2| is then 0.24–0.43 and the mean |P − 1/2| 0.025–0.076: not saturated, not flat.
  static constexpr double kStrength = 3.0;

  // Responses drawn to estimate the centre where the space is too large to average over exactly.
  static constexpr std::int64_t kCentreSamples = 65536;

  GeneralPreferenceModel(const SequenceSpace& space, double transitivity, std::uint64_t seed)
      : space_(space),
        vocabulary_(space.vocabulary()),
        buckets_(static_cast<int>(std::min<std::int64_t>(std::int64_t{vocabulary_} * vocabulary_, kMaxBigramBuckets))),
        transitivity_(transitivity),
        seed_(seed) {
    at::Generator generator = at::detail::createCPUGenerator(seed);
    const std::int64_t features = vocabulary_ + buckets_;
    reward_ = torch::normal(0.0, 1.0, {features}, generator, torch::kFloat64);
    embedding_ = torch::normal(0.0, 1.0, {features, kEmbedding}, generator, torch::kFloat64);
    const torch::Tensor m = torch::normal(0.0, 1.0, {kEmbedding, kEmbedding}, generator, torch::kFloat64);
    rotation_ = m - m.t();
  }

  torch::Tensor Probabilities(const torch::Tensor& prompt, const torch::Tensor& first,
                              const torch::Tensor& second) const override {
    const torch::Tensor h1 = Centred(prompt, first), h2 = Centred(prompt, second);
    return torch::sigmoid(Logit(h1.matmul(reward_) - h2.matmul(reward_),
                                (h1.matmul(embedding_).matmul(rotation_) * h2.matmul(embedding_)).sum(1)));
  }

  // One product for all pairs: Z = X (r 1ᵀ − 1 r′ᵀ) + (1 − X) Φ R Φ′ᵀ / d.
  using SequenceOracle::Matrix;
  torch::Tensor Matrix(const torch::Tensor& prompt, const torch::Tensor& rows, const torch::Tensor& columns) const override {
    const torch::Tensor h = Centred(prompt, rows), h2 = Centred(prompt, columns);
    const torch::Tensor r = h.matmul(reward_), phi = h.matmul(embedding_);
    const torch::Tensor r2 = h2.matmul(reward_), phi2 = h2.matmul(embedding_);
    return torch::sigmoid(Logit(r.unsqueeze(1) - r2.unsqueeze(0), phi.matmul(rotation_).matmul(phi2.t())));
  }

  std::string Describe() const override {
    return fmt::format("gpm(transitivity={:g}, seed={})", transitivity_, seed_);
  }

 private:
  torch::Tensor Logit(const torch::Tensor& reward_difference, const torch::Tensor& cyclic) const {
    return kStrength * (transitivity_ * reward_difference + (1.0 - transitivity_) / kEmbedding * cyclic);
  }

  // h(x⊕y) − h̄(x), h̄(x) the mean of h(x⊕y) over the responses y (uniformly weighted). Centring puts
  // the origin inside the features' hull, so that φᵀRφ′ is a game without a dominant response: on V = 3,
  // T = 4 its equilibria have 21–37 of the 121 responses in their support, against 1–7 uncentred.
  torch::Tensor Centred(const torch::Tensor& prompt, const torch::Tensor& responses) const {
    return Frequencies(prompt, responses) - Centre(prompt);
  }

  // h̄(x), computed once per prompt: exactly over an enumerable space, else as the mean over
  // kCentreSamples uniformly drawn responses (a length k with probability V^k / N, then uniform tokens),
  // seeded by the oracle's seed, so that the oracle stays one fixed function.
  torch::Tensor Centre(const torch::Tensor& prompt) const {
    const torch::Tensor key_tensor = prompt.to(torch::kInt64).contiguous();
    std::vector<std::int64_t> key(key_tensor.data_ptr<std::int64_t>(), key_tensor.data_ptr<std::int64_t>() + key_tensor.numel());
    std::lock_guard<std::mutex> lock(centre_mutex_);
    if (const auto it = centres_.find(key); it != centres_.end()) return it->second;
    torch::Tensor responses;
    if (space_.enumerable()) {
      responses = space_.Enumerate();
    } else {
      at::Generator generator = at::detail::createCPUGenerator(seed_ ^ 0x9e3779b97f4a7c15ULL);
      const int t = space_.max_length();
      // P(length = k) ∝ V^k, in logs so that large spaces do not overflow.
      const torch::Tensor log_weights = torch::arange(t + 1, torch::kFloat64) * std::log(static_cast<double>(vocabulary_));
      const torch::Tensor lengths = torch::multinomial(torch::softmax(log_weights, 0), kCentreSamples, true, generator);
      responses = torch::randint(vocabulary_, {kCentreSamples, t}, generator, torch::kInt64);
      const torch::Tensor after_end = torch::arange(t, torch::kInt64).unsqueeze(0).ge(lengths.unsqueeze(1));
      responses.masked_fill_(after_end, space_.end_token());
    }
    return centres_.emplace(key, Frequencies(key_tensor, responses).mean(0)).first->second;
  }

  // h(x⊕y): unigram and bigram counts of the text (the end token excluded) over its length + 1, B × (V +
  // buckets). Frequencies rather than counts keep the logits of long and short texts on one scale.
  torch::Tensor Frequencies(const torch::Tensor& prompt, const torch::Tensor& responses) const {
    const std::int64_t rows = responses.size(0);
    const std::int64_t features = vocabulary_ + buckets_;
    const torch::Tensor text = torch::cat({prompt.view({1, -1}).expand({rows, prompt.numel()}), responses}, 1);
    const torch::Tensor valid = text.lt(vocabulary_);
    // Every end token's count goes to one extra column, dropped at the end.
    const torch::Tensor unigrams = torch::where(valid, text, torch::full_like(text, features));
    const torch::Tensor a = text.slice(1, 0, -1), b = text.slice(1, 1);
    const torch::Tensor pair_valid = valid.slice(1, 0, -1).logical_and(valid.slice(1, 1));
    const torch::Tensor bigrams =
        torch::where(pair_valid, vocabulary_ + (a * vocabulary_ + b).remainder(buckets_), torch::full_like(a, features));
    const torch::Tensor index = torch::cat({unigrams, bigrams}, 1);
    torch::Tensor counts = torch::zeros({rows, features + 1}, torch::kFloat64);
    counts.scatter_add_(1, index, torch::ones(index.sizes(), torch::kFloat64));
    const torch::Tensor length = valid.sum(1, /*keepdim=*/true).to(torch::kFloat64);
    return counts.slice(1, 0, features) / (length + 1.0);
  }

  SequenceSpace space_;
  int vocabulary_;
  int buckets_;
  double transitivity_;
  std::uint64_t seed_;
  torch::Tensor reward_;     // u
  torch::Tensor embedding_;  // Eᵀ, features × d
  torch::Tensor rotation_;   // R = M − Mᵀ
  mutable std::mutex centre_mutex_;
  mutable std::map<std::vector<std::int64_t>, torch::Tensor> centres_;  // h̄ per prompt
};

// A preference matrix over every response of the space, named by the responses' token strings.
class TableOracle : public SequenceOracle {
 public:
  TableOracle(const std::string& path, const SequenceSpace& space) : path_(path), space_(space) {
    if (!space.enumerable()) {
      throw InvalidArgument(fmt::format("--oracle table: {}; a table lists at most {}", space.Describe(),
                                        SequenceSpace::kMaxEnumerated));
    }
    MatrixFile file = ReadMatrixFile(path);
    if (file.is_payoff) throw InvalidArgument(fmt::format("{}: a table oracle needs a preference matrix, not a payoff matrix", path));
    const std::int64_t n = *space.size();
    if (file.values.rows() != n) {
      throw InvalidArgument(fmt::format("{}: {} responses, but {}: a table oracle lists every response once", path,
                                        file.values.rows(), space.Describe()));
    }
    if (file.row_names.empty()) {
      throw InvalidArgument(fmt::format("{}: no response names; a table oracle names each response by its token "
                                        "string (a first row of names in text, \"responses\" in JSON), e.g. \"{}\"",
                                        path, space.Decode({0, 0})));
    }
    // Checks P ∈ [0, 1], P + Pᵀ = 1 and finiteness, naming the entry.
    const PreferenceGame game(file.values, file.row_names, {}, file.source);
    torch::Tensor rows = torch::full({n, space.max_length()}, space.end_token(), torch::kInt64);
    for (std::int64_t i = 0; i < n; ++i) {
      const std::string& name = file.row_names[static_cast<size_t>(i)];
      const std::optional<std::vector<int>> tokens = space.Parse(name);
      if (!tokens) {
        throw InvalidArgument(fmt::format("{}: response {} is named \"{}\", which is no response of {} (names are "
                                          "token strings such as \"{}\", and \"{}\" for the empty response)",
                                          path, i, Excerpt(name), space.Describe(), space.Decode({0, 0}),
                                          space.Decode({})));
      }
      for (size_t k = 0; k < tokens->size(); ++k) rows[i][static_cast<std::int64_t>(k)] = (*tokens)[k];
    }
    const torch::Tensor index = space.Index(rows);
    row_of_response_ = torch::full({n}, -1, torch::kInt64);
    for (std::int64_t i = 0; i < n; ++i) {
      const std::int64_t response = index[i].item<std::int64_t>();
      if (const std::int64_t earlier = row_of_response_[response].item<std::int64_t>(); earlier >= 0) {
        throw InvalidArgument(fmt::format("{}: responses {} and {} are both \"{}\"; a table oracle lists every "
                                          "response once", path, earlier, i, file.row_names[static_cast<size_t>(i)]));
      }
      row_of_response_[response] = i;
    }
    preferences_ = internal::ToTensor(game.preferences());
  }

  torch::Tensor Probabilities(const torch::Tensor&, const torch::Tensor& first, const torch::Tensor& second) const override {
    const torch::Tensor i = row_of_response_.index_select(0, space_.Index(first));
    const torch::Tensor j = row_of_response_.index_select(0, space_.Index(second));
    return preferences_.index({i, j});
  }

  using SequenceOracle::Matrix;
  torch::Tensor Matrix(const torch::Tensor&, const torch::Tensor& rows, const torch::Tensor& columns) const override {
    return preferences_.index_select(0, row_of_response_.index_select(0, space_.Index(rows)))
        .index_select(1, row_of_response_.index_select(0, space_.Index(columns)));
  }

  std::string Describe() const override { return fmt::format("table({})", path_); }

 private:
  std::string path_;
  SequenceSpace space_;
  torch::Tensor preferences_;       // as in the file (complementary projection applied)
  torch::Tensor row_of_response_;   // the file's row of each response, in enumeration order
};

}  // namespace

std::string SequenceOracleOptions::Validate() const {
  if (kind == SequenceOracleKind::kGpm) {
    if (!(transitivity >= 0 && transitivity <= 1)) {
      return fmt::format("transitivity = {}. Violated constraint: 0 <= transitivity <= 1", transitivity);
    }
    if (!file.empty()) return fmt::format("--oracle-file {}: the gpm oracle reads no file", file);
  } else if (file.empty()) {
    return fmt::format("--oracle {} needs --oracle-file FILE", SequenceOracleKindName(kind));
  }
  return "";
}

torch::Tensor SequenceOracle::Matrix(const torch::Tensor& prompt, const torch::Tensor& rows,
                                     const torch::Tensor& columns) const {
  const std::int64_t k = rows.size(0), m = columns.size(0);
  // Blocks of about a million pairs.
  const std::int64_t block = std::max<std::int64_t>(1, (std::int64_t{1} << 20) / std::max<std::int64_t>(m, 1));
  std::vector<torch::Tensor> blocks;
  for (std::int64_t start = 0; start < k; start += block) {
    const std::int64_t end = std::min(k, start + block);
    const torch::Tensor first = rows.slice(0, start, end).repeat_interleave(m, 0);
    const torch::Tensor second = columns.repeat({end - start, 1});
    blocks.push_back(Probabilities(prompt, first, second).view({end - start, m}));
  }
  return blocks.empty() ? torch::empty({0, m}, torch::kFloat64) : torch::cat(blocks, 0);
}

std::unique_ptr<SequenceOracle> MakeSequenceOracle(const SequenceOracleOptions& options, const SequenceSpace& space,
                                                   int prompt_length) {
  if (const std::string problem = options.Validate(); !problem.empty()) throw InvalidArgument(problem);
  switch (options.kind) {
    case SequenceOracleKind::kGpm:
      return std::make_unique<GeneralPreferenceModel>(space, options.transitivity, options.seed);
    case SequenceOracleKind::kTable:
      return std::make_unique<TableOracle>(options.file, space);
    case SequenceOracleKind::kTorchScript:
      return internal::LoadTorchScriptOracle(options.file, space, prompt_length);
  }
  throw InvalidArgument("unknown oracle kind");
}

}  // namespace nlhf::neural
