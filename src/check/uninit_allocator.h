// A std::allocator whose containers leave elements uninitialized on resize(n), for the
// checker's big arrays that are filled completely right after they are sized.
#pragma once

#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace mapstress {

// Fresh memory costs the kernel's page zeroing on first touch (the larger part of allocating
// it); value-initializing a big array on top of that would write every byte twice. Only for
// trivially constructible element types, whose default construction does nothing.
template <class T>
class UninitAllocator : public std::allocator<T> {
 public:
  template <class U>
  struct rebind {
    using other = UninitAllocator<U>;
  };

  UninitAllocator() = default;
  template <class U>
  UninitAllocator(const UninitAllocator<U>&) {}  // NOLINT: allocators convert implicitly

  template <class U>
  void construct(U* p) noexcept {
    static_assert(std::is_trivially_default_constructible_v<U>);
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// A vector that resize()s without initializing.
template <class T>
using UninitVector = std::vector<T, UninitAllocator<T>>;

}  // namespace mapstress
