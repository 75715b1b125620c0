// The processes of one MPI job (`mpirun -np K nlhf ...`): a thin layer over the MPI calls nlhf makes, so
// that the rest of the code reads as what it does (an exclusive prefix sum, an agreement on the first
// error, texts gathered in rank order) and builds without MPI, where the world cannot be started.
// docs/scale-out.md says how to launch on one machine and on several.
#ifndef NLHF_SRC_DISTRIBUTED_MPI_WORLD_H_
#define NLHF_SRC_DISTRIBUTED_MPI_WORLD_H_

#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <string_view>

namespace nlhf::distributed {

// The job's size as the launcher announces it in the environment (Open MPI's OMPI_COMM_WORLD_SIZE,
// PMIx's or MPICH's PMI_SIZE), 1 for a process started alone. Read without starting MPI.
int LaunchedWorldSize();
// This process's rank as the launcher announces it (OMPI_COMM_WORLD_RANK, PMIX_RANK, PMI_RANK), 0 alone.
int LaunchedRank();
// Whether this build can start an MPI world (it was built with MPI found: -DNLHF_MPI).
bool MpiAvailable();

// Thrown on the ranks that agreed on an error another rank reports (MpiWorld::AgreeOnFirstError): they exit
// quietly with 0, so that the job states the error once and ends with the reporting rank's code. (Exiting
// with that code too would let mpirun stop the job, the reporting rank with it, before the message is out.)
class ReportedElsewhere : public std::exception {
 public:
  const char* what() const noexcept override { return "an error reported by another rank"; }
};

class MpiWorld {
 public:
  // Starts MPI (MPI_Init_thread, the main thread alone calling MPI). Throws Unavailable in a build
  // without MPI.
  MpiWorld();
  ~MpiWorld();  // MPI_Finalize
  MpiWorld(const MpiWorld&) = delete;
  MpiWorld& operator=(const MpiWorld&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  // Collectives: every rank calls each, in the same order.
  std::uint64_t ExclusiveSum(std::uint64_t value) const;  // Σ over the ranks below this one (0 on rank 0)
  std::uint64_t Sum(std::uint64_t value) const;
  std::uint64_t Min(std::uint64_t value) const;
  void SumInPlace(double* values, int count) const;  // element-wise over the ranks, every rank the same result
  double Max(double value) const;
  // Where a step may fail on some ranks only: every rank calls this with its error (null when none) and the
  // error's place in the input (a game, a row). When none failed it returns; otherwise the rank with the
  // first error (least position, then least rank) rethrows it and every other rank throws
  // ReportedElsewhere.
  void AgreeOnFirstError(const std::exception_ptr& error, std::uint64_t position) const;
  // Rank 0 receives every other rank's `mine` in rank order, piece by piece (pieces of at most 1 GiB, so
  // that no count passes MPI's int), handing each to `consume`; other ranks send theirs.
  void GatherInRankOrder(std::string_view mine, const std::function<void(std::string_view)>& consume) const;

 private:
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace nlhf::distributed

#endif  // NLHF_SRC_DISTRIBUTED_MPI_WORLD_H_
