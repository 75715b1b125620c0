// A std::allocator that asks the kernel for transparent huge pages (2 MiB) for large arrays.
//
// Why: the packed product streams four rows of A at once. With 4 KiB pages every row crosses a page
// (and a TLB entry, and the end of what the hardware prefetcher follows) every 4 KiB; with 2 MiB pages
// rarely. Debian's default transparent-huge-page mode is `madvise`, so the region must ask for them
// before it is first touched. Small arrays take the ordinary allocator.
#ifndef NLHF_KERNELS_HUGE_PAGE_ALLOCATOR_H_
#define NLHF_KERNELS_HUGE_PAGE_ALLOCATOR_H_

#include <sys/mman.h>

#include <cstddef>
#include <new>

namespace nlhf {

template <typename T>
class HugePageAllocator {
 public:
  using value_type = T;
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;

  HugePageAllocator() = default;
  template <typename U>
  explicit HugePageAllocator(const HugePageAllocator<U>&) {}

  T* allocate(std::size_t count) {
    const std::size_t bytes = count * sizeof(T);
    if (bytes < 2 * kHugePage) return static_cast<T*>(::operator new(bytes));
    void* p = ::operator new(bytes, std::align_val_t{kHugePage});
    madvise(p, bytes / kHugePage * kHugePage, MADV_HUGEPAGE);  // advice only: failure changes nothing
    return static_cast<T*>(p);
  }

  void deallocate(T* p, std::size_t count) {
    if (count * sizeof(T) < 2 * kHugePage) {
      ::operator delete(p);
    } else {
      ::operator delete(p, std::align_val_t{kHugePage});
    }
  }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const { return true; }
};

}  // namespace nlhf

#endif  // NLHF_KERNELS_HUGE_PAGE_ALLOCATOR_H_
