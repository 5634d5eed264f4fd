// A published std::shared_ptr that readers copy and writers replace, guarded by a tiny spin
// lock held only for the pointer copy. libstdc++ 12's std::atomic<std::shared_ptr> does the
// same with a lock bit ThreadSanitizer cannot see (it reports false races); this one it can.
#pragma once

#include <atomic>
#include <memory>
#include <utility>

namespace mapstress {

template <typename T>
class SharedSlot {
 public:
  explicit SharedSlot(std::shared_ptr<const T> initial = nullptr) : ptr_(std::move(initial)) {}

  std::shared_ptr<const T> load() const {
    Lock();
    std::shared_ptr<const T> copy = ptr_;
    Unlock();
    return copy;
  }
  void store(std::shared_ptr<const T> next) {
    Lock();
    ptr_.swap(next);
    Unlock();
    // `next` now holds the old version; it is released here, outside the lock.
  }

 private:
  void Lock() const {
    while (locked_.test_and_set(std::memory_order_acquire)) {
      while (locked_.test(std::memory_order_relaxed)) {
#if defined(__x86_64__)
        __builtin_ia32_pause();
#endif
      }
    }
  }
  void Unlock() const { locked_.clear(std::memory_order_release); }

  mutable std::atomic_flag locked_;
  std::shared_ptr<const T> ptr_;
};

}  // namespace mapstress
