// Preemption injection for schedule noise: a few helper threads (one per CPU, pinned) that
// sleep for a few microseconds again and again. Each wake-up makes the kernel preempt the
// worker running on that CPU at whatever instruction it is on, so a race window of one
// instruction inside a map op is sometimes left open for microseconds while other workers
// run. The OS preempts at arbitrary points anyway; this only does it more often. Started
// before a trial's gate opens, stopped after its workers finished.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "engine/schedule_noise.h"

namespace mapstress {

class PreemptionInjector {
 public:
  // No threads for NoiseMode::kOff. `max_threads`: at most this many (one per CPU otherwise).
  PreemptionInjector(NoiseMode mode, uint64_t seed, uint32_t max_threads);
  ~PreemptionInjector();
  PreemptionInjector(const PreemptionInjector&) = delete;
  PreemptionInjector& operator=(const PreemptionInjector&) = delete;

  size_t threads() const { return threads_.size(); }
  uint64_t wakeups() const { return wakeups_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> wakeups_{0};
  std::vector<std::thread> threads_;
};

}  // namespace mapstress
