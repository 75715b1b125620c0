#include "distributed/mpi_world.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <vector>

#include "nlhf/error.h"

#if NLHF_WITH_MPI
#include <mpi.h>
#endif

namespace nlhf::distributed {

namespace {

// The first of the launchers' variables `names` that is set to a number of at least `least`, else `alone`.
int FromLauncher(std::initializer_list<const char*> names, int least, int alone) {
  for (const char* name : names) {
    if (const char* value = std::getenv(name)) {
      const int number = std::atoi(value);
      if (number >= least) return number;
    }
  }
  return alone;
}

}  // namespace

int LaunchedWorldSize() { return FromLauncher({"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"}, 1, 1); }

int LaunchedRank() { return FromLauncher({"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"}, 0, 0); }

#if NLHF_WITH_MPI

bool MpiAvailable() { return true; }

namespace {

// An MPI error: the job cannot go on (MPI's default handler aborts the job before this is reached).
void Check(int code, const char* call) {
  if (code != MPI_SUCCESS) throw Error(fmt::format("MPI: {} failed with code {}", call, code));
}

constexpr std::size_t kPieceBytes = std::size_t{1} << 30;

}  // namespace

MpiWorld::MpiWorld() {
  int provided = 0;
  Check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  Check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  Check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
}

MpiWorld::~MpiWorld() { MPI_Finalize(); }

std::uint64_t MpiWorld::ExclusiveSum(std::uint64_t value) const {
  std::uint64_t sum = 0;
  Check(MPI_Exscan(&value, &sum, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD), "MPI_Exscan");
  return rank_ == 0 ? 0 : sum;  // MPI leaves rank 0's result undefined
}

std::uint64_t MpiWorld::Sum(std::uint64_t value) const {
  std::uint64_t sum = 0;
  Check(MPI_Allreduce(&value, &sum, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
  return sum;
}

std::uint64_t MpiWorld::Min(std::uint64_t value) const {
  std::uint64_t least = 0;
  Check(MPI_Allreduce(&value, &least, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
  return least;
}

void MpiWorld::SumInPlace(double* values, int count) const {
  // Reduced to rank 0 and broadcast, rather than MPI_Allreduce, whose result the standard does not promise
  // to be the same bits on every rank: the ranks' iterates must not drift apart.
  if (rank_ == 0) {
    Check(MPI_Reduce(MPI_IN_PLACE, values, count, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD), "MPI_Reduce");
  } else {
    Check(MPI_Reduce(values, nullptr, count, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD), "MPI_Reduce");
  }
  Check(MPI_Bcast(values, count, MPI_DOUBLE, 0, MPI_COMM_WORLD), "MPI_Bcast");
}

double MpiWorld::Max(double value) const {
  double most = 0;
  Check(MPI_Allreduce(&value, &most, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce");
  return most;
}

void MpiWorld::GatherInRankOrder(std::string_view mine, const std::function<void(std::string_view)>& consume) const {
  if (rank_ != 0) {
    std::uint64_t bytes = mine.size();
    Check(MPI_Send(&bytes, 1, MPI_UINT64_T, 0, 0, MPI_COMM_WORLD), "MPI_Send");
    for (std::size_t at = 0; at < mine.size(); at += kPieceBytes) {
      const int piece = static_cast<int>(std::min(kPieceBytes, mine.size() - at));
      Check(MPI_Send(mine.data() + at, piece, MPI_CHAR, 0, 1, MPI_COMM_WORLD), "MPI_Send");
    }
    return;
  }
  consume(mine);
  std::string buffer;
  for (int source = 1; source < size_; ++source) {
    std::uint64_t bytes = 0;
    Check(MPI_Recv(&bytes, 1, MPI_UINT64_T, source, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
    for (std::uint64_t at = 0; at < bytes; at += kPieceBytes) {
      buffer.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kPieceBytes, bytes - at)));
      Check(MPI_Recv(buffer.data(), static_cast<int>(buffer.size()), MPI_CHAR, source, 1, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE),
            "MPI_Recv");
      consume(buffer);
    }
  }
}

#else  // a build without MPI: the world cannot start

bool MpiAvailable() { return false; }

MpiWorld::MpiWorld() {
  throw Unavailable(
      "this nlhf was built without MPI (install libopenmpi-dev and rebuild; docs/scale-out.md), so it cannot run "
      "as one of several ranks");
}
MpiWorld::~MpiWorld() = default;
std::uint64_t MpiWorld::ExclusiveSum(std::uint64_t) const { return 0; }
std::uint64_t MpiWorld::Sum(std::uint64_t value) const { return value; }
std::uint64_t MpiWorld::Min(std::uint64_t value) const { return value; }
void MpiWorld::SumInPlace(double*, int) const {}
double MpiWorld::Max(double value) const { return value; }
void MpiWorld::GatherInRankOrder(std::string_view mine, const std::function<void(std::string_view)>& consume) const {
  consume(mine);
}

#endif

void MpiWorld::AgreeOnFirstError(const std::exception_ptr& error, std::uint64_t position) const {
  constexpr std::uint64_t kNone = ~std::uint64_t{0};
  const auto ranks = static_cast<std::uint64_t>(size_);
  const std::uint64_t first = Min(error ? position * ranks + static_cast<std::uint64_t>(rank_) : kNone);
  if (first == kNone) return;
  if (static_cast<int>(first % ranks) == rank_) std::rethrow_exception(error);
  throw ReportedElsewhere();
}

}  // namespace nlhf::distributed
