// A std::allocator whose containers leave elements uninitialized on resize(n), for the
// checker's big arrays that are filled completely right after they are sized; big ones are
// backed by transparent huge pages.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define MAPSTRESS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MAPSTRESS_ASAN 1
#endif
#endif

namespace mapstress {

// Arrays of at least kMinBytes come straight from mmap, 2 MiB-aligned and advised as huge
// pages (Linux's default THP mode, "madvise", gives none unless asked): the checker's random
// reads into its write array then miss the TLB far less, and first touch faults once per 2 MiB.
// Not under AddressSanitizer, which then keeps watching them on the heap.
namespace huge_pages {

#ifdef MAPSTRESS_ASAN
inline constexpr bool kEnabled = false;
#else
inline constexpr bool kEnabled = true;
#endif

constexpr size_t kHuge = size_t{2} << 20;
constexpr size_t kMinBytes = size_t{8} << 20;

inline size_t Rounded(size_t bytes) { return (bytes + kHuge - 1) & ~(kHuge - 1); }

// A kHuge-aligned block of Rounded(bytes); throws std::bad_alloc when mmap fails.
inline void* Map(size_t bytes) {
  const size_t size = Rounded(bytes);
  void* raw = mmap(nullptr, size + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto begin = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (begin + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = begin + size + kHuge;
  if (aligned > begin) munmap(raw, aligned - begin);
  if (end > aligned + size) munmap(reinterpret_cast<void*>(aligned + size), end - (aligned + size));
  madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
}

inline void Unmap(void* p, size_t bytes) { munmap(p, Rounded(bytes)); }

}  // namespace huge_pages

// Fresh memory costs the kernel's page zeroing on first touch (the larger part of allocating
// it); value-initializing a big array on top of that would write every byte twice. Only for
// trivially constructible element types, whose default construction does nothing.
template <class T>
class UninitAllocator : public std::allocator<T> {
 public:
  using value_type = T;
  template <class U>
  struct rebind {
    using other = UninitAllocator<U>;
  };

  UninitAllocator() = default;
  template <class U>
  UninitAllocator(const UninitAllocator<U>&) {}  // NOLINT: allocators convert implicitly

  T* allocate(size_t n) {
    if (Huge(n)) return static_cast<T*>(huge_pages::Map(n * sizeof(T)));
    return std::allocator<T>::allocate(n);
  }
  void deallocate(T* p, size_t n) {
    if (Huge(n)) return huge_pages::Unmap(p, n * sizeof(T));
    std::allocator<T>::deallocate(p, n);
  }

  template <class U>
  void construct(U* p) noexcept {
    static_assert(std::is_trivially_default_constructible_v<U>);
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }

 private:
  static bool Huge(size_t n) { return huge_pages::kEnabled && n >= huge_pages::kMinBytes / sizeof(T); }
};

template <class T, class U>
bool operator==(const UninitAllocator<T>&, const UninitAllocator<U>&) {
  return true;
}

// A vector that resize()s without initializing.
template <class T>
using UninitVector = std::vector<T, UninitAllocator<T>>;

}  // namespace mapstress
