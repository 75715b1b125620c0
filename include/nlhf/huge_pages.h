// Large arrays on transparent huge pages (2 MiB), mapped before they are first written.
//
// Why huge pages: the packed product streams four rows of A at once. With 4 KiB pages every row crosses a
// page (and a TLB entry, and the end of what the hardware prefetcher follows) every 4 KiB; with 2 MiB pages
// rarely. Debian's default transparent-huge-page mode is `madvise`, so the region must ask for them before it
// is first touched.
// Why map in advance: a fresh array otherwise takes one page fault per page on its first write, and on the
// virtual machines measured a fault costs ~10 µs: a fresh 8 MB matrix cost ~25 ms in faults alone, ~5 ms on
// huge pages mapped in one call (MADV_POPULATE_WRITE, Linux 5.14).
#ifndef NLHF_HUGE_PAGES_H_
#define NLHF_HUGE_PAGES_H_

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>

namespace nlhf {

inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

// Asks for huge pages over the 2 MiB-aligned part of [data, data + bytes) and maps all its pages, writable,
// in one call. For arrays of at least one huge page; smaller ones are left alone. Advice only: where the
// kernel refuses (an older kernel, huge pages off), the pages fault in on first write as before.
inline void PrepareLargeArray(void* data, std::size_t bytes) {
  if (bytes < kHugePageBytes) return;
  constexpr std::uintptr_t kPage = 4096;  // the smallest page on every Linux target; a larger one only rounds more
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t end = begin + bytes;
  const std::uintptr_t huge_begin = (begin + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  const std::uintptr_t huge_end = end & ~(kHugePageBytes - 1);
  if (huge_end > huge_begin) madvise(reinterpret_cast<void*>(huge_begin), huge_end - huge_begin, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
  const std::uintptr_t page_begin = (begin + kPage - 1) & ~(kPage - 1);
  const std::uintptr_t page_end = end & ~(kPage - 1);
  if (page_end > page_begin) {
    madvise(reinterpret_cast<void*>(page_begin), page_end - page_begin, MADV_POPULATE_WRITE);
  }
#endif
}

// Maps the pages of a large array that will be read, already written (a memory-mapped file, NumPy's
// np.load(..., mmap_mode="r")), in one call (MADV_POPULATE_READ, Linux 5.14) instead of one fault per 4 KiB
// page on first read. For at least one huge page; advice only, as above.
inline void PrepareLargeInput(const void* data, std::size_t bytes) {
#ifdef MADV_POPULATE_READ
  if (bytes < kHugePageBytes) return;
  constexpr std::uintptr_t kPage = 4096;
  const auto begin = reinterpret_cast<std::uintptr_t>(data) & ~(kPage - 1);
  const std::uintptr_t end = reinterpret_cast<std::uintptr_t>(data) + bytes;
  madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_READ);
#else
  (void)data;
  (void)bytes;
#endif
}

// Asks the processor to start loading a small array (at most 16 KiB; larger ones are left alone) into its
// caches, cache line by cache line: a batch asks for game k + 1 this way while it solves game k. Read cold
// from a mapped file, the ~13 cache lines of a 10 × 10 float64 game cost ~1 µs of memory latency.
inline void PrefetchSmallArray(const void* data, std::size_t bytes) {
  constexpr std::size_t kLargest = 16 * 1024, kCacheLine = 64;
  if (bytes > kLargest) return;
  const char* first = static_cast<const char*>(data);
  for (std::size_t offset = 0; offset < bytes; offset += kCacheLine) __builtin_prefetch(first + offset);
}

// A std::allocator for such arrays; small ones take the ordinary allocator.
template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  explicit HugePageAllocator(const HugePageAllocator<U>&) {}

  T* allocate(std::size_t count) {
    const std::size_t bytes = count * sizeof(T);
    if (bytes < kHugePageBytes) return static_cast<T*>(::operator new(bytes));
    void* p = ::operator new(bytes, std::align_val_t{kHugePageBytes});
    PrepareLargeArray(p, bytes);
    return static_cast<T*>(p);
  }

  void deallocate(T* p, std::size_t count) {
    if (count * sizeof(T) < kHugePageBytes) {
      ::operator delete(p);
    } else {
      ::operator delete(p, std::align_val_t{kHugePageBytes});
    }
  }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const { return true; }
};

}  // namespace nlhf

#endif  // NLHF_HUGE_PAGES_H_
