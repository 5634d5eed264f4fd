// What the checker found in one or more trials: counts per anomaly kind and a few examples.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/contract.h"

namespace mapstress {

// One anomaly with a plain-words explanation and the ops that prove it.
struct Example {
  Anomaly kind = Anomaly::kMissing;
  uint64_t key = 0;  // 0 for not_snapshot when no single key is to blame
  std::string explanation;
  std::vector<std::string> witnesses;  // "writer-1 store key=17 value=... [1.101s..1.102s]"
};

// Examples kept per anomaly kind, per case.
inline constexpr size_t kMaxExamplesPerKind = 3;

struct CheckResult {
  uint64_t iterations = 0;                          // checked iterations
  uint64_t snapshot = 0;                            // explainable at one instant
  uint64_t weak = 0;                                // only not_snapshot
  uint64_t anomalous = 0;                           // at least one other anomaly
  uint64_t loads = 0;                               // checked point loads
  std::array<uint64_t, kAnomalyCount> anomalies{};  // count per kind
  // Per kind: iterations with at least one such anomaly, and loads that were one (stale_read,
  // unknown_value). False `shares_known`: read from a report written before these existed.
  std::array<uint64_t, kAnomalyCount> iterations_with{};
  std::array<uint64_t, kAnomalyCount> loads_with{};
  bool shares_known = true;
  uint64_t key_wrong = 0;  // missing + phantom + duplicate + stale_value + unknown_value entries
  uint64_t key_total = 0;  // entries produced + entries that should have been (missing)
  uint64_t events = 0;     // ops + iteration entries examined
  // Return time (ns, the trial's clock) of the earliest-returning op with an anomaly other than
  // not_snapshot; -1 when none. After Merge: the smallest over the trials, each on its own clock.
  int64_t first_anomaly_ns = -1;
  std::vector<Example> examples;  // at most max_examples per kind, in history order

  uint64_t Count(Anomaly a) const { return anomalies[static_cast<int>(a)]; }
  // Adds another trial's result; keeps at most max_examples per kind.
  void Merge(const CheckResult& other, size_t max_examples);
};

}  // namespace mapstress
