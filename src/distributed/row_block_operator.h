// One preference game too large for one machine, split across the ranks of an MPI job by row blocks of
// its packed operator (docs/scale-out.md). Rank r holds rows [first, end) of the strict upper triangle of
// the skew payoff A, the blocks balanced by the rows' lengths n − 1 − i, so that each rank holds about
// 1/K of the packed matrix's bytes. A product y = A x is each rank's part over its rows (y_i += a_ij x_j
// and y_j −= a_ij x_i, accumulated in double) summed over the ranks: one reduction of an n-vector. Every
// rank then holds the same y (each rank's part swept by its OpenMP threads, as one process sweeps the
// whole triangle: kernels/packed_rows.h), so a solver run on every rank over this operator takes the same steps, and
// its certificate, computed from these products, is the whole game's.
#ifndef NLHF_SRC_DISTRIBUTED_ROW_BLOCK_OPERATOR_H_
#define NLHF_SRC_DISTRIBUTED_ROW_BLOCK_OPERATOR_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "distributed/mpi_world.h"
#include "nlhf/game.h"
#include "nlhf/kernels/skew_operator.h"

namespace nlhf::distributed {

// Rows [first, end) of part `part` of `parts` for an n × n upper triangle: the boundaries are where the
// entries before a row first reach part/parts of the n(n − 1)/2.
std::pair<int, int> BalancedRowBlock(int n, int part, int parts);

class RowBlockSkewOperator final : public SkewPayoffOperator {
 public:
  // This rank's rows of the float64 or float32 C-order .npy preference matrix at `path`, checked as
  // ReadNpyOperatorGame checks every entry, stored in `storage`. Collective: a failure on any rank is
  // agreed on (MpiWorld::AgreeOnFirstError) and reported once, by the rank whose rows come first.
  // `projection_change` receives the largest change the complementary projection made anywhere.
  static std::shared_ptr<const RowBlockSkewOperator> ReadNpy(const MpiWorld& world, const std::string& path,
                                                              Storage storage, const MatrixGameOptions& options,
                                                              double* projection_change);

  int n() const override { return n_; }
  int first_row() const { return first_; }
  int end_row() const { return end_; }
  // Collective: every rank calls it with the same x and receives the same y.
  void Multiply(const double* x, double* y) const override;
  double MaxAbs() const override;  // collective
  // "packed f64 in row blocks over 2 ranks, 33.6 MB on this rank".
  std::string Describe() const override;

 private:
  RowBlockSkewOperator(const MpiWorld& world, int n, int first, int end, Storage storage);
  std::size_t RowOffset(int i) const;  // where row i's entries j > i start in this rank's storage

  const MpiWorld& world_;
  int n_, first_, end_;
  Storage storage_;
  std::vector<double> f64_;
  std::vector<float> f32_;
  mutable std::vector<double> partial_;  // this rank's part of y
  std::vector<int> thread_split_;        // the first row of each thread's run of rows, then end
  mutable std::vector<std::vector<double>> scratch_;  // one accumulator per run, where there are several
};

}  // namespace nlhf::distributed

#endif  // NLHF_SRC_DISTRIBUTED_ROW_BLOCK_OPERATOR_H_
