#include "nlhf/neural/sequence_space.h"

#include <fmt/format.h>

#include "nlhf/error.h"

namespace nlhf::neural {
namespace {

constexpr int kMaxVocabulary = 1000;
constexpr int kMaxLength = 64;
constexpr char kEmpty[] = "<empty>";

}  // namespace

SequenceSpace::SequenceSpace(int vocabulary, int max_length) : vocabulary_(vocabulary), max_length_(max_length) {
  if (vocabulary < 1 || vocabulary > kMaxVocabulary) {
    throw InvalidArgument(fmt::format("vocab = {}. Violated constraint: 1 <= vocab <= {}", vocabulary, kMaxVocabulary));
  }
  if (max_length < 1 || max_length > kMaxLength) {
    throw InvalidArgument(fmt::format("length = {}. Violated constraint: 1 <= length <= {}", max_length, kMaxLength));
  }
}

std::optional<std::int64_t> SequenceSpace::size() const {
  constexpr std::int64_t kLimit = std::int64_t{1} << 62;
  std::int64_t total = 1, power = 1;
  for (int k = 1; k <= max_length_; ++k) {
    if (power > kLimit / vocabulary_) return std::nullopt;
    power *= vocabulary_;
    total += power;
    if (total > kLimit) return std::nullopt;
  }
  return total;
}

std::string SequenceSpace::Describe() const {
  const std::optional<std::int64_t> n = size();
  return fmt::format("V = {} token{}, at most T = {}: {} responses", vocabulary_, vocabulary_ == 1 ? "" : "s",
                     max_length_, n ? fmt::format("{}", *n) : std::string("more than 2^62"));
}

torch::Tensor SequenceSpace::Enumerate() const {
  if (!enumerable()) {
    throw InvalidArgument(fmt::format("{}; enumerating them (exact feedback, the exact certificate) takes at most {}",
                                      Describe(), kMaxEnumerated));
  }
  const std::int64_t n = *size();
  torch::Tensor responses = torch::full({n, max_length_}, end_token(), torch::kInt64);
  auto rows = responses.accessor<std::int64_t, 2>();
  std::int64_t row = 1;  // row 0: the empty response
  for (int length = 1; length <= max_length_; ++length) {
    std::vector<int> digits(static_cast<size_t>(length), 0);
    for (;;) {
      for (int i = 0; i < length; ++i) rows[row][i] = digits[static_cast<size_t>(i)];
      ++row;
      int i = length - 1;  // the next string in lexicographic order: an odometer over V digits
      while (i >= 0 && ++digits[static_cast<size_t>(i)] == vocabulary_) digits[static_cast<size_t>(i--)] = 0;
      if (i < 0) break;
    }
  }
  return responses;
}

torch::Tensor SequenceSpace::Lengths(const torch::Tensor& responses) const {
  const torch::Tensor ended = responses.eq(end_token()).to(torch::kInt64);
  // Tokens before the first end token: the count of places whose prefix holds no end token.
  return (ended.cumsum(1) == 0).sum(1);
}

torch::Tensor SequenceSpace::Index(const torch::Tensor& responses) const {
  const torch::Tensor lengths = Lengths(responses);
  // Responses shorter than k come before those of length k: 1 + V + ... + V^(k−1) of them.
  std::vector<std::int64_t> offsets(static_cast<size_t>(max_length_) + 1, 0), powers(offsets.size(), 1);
  for (int k = 1; k <= max_length_; ++k) {
    powers[static_cast<size_t>(k)] = powers[static_cast<size_t>(k) - 1] * vocabulary_;
    offsets[static_cast<size_t>(k)] = offsets[static_cast<size_t>(k) - 1] + powers[static_cast<size_t>(k) - 1];
  }
  const torch::Tensor tokens = responses.contiguous();
  const auto rows = tokens.accessor<std::int64_t, 2>();
  const auto length = lengths.accessor<std::int64_t, 1>();
  torch::Tensor index = torch::empty({tokens.size(0)}, torch::kInt64);
  auto out = index.accessor<std::int64_t, 1>();
  for (std::int64_t r = 0; r < tokens.size(0); ++r) {
    std::int64_t rank = 0;
    for (std::int64_t i = 0; i < length[r]; ++i) rank = rank * vocabulary_ + rows[r][i];
    out[r] = offsets[static_cast<size_t>(length[r])] + rank;
  }
  return index;
}

std::string SequenceSpace::Decode(const std::vector<int>& tokens) const {
  if (tokens.empty()) return kEmpty;
  std::string text;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (vocabulary_ <= 26) {
      text += static_cast<char>('a' + tokens[i]);
    } else {
      text += fmt::format("{}t{}", i > 0 ? "." : "", tokens[i]);
    }
  }
  return text;
}

std::optional<std::vector<int>> SequenceSpace::Parse(const std::string& text) const {
  std::vector<int> tokens;
  if (text == kEmpty) return tokens;
  if (text.empty()) return std::nullopt;
  if (vocabulary_ <= 26) {
    for (const char c : text) {
      if (c < 'a' || c >= 'a' + vocabulary_) return std::nullopt;
      tokens.push_back(c - 'a');
    }
  } else {
    size_t start = 0;
    while (start <= text.size()) {
      const size_t end = std::min(text.find('.', start), text.size());
      const std::string piece = text.substr(start, end - start);
      if (piece.size() < 2 || piece[0] != 't' || piece.size() > 5) return std::nullopt;
      int value = 0;
      for (size_t i = 1; i < piece.size(); ++i) {
        if (piece[i] < '0' || piece[i] > '9') return std::nullopt;
        value = 10 * value + (piece[i] - '0');
      }
      if (value >= vocabulary_) return std::nullopt;
      tokens.push_back(value);
      start = end + 1;
    }
  }
  if (static_cast<int>(tokens.size()) > max_length_) return std::nullopt;
  return tokens;
}

}  // namespace nlhf::neural
