// What a trial's worker threads share: the start gate, the stop flags, the time budget and
// fence window, and a lockstep group's barrier. Written before the gate opens, then read-only
// except for the atomics.
#pragma once

#include <atomic>
#include <cstdint>

#include "engine/schedule_noise.h"

namespace mapstress {

struct TrialShared {
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  std::atomic<bool> overflow{false};
  std::atomic<uint32_t> ready{0};
  std::atomic<uint32_t> finished{0};
  std::atomic<uint32_t> bounded_running{0};
  uint64_t origin = 0;        // tick at which the gate opened
  uint64_t budget_ticks = 0;  // 0: op-bounded
  uint64_t window_ticks = 0;  // fence window for fast point ops; 0: a fenced read after every op
  uint64_t batch_ticks = 0;   // batched calls (batch_worker.h): the ops of one call span at most this; 0: none
  NoiseTrial* noise = nullptr;
};

// A lockstep group's barrier: its threads start each round of ops together. Waiters spin
// briefly, then sleep on the generation (a futex), so a late member gets a CPU even when
// threads outnumber cores. A member that leaves (budget, op bound, stop) breaks the barrier
// for the rest of the trial and wakes the waiters: nobody waits for a thread that is gone.
struct LockstepBarrier {
  std::atomic<uint32_t> arrived{0};
  std::atomic<uint32_t> generation{0};
  std::atomic<bool> broken{false};
  uint32_t members = 0;

  void Wait() {
    const uint32_t gen = generation.load(std::memory_order_acquire);
    if (broken.load(std::memory_order_acquire)) return;  // left before `gen` was read: no wake-up will come
    if (arrived.fetch_add(1, std::memory_order_acq_rel) + 1 == members) {
      arrived.store(0, std::memory_order_relaxed);
      generation.fetch_add(1, std::memory_order_release);
      generation.notify_all();
      return;
    }
    for (int spin = 0; spin < 256; ++spin) {
      if (generation.load(std::memory_order_acquire) != gen) return;
#if defined(__x86_64__)
      __builtin_ia32_pause();
#endif
    }
    while (generation.load(std::memory_order_acquire) == gen) generation.wait(gen, std::memory_order_acquire);
  }
  void Leave() {
    broken.store(true, std::memory_order_release);
    generation.fetch_add(1, std::memory_order_release);
    generation.notify_all();
  }
};

}  // namespace mapstress
