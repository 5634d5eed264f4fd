#include "engine/preemption_injector.h"

#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <time.h>

#include "engine/workload.h"

namespace mapstress {
namespace {

// Sleep lengths in ns, [lo, hi): short enough for tens of thousands of wake-ups per second.
void SleepRange(NoiseMode mode, uint64_t* lo, uint64_t* hi) {
  if (mode == NoiseMode::kHeavy) {
    *lo = 5000;
    *hi = 20000;
  } else {
    *lo = 20000;
    *hi = 60000;
  }
}

}  // namespace

PreemptionInjector::PreemptionInjector(NoiseMode mode, uint64_t seed, uint32_t max_threads) {
  if (mode == NoiseMode::kOff || max_threads == 0) return;
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return;
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE && cpus.size() < max_threads; ++c) {
    if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
  }
  uint64_t lo, hi;
  SleepRange(mode, &lo, &hi);
  for (size_t i = 0; i < cpus.size(); ++i) {
    const int cpu = cpus[i];
    const uint64_t thread_seed = MixHash(seed ^ (0x696e6a6563746f72ull + i));
    threads_.emplace_back([this, cpu, thread_seed, lo, hi] {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(cpu, &one);
      pthread_setaffinity_np(pthread_self(), sizeof one, &one);  // best effort
      prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);                    // wake on time, not 50 us late
      Rng rng(thread_seed);
      while (!stop_.load(std::memory_order_relaxed)) {
        const uint64_t ns = lo + rng.Below(hi - lo);
        timespec ts{0, static_cast<long>(ns)};
        nanosleep(&ts, nullptr);
        wakeups_.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
}

PreemptionInjector::~PreemptionInjector() {
  stop_.store(true, std::memory_order_relaxed);
  for (auto& t : threads_) t.join();
}

}  // namespace mapstress
