// A std::allocator whose containers leave elements uninitialized on resize(n), for the
// checker's big arrays that are filled completely right after they are sized; big ones are
// huge_pages blocks (a block kept from an earlier check holds that check's old contents).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "check/huge_pages.h"

namespace mapstress {

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
