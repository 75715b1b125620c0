// Game types: the n×n preference matrix P of NLHF, and the general m×n zero-sum payoff matrix.
//
// P[a][b] = Pr(a is preferred to b), with P + Pᵀ = 1. Its payoff A = P − 1/2 is skew-symmetric, and NLHF
// is the symmetric zero-sum game max_π min_π' πᵀAπ' (value 0), solved by self-play with one policy.
// A general payoff matrix is a two-player game where the row player maximizes xᵀAy.
#ifndef NLHF_GAME_H_
#define NLHF_GAME_H_

#include <Eigen/Dense>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nlhf/policy.h"

namespace nlhf {

// Where a matrix came from, so that an error can point at one of its entries.
struct MatrixSource {
  std::string path;            // file name, or a description such as "<generated>"
  std::vector<int> row_lines;  // 1-based line of each row in a text file; empty otherwise

  // "soccer.txt:4: row 4, column 2" (rows and columns counted from 1, as a person reads them).
  std::string Describe(int row, int column) const;
};

struct PreferenceValidation {
  double symmetry_tolerance = 1e-9;  // |P[a][b] + P[b][a] − 1| <= symmetry_tolerance for all a, b
};

// The default symmetry tolerance for a matrix read from storage of the given precision: 1e-9 for
// float64, 1e-6 for float32 (which cannot hold P[a][b] and 1 − P[a][b] both exactly). The command line
// and the Python module both use it, so the same array is accepted or refused the same way.
double DefaultSymmetryTolerance(bool single_precision);

// The tolerance a reader of preference matrices applies: any deviation with `symmetrize` (the matrix is
// then projected whatever it was), else `given`, else the default for the storage's precision. The
// command line (--symmetrize, --symmetry-tol) and the Python module (symmetrize=, symmetry_tol=) share it.
double SymmetryTolerance(bool symmetrize, std::optional<double> given, bool single_precision);

// The checks a preference matrix's entries pass, one entry or pair at a time, for readers that never hold
// the whole matrix (io/npy_operator.h); each throws InvalidArgument naming the entry and the rule.
void CheckFiniteEntry(double value, int i, int j, const MatrixSource& source);
// Finite and in [0, 1].
void CheckProbabilityEntry(double p, int i, int j, const MatrixSource& source);
// |P_ij + P_ji − 1| <= tolerance.
void CheckComplementaryPair(double p_ij, double p_ji, int i, int j, double tolerance, const MatrixSource& source);

// The game that is solved is the game that is certified: a matrix accepted within the symmetry tolerance
// is replaced by its complementary projection (P + 1 − Pᵀ)/2, and that projection is the stated game that
// every solver, kernel and certificate sees. (Pairs already summing to 1 in floating point are kept bit
// for bit; A = P − 1/2 is then skew-symmetric up to an ulp of 1/2, which CertificateRoundingBound counts.)
class PreferenceGame {
 public:
  // Checks that `preferences` is a non-empty square matrix of finite entries in [0, 1] with
  // |P + Pᵀ − 1| <= tolerance; throws InvalidArgument naming the entry and the rule otherwise. Then
  // keeps (P + 1 − Pᵀ)/2. `names` is empty or holds one name per response.
  PreferenceGame(Eigen::MatrixXd preferences,
                 std::vector<std::string> names = {},
                 const PreferenceValidation& validation = {},
                 const MatrixSource& source = {});

  int num_responses() const { return static_cast<int>(preferences_.rows()); }
  // The stated game: the complementary projection of the given matrix.
  const Eigen::MatrixXd& preferences() const { return preferences_; }
  // The largest change the projection made to any entry (0 for an exactly complementary matrix).
  double projection_change() const { return projection_change_; }
  // One name per response: the given ones, or "0", "1", ... when none were given.
  const std::vector<std::string>& names() const { return names_; }
  // A = P − 1/2 (from a game about to be dropped, computed in place of P).
  Eigen::MatrixXd Payoff() const&;
  Eigen::MatrixXd Payoff() &&;

 private:
  Eigen::MatrixXd preferences_;
  double projection_change_ = 0;
  std::vector<std::string> names_;
};

// A bound on the rounding of a self-play certificate 2·max(Aπ) computed in double: the exact gap of an
// exactly skew game is at least 0, so a computed gap is never below −CertificateRoundingBound(A), which
// also counts A's own departure from skew symmetry (max|A + Aᵀ|, an ulp for a projected P).
double CertificateRoundingBound(const Eigen::MatrixXd& payoff);

// The same bound for a game's self-play certificate, held densely or as an operator (0 for a payoff game).
class ZeroSumGame;
double CertificateRoundingBound(const ZeroSumGame& game);

// Replaces P by (P + 1 − Pᵀ)/2, the nearest matrix (in Frobenius norm) with P + Pᵀ = 1, and returns
// the largest change of any entry; pairs already summing to 1 in floating point are left bit for bit.
// Entries must be finite; the result stays in [0, 1] when P was. PreferenceGame applies it to every
// matrix it accepts.
double Symmetrize(Eigen::MatrixXd& preferences);

// The first name given twice, as (index of its first use, index of the repeat); none when all differ.
// Responses and ranked candidates must be told apart by name: the printed equilibrium names them.
std::optional<std::pair<size_t, size_t>> FirstRepeatedName(const std::vector<std::string>& names);

// A skew-symmetric payoff held only as its product x ↦ Ax, for preference games whose dense n×n double
// matrix would not fit in memory (n = 32,768: 8.6 GB dense, 2.1 GB as a packed f32 triangle).
// nlhf/kernels/skew_operator.h implements it; the stored entries are the game.
class SkewPayoffOperator {
 public:
  virtual ~SkewPayoffOperator() = default;
  virtual int n() const = 0;
  // y = A x, accumulated in double. x and y hold n entries and must not overlap.
  virtual void Multiply(const double* x, double* y) const = 0;
  // max |A_ij|.
  virtual double MaxAbs() const = 0;
  // How the entries are held, e.g. "packed f32, 2.15 GB".
  virtual std::string Describe() const = 0;
};

// A two-player zero-sum game over a payoff matrix A (the row player receives xᵀAy). A symmetric game
// (A skew-symmetric, from a preference matrix) is played in self-play with one policy: since
// −Aᵀπ = Aπ, both players' updates coincide and only one needs computing.
class ZeroSumGame {
 public:
  static ZeroSumGame FromPreferences(const PreferenceGame& game);
  static ZeroSumGame FromPreferences(PreferenceGame&& game);  // takes over the game's matrix
  // Any finite, non-empty m×n matrix; throws InvalidArgument naming a non-finite entry.
  static ZeroSumGame FromPayoff(Eigen::MatrixXd payoff,
                                std::vector<std::string> row_names = {},
                                std::vector<std::string> column_names = {},
                                const MatrixSource& source = {});
  // The preference game of an n×n matrix P held row by row (`rows[i·n + j]` = P[i][j], e.g. a float64 C-order
  // .npy file where it lies), built in one pass: each pair checked and projected as PreferenceGame does and
  // written straight into A = P − 1/2, the same numbers GameFromMatrix gives. Empty when P breaks a rule
  // (an entry outside [0, 1] or not a number, a pair off by more than `tolerance`): take GameFromMatrix
  // then, whose message names the entry.
  static std::optional<ZeroSumGame> FromPreferenceRows(const double* rows, int n, double tolerance,
                                                       std::vector<std::string> names = {},
                                                       const MatrixSource& source = {},
                                                       double* projection_change = nullptr);
  // A preference game held only as its skew operator: every iterative method and the certificate run on
  // it through products; what needs the dense matrix (the LP and interior point solvers, polishing) is
  // refused or skipped. `names` is empty or holds one name per response.
  static ZeroSumGame FromSkewOperator(std::shared_ptr<const SkewPayoffOperator> payoff,
                                      std::vector<std::string> names = {});

  bool symmetric() const { return symmetric_; }
  // 1 in self-play, 2 (row, column) otherwise.
  int num_players() const { return symmetric_ ? 1 : 2; }
  int num_actions(int player) const;
  // The dense payoff matrix; throws std::logic_error for a game held only as an operator (callers that
  // may meet one check has_dense_payoff() first).
  const Eigen::MatrixXd& payoff() const;
  bool has_dense_payoff() const { return skew_operator_ == nullptr; }
  // The operator of a game made by FromSkewOperator; null otherwise.
  const SkewPayoffOperator* skew_operator() const { return skew_operator_.get(); }
  const std::shared_ptr<const SkewPayoffOperator>& shared_skew_operator() const { return skew_operator_; }
  // max |A_ij|, computed once (the scale of step sizes and tolerances).
  double payoff_scale() const { return payoff_scale_; }
  const std::vector<std::string>& action_names(int player) const;

  // Each player's payoff vector against the others' policies (probabilities, one per player):
  // self-play {Aπ}; two players {A y, −Aᵀ x}. One matrix–vector product per player.
  PlayerVectors Payoffs(const PlayerVectors& probabilities) const;

 private:
  ZeroSumGame(Eigen::MatrixXd payoff, bool symmetric, std::vector<std::string> row_names,
              std::vector<std::string> column_names);

  Eigen::MatrixXd payoff_;
  std::shared_ptr<const SkewPayoffOperator> skew_operator_;
  double payoff_scale_ = 0;
  bool symmetric_;
  std::vector<std::string> row_names_;
  std::vector<std::string> column_names_;
};

// How a matrix is taken as a game: the rules the command line (--payoff, --symmetrize, --symmetry-tol)
// and the Python module (payoff=, symmetrize=, symmetry_tol=) share.
struct MatrixGameOptions {
  bool payoff = false;      // a general m×n zero-sum payoff matrix (row player maximizes), not preferences
  bool symmetrize = false;  // accept any P: it is projected whatever it was
  // Allowed |P + Pᵀ − 1|; unset: DefaultSymmetryTolerance of the values' precision.
  std::optional<double> symmetry_tolerance;
};

// The game a matrix states: a payoff matrix as given, or preferences validated within
// SymmetryTolerance(...) and replaced by their complementary projection (PreferenceGame), whose largest
// entry change goes to `projection_change` when given.
ZeroSumGame GameFromMatrix(Eigen::MatrixXd values, const MatrixGameOptions& options, bool single_precision,
                           std::vector<std::string> row_names = {}, std::vector<std::string> column_names = {},
                           const MatrixSource& source = {}, double* projection_change = nullptr);

}  // namespace nlhf

#endif  // NLHF_GAME_H_
