// Runs one scenario x backend case: trials of real contention, a recorded history per
// trial, checked and aggregated into a CaseReport. Isolated cases run in a forked child.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "backend/backend.h"
#include "core/case_report.h"
#include "core/history.h"
#include "core/live_progress.h"
#include "core/run_context.h"
#include "engine/schedule_noise.h"
#include "scenario/scenario.h"

namespace mapstress {

inline constexpr Nanos kDefaultFenceWindow{2000};

struct RunSettings {
  std::optional<Nanos> duration;                // overrides the scenario's per-trial duration
  std::optional<uint32_t> trials;               // overrides the scenario's trials
  std::optional<uint64_t> seed;                 // overrides the scenario's seed
  uint64_t max_history_bytes = 0;               // per case; 0 = automatic (1/12 of physical memory, ≤ 1365 MiB)
  bool isolate = false;                         // fork a child per case even for backends that do not ask
  Nanos hang_grace = std::chrono::seconds(10);  // past the budget before a child is `hung`
  // Fast point ops of one thread within this window share one fenced interval; 0 = a fenced
  // timestamp after every op (tightest intervals, slowest ops). See Worker in engine.cpp.
  Nanos fence_window = kDefaultFenceWindow;
  // Maps that run many point ops per call (Map::HasBatch) get batches whose ops span about the
  // fence window (batch_worker.h); false, or a fence window of 0: one call per op.
  bool batch_calls = true;
  // Seeded schedule perturbation at op boundaries and inside iterations (schedule_noise.h).
  NoiseMode noise = kDefaultNoise;
  BackendOptions backend_options;
  bool op_rings = true;  // each worker keeps a ring of its last started ops for crash reports (off: benchmarks)
  uint64_t* log_bytes = nullptr;           // when set, each trial adds the bytes its history logs used (benchmarks)
  GradeOverrides expect;                   // command-line re-grading, applied last
  size_t max_examples = kDefaultExamples;  // examples kept per anomaly kind (--examples)
  size_t check_threads = 0;                // threads checking each trial; 0 = DefaultCheckThreads()
  bool allow_unsafe = false;               // run combinations the backend declares unsupported (isolated)
  const std::atomic<bool>* interrupted = nullptr;  // set by SIGINT: stop the current trial
  LiveProgress* progress = nullptr;
  // Called with each trial's history after it was checked (e.g. to save it to a file).
  std::function<void(const History&)> on_history;
};

// Backends get at most this capacity hint (keys.count may be 2^32; maps grow past a hint).
inline constexpr uint64_t kMaxCapacityHint = uint64_t{1} << 24;

// What a case will hold in memory at most, roughly: the history budget (log plus the checked
// history) and the map with its prefill. `RunSession` refuses a case above the machine's memory.
struct MemoryEstimate {
  uint64_t history_bytes = 0;  // --max-history-mb (or its default) and the checker's copy
  uint64_t map_bytes = 0;      // capacity hint and prefilled entries
  uint64_t Total() const { return history_bytes + map_bytes; }
};
MemoryEstimate EstimateCaseMemory(const Scenario& scenario, const RunSettings& settings);
uint64_t PhysicalMemoryBytes();

// Effective values after overrides and defaults.
Nanos EffectiveDuration(const Scenario& s, const RunSettings& settings);
uint32_t EffectiveTrials(const Scenario& s, const RunSettings& settings);
uint64_t EffectiveSeed(const Scenario& s, const RunSettings& settings);

// The contract a case is graded by: the backend's profile, then the scenario's `expect`
// (global, then per backend), then the command line's.
ContractProfile EffectiveProfile(const Scenario& s, const BackendInfo& backend, const RunSettings& settings);

CaseReport RunCase(const Scenario& scenario, const BackendInfo& backend, const RunSettings& settings,
                   const ClockCheck& clock);

// Runs one trial in this process and returns its history (no checking).
History RunTrial(const Scenario& scenario, const BackendInfo& backend, const RunSettings& settings, uint32_t trial);

}  // namespace mapstress
