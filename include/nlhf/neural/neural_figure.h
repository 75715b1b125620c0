// Figure 2 of the paper with neural policies (`nlhf reproduce`, fig2_neural): every method as a loss on
// the EGPO MLP, over seeded games, as gap curves (median and min–max over seeds) per panel.
#ifndef NLHF_NEURAL_NEURAL_FIGURE_H_
#define NLHF_NEURAL_NEURAL_FIGURE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "nlhf/experiments/comparison.h"
#include "nlhf/io/gnuplot.h"

namespace nlhf::neural {

struct NeuralFigureOptions {
  int seeds = 3;                           // games seeded 1..seeds per panel
  int exact_n = 100;                       // responses of the exact-feedback panels (random, planted)
  std::int64_t exact_iterations = 5000;
  int sampled_n = 20;                      // responses of the sampled-feedback panel
  std::int64_t sampled_iterations = 3000;
  int samples = 100;                       // comparisons per iteration (per payoff estimate)
  double sampled_learning_rate = 0.01;
  int threads = 1;                         // LibTorch threads while it runs (small networks: 1 is fastest)
  std::function<void(const std::string&)> progress;
};

struct NeuralPanel {
  std::string key;    // "random_exact", "planted_exact", "random_sampled": the CSV's family column
  MethodPanel panel;  // title and one MethodSummary per method (curve, final gap, iterations to 1e-6/1e-9)
};

// Three panels: random and planted games with exact feedback (lr 1), random games with sampled feedback.
std::vector<NeuralPanel> RunNeuralFigure(const NeuralFigureOptions& options);

}  // namespace nlhf::neural

#endif  // NLHF_NEURAL_NEURAL_FIGURE_H_
