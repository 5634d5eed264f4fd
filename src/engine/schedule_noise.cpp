#include "engine/schedule_noise.h"

#include <sched.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <thread>

#include "core/mix_hash.h"
#include "engine/clock.h"

namespace mapstress {
namespace {

constexpr uint32_t kNever = std::numeric_limits<uint32_t>::max();
constexpr uint32_t kPctChangePoints = 6;          // per timed trial
constexpr uint32_t kPctBoundedPhases = 64;        // op-bounded trials: then cyclic
constexpr uint64_t kPctBoundedStepNs = 20000000;  // op-bounded trials: a change every 20 ms
constexpr uint32_t kPctCheckEvery = 16;           // ops between two priority checks

uint32_t AvailableCpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

}  // namespace

const char* NoiseModeName(NoiseMode mode) {
  switch (mode) {
    case NoiseMode::kOff: return "off";
    case NoiseMode::kLight: return "light";
    case NoiseMode::kHeavy: return "heavy";
    case NoiseMode::kPct: return "pct";
  }
  return "off";
}

bool ParseNoiseMode(std::string_view text, NoiseMode* mode) {
  for (NoiseMode m : {NoiseMode::kOff, NoiseMode::kLight, NoiseMode::kHeavy, NoiseMode::kPct}) {
    if (text == NoiseModeName(m)) {
      *mode = m;
      return true;
    }
  }
  return false;
}

NoiseTrial::NoiseTrial(NoiseMode mode, uint64_t seed, uint32_t workers, uint64_t budget_ticks, double ticks_per_ns,
                       const std::vector<bool>& parkable)
    : mode_(mode), workers_(workers), parkable_(parkable) {
  parkable_.resize(workers, false);
  for (uint32_t w = 64; w < workers; ++w) parkable_[w] = false;
  if (mode != NoiseMode::kPct) return;
  const uint32_t candidates = static_cast<uint32_t>(std::count(parkable_.begin(), parkable_.end(), true));
  // Park someone only where there is someone to park: at most one runner per CPU, and never
  // all candidates at once.
  runners_ = candidates <= 2 ? candidates : std::clamp(AvailableCpus(), 1u, candidates - 1);
  Rng rng(MixHash(seed ^ 0x7063745f6e6f6973ull));
  std::vector<uint32_t> order(workers);
  for (uint32_t i = 0; i < workers; ++i) order[i] = i;
  for (uint32_t i = workers; i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
  if (budget_ticks > 0) {
    for (uint32_t i = 0; i < kPctChangePoints; ++i) change_ticks_.push_back(rng.Below(budget_ticks));
    std::sort(change_ticks_.begin(), change_ticks_.end());
  } else {
    cyclic_step_ = std::max<uint64_t>(1, static_cast<uint64_t>(static_cast<double>(kPctBoundedStepNs) * ticks_per_ns));
    for (uint32_t i = 1; i <= kPctBoundedPhases; ++i) {
      change_ticks_.push_back(i * cyclic_step_ - rng.Below(cyclic_step_ / 2));
    }
  }
  // At each change point the highest-priority worker drops to the lowest priority (PCT's
  // demotion); after enough of them every worker has been on top once.
  for (size_t phase = 0; phase <= change_ticks_.size(); ++phase) {
    orders_.push_back(order);
    std::rotate(order.begin(), order.begin() + 1, order.end());
  }
}

bool NoiseTrial::MayRun(uint32_t worker, uint64_t now_ticks) {
  if (mode_ != NoiseMode::kPct || worker >= workers_ || !parkable_[worker]) return true;
  size_t phase = static_cast<size_t>(std::upper_bound(change_ticks_.begin(), change_ticks_.end(), now_ticks) -
                                     change_ticks_.begin());
  if (cyclic_step_ > 0 && phase == change_ticks_.size()) {  // op-bounded: keep rotating (progress)
    phase += static_cast<size_t>((now_ticks - change_ticks_.back()) / cyclic_step_);
  }
  const std::vector<uint32_t>& order = orders_[phase % orders_.size()];
  const uint64_t finished = finished_.load(std::memory_order_acquire);
  uint32_t ahead = 0;
  for (uint32_t w : order) {
    if (!parkable_[w] || ((finished >> w) & 1) != 0) continue;
    if (w == worker) return true;
    if (++ahead == runners_) return false;
  }
  return true;
}

void NoiseTrial::Finished(uint32_t worker) {
  if (worker < 64) finished_.fetch_or(uint64_t{1} << worker, std::memory_order_acq_rel);
}

ScheduleNoise::ScheduleNoise(NoiseTrial* trial, uint64_t seed, uint32_t worker)
    : trial_(trial),
      mode_(trial != nullptr ? trial->mode() : NoiseMode::kOff),
      worker_(worker),
      rng_(MixHash(seed ^ 0x6e6f697365ull)) {
  // light relies on the preemption injector; heavy and pct also act at boundaries.
  boundary_countdown_ = mode_ == NoiseMode::kOff || mode_ == NoiseMode::kLight ? kNever : 1;
  inside_countdown_ = mode_ == NoiseMode::kOff ? kNever : NextInterval(16);
}

uint32_t ScheduleNoise::NextInterval(uint32_t mean) { return 1 + static_cast<uint32_t>(rng_.Below(2 * mean - 1)); }

void ScheduleNoise::Spin(uint64_t max_ns) { SpinFor(1 + rng_.Below(max_ns)); }

void ScheduleNoise::AtBoundary(uint64_t origin, uint64_t budget_ticks, const std::atomic<bool>& stop) {
  const uint64_t roll = rng_.Below(1000);
  switch (mode_) {
    case NoiseMode::kOff: boundary_countdown_ = kNever; return;
    case NoiseMode::kLight: boundary_countdown_ = kNever; return;
    case NoiseMode::kHeavy:
      // Rare, so the throughput stays: a spin, or a short sleep whose wake-up preempts another
      // worker at a random instruction (as the injector's do).
      if (roll < 700) {
        Spin(2000);
      } else {
        std::this_thread::sleep_for(std::chrono::microseconds(10));
      }
      boundary_countdown_ = NextInterval(1024);
      return;
    case NoiseMode::kPct:
      // Park (sleeping, so the runners have the CPUs) until this worker is among the runners.
      while (!trial_->MayRun(worker_, ReadCallTicks() - origin)) {
        if (stop.load(std::memory_order_relaxed)) break;
        if (budget_ticks > 0 && ReadCallTicks() - origin >= budget_ticks) break;
        std::this_thread::sleep_for(std::chrono::microseconds(50));
      }
      boundary_countdown_ = kPctCheckEvery;
      return;
  }
}

void ScheduleNoise::Inside() {
  switch (mode_) {
    case NoiseMode::kOff: inside_countdown_ = kNever; return;
    case NoiseMode::kLight:
    case NoiseMode::kPct:
      Spin(200);
      inside_countdown_ = NextInterval(16);
      return;
    case NoiseMode::kHeavy:
      Spin(1000);
      inside_countdown_ = NextInterval(4);
      return;
  }
}

}  // namespace mapstress
