// A worker thread's ring of the last ops it started, kept for crash and hang reports: one
// relaxed store and a counter bump per op, read only by the crash handler (crash_report.h).
#pragma once

#include <atomic>
#include <cstdint>

#include "core/history.h"

namespace mapstress {

struct alignas(64) OpRing {
  static constexpr uint32_t kSize = 16;  // a power of two
  std::atomic<uint64_t> slots[kSize]{};  // key << 2 | OpKind
  std::atomic<uint64_t> started{0};      // ops started so far
  std::atomic<int32_t> tid{0};           // the worker's kernel thread id (0 before it starts)

  void Start(OpKind kind, uint64_t key) {
    const uint64_t n = started.load(std::memory_order_relaxed);
    slots[n & (kSize - 1)].store(key << 2 | static_cast<uint64_t>(kind), std::memory_order_relaxed);
    started.store(n + 1, std::memory_order_relaxed);
  }
};

}  // namespace mapstress
