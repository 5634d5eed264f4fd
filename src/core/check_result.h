// What the checker found in one or more trials: counts per anomaly kind and a few examples.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/contract.h"
#include "core/example.h"

namespace mapstress {

inline constexpr size_t kDefaultExamples = 3;  // examples kept per anomaly kind (--examples)

// How one anomaly kind is spread over keys and occasions (iterations, and loads).
struct AnomalyTally {
  static constexpr size_t kMaxKeys = size_t{1} << 16;  // keys tallied per kind and trial
  uint64_t occasions = 0;                              // iterations and loads with at least one
  uint64_t distinct_keys = 0;                          // keys it concerned (not tallied for not_snapshot: 0)
  uint64_t top_key = 0;                                // the key in the most occasions (the smallest on ties)
  uint64_t top_key_occasions = 0;
  bool partial = false;  // the key counts cover only part of the occasions (more keys, or merged reports)
  std::map<uint64_t, uint64_t> by_key;  // key -> occasions; in memory only (exact Merge), empty when read back

  void Summarize();  // distinct_keys and top_key from by_key
  void Merge(const AnomalyTally& other);
};

struct CheckResult {
  uint64_t iterations = 0;                          // checked iterations
  uint64_t snapshot = 0;                            // explainable at one instant
  uint64_t weak = 0;                                // only not_snapshot
  uint64_t anomalous = 0;                           // at least one other anomaly
  uint64_t loads = 0;                               // checked point loads
  uint64_t erases = 0;                              // checked erase results (those with a return)
  std::array<uint64_t, kAnomalyCount> anomalies{};  // count per kind
  // Per kind: iterations with at least one such anomaly, and loads and erases that were one
  // (loads: stale_read, unknown_value; erases: stale_read). False `shares_known`: read from a
  // report written before the iteration and load shares existed.
  std::array<uint64_t, kAnomalyCount> iterations_with{};
  std::array<uint64_t, kAnomalyCount> loads_with{};
  std::array<uint64_t, kAnomalyCount> erases_with{};
  bool shares_known = true;
  uint64_t key_wrong = 0;  // missing + phantom + duplicate + stale_value + unknown_value entries
  uint64_t key_total = 0;  // entries produced + entries that should have been (missing)
  uint64_t events = 0;     // ops + iteration entries examined
  // Return time (ns, the trial's clock) of the earliest-returning op with an anomaly other than
  // not_snapshot; -1 when none. After Merge: the smallest over the trials, each on its own clock.
  int64_t first_anomaly_ns = -1;
  std::vector<Example> examples;  // at most max_examples per kind (distinct keys and iterations first), by time
  std::array<AnomalyTally, kAnomalyCount> tallies{};

  uint64_t Count(Anomaly a) const { return anomalies[static_cast<int>(a)]; }
  // Adds another trial's result; keeps at most max_examples per kind.
  void Merge(const CheckResult& other, size_t max_examples);
};

}  // namespace mapstress
