// Scheduling points inside a map: a backend (or a plugin, through the ABI 2 host callback)
// calls YieldPoint(site) at its own racy spots; the engine's schedule noise decides what
// happens there (nothing, a spin, a yield). Per thread; unset outside engine workers.
#pragma once

#include <cstdint>

namespace mapstress {

struct YieldHook {
  void (*fn)(void* ctx, uint32_t site) = nullptr;
  void* ctx = nullptr;
};

// The calling thread's hook (set by the engine on each worker thread for one trial).
inline thread_local YieldHook t_yield_hook;

inline void YieldPoint(uint32_t site) {
  if (t_yield_hook.fn != nullptr) t_yield_hook.fn(t_yield_hook.ctx, site);
}

}  // namespace mapstress
