// Schedule noise (--noise): seeded perturbations that make narrow race windows likely on few
// cores. Applied only where no recorded interval can be falsified: at op boundaries, after
// the worker closed its open batch (so the noise lies outside every interval), and inside an
// iteration callback or a map's yield point (inside an interval that still holds the op's
// real work, so the interval only gets wider). See "Schedule noise" in src/engine/README.md.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/workload.h"

namespace mapstress {

enum class NoiseMode : uint8_t { kOff, kLight, kHeavy, kPct };
inline constexpr NoiseMode kDefaultNoise = NoiseMode::kLight;

const char* NoiseModeName(NoiseMode mode);
bool ParseNoiseMode(std::string_view text, NoiseMode* mode);

// One trial's shared state for `pct`: a random priority order among the workers with a few
// change points; only the `runners` highest-priority unfinished workers run, the others park
// at their next op boundary. Fixed before the gate opens; workers only read it and the
// atomics below. Workers beyond 64 and lockstep threads are never parked.
class NoiseTrial {
 public:
  // `budget_ticks` 0: op-bounded (a change point every 20 ms, cycling, so every worker runs).
  NoiseTrial(NoiseMode mode, uint64_t seed, uint32_t workers, uint64_t budget_ticks, double ticks_per_ns,
             const std::vector<bool>& parkable);

  NoiseMode mode() const { return mode_; }
  // pct: true when `worker` may run now, given the ticks since the trial's origin. Applies a
  // change point that is due (any worker may, exactly once each).
  bool MayRun(uint32_t worker, uint64_t now_ticks);
  // pct: a worker that finished never holds a running place again.
  void Finished(uint32_t worker);
  uint32_t runners() const { return runners_; }

 private:
  NoiseMode mode_;
  uint32_t workers_;
  uint32_t runners_ = 0;
  std::vector<std::vector<uint32_t>> orders_;  // priority order (highest first) per phase
  std::vector<uint64_t> change_ticks_;         // phase i+1 starts at change_ticks_[i]
  uint64_t cyclic_step_ = 0;                   // op-bounded: a change this often after the list
  std::vector<bool> parkable_;
  std::atomic<uint64_t> finished_{0};  // bit per worker (< 64)
};

// One worker's noise: its own seeded stream of decisions. Never throws, never allocates,
// takes no lock. With kOff every hook is a decrement and a branch that is never taken.
class ScheduleNoise {
 public:
  ScheduleNoise(NoiseTrial* trial, uint64_t seed, uint32_t worker);

  // At an op boundary: true when the caller must act (close its batch, call AtBoundary,
  // then take a fresh boundary timestamp).
  bool BoundaryDue() { return --boundary_countdown_ == 0; }
  // Op boundaries the caller may pass, after this one, before the next is due (at least 1);
  // it then tells how many it passed with `PassBoundaries` (fewer than `BoundariesFree()`).
  uint32_t BoundariesFree() const { return boundary_countdown_; }
  void PassBoundaries(uint32_t n) { boundary_countdown_ -= n; }
  // Spins, yields, sleeps or (pct) parks; `origin`/`stop`/`budget` bound a park.
  void AtBoundary(uint64_t origin, uint64_t budget_ticks, const std::atomic<bool>& stop);
  // Inside an iteration callback.
  void InCallback() {
    if (--inside_countdown_ == 0) Inside();
  }
  // At a map's yield point (inside an op): the same as inside a callback.
  void AtYieldPoint(uint32_t /*site*/) { InCallback(); }

 private:
  void Inside();
  void Spin(uint64_t max_ns);
  uint32_t NextInterval(uint32_t mean);

  NoiseTrial* trial_;
  NoiseMode mode_;
  uint32_t worker_;
  Rng rng_;
  uint32_t boundary_countdown_;
  uint32_t inside_countdown_;
};

}  // namespace mapstress
