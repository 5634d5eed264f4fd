// The checker: a pure function from a History to what each iteration and load got wrong.
// Semantics are documented in src/check/README.md; every rule has a test in tests/checker_test.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "check/contract.h"
#include "history/history.h"

namespace mapstress {

// One anomaly with a plain-words explanation and the ops that prove it.
struct Example {
  Anomaly kind = Anomaly::kMissing;
  uint64_t key = 0;  // 0 for not_snapshot when no single key is to blame
  std::string explanation;
  std::vector<std::string> witnesses;  // "writer-1 store key=17 value=... [1.101s..1.102s]"
};

struct CheckResult {
  uint64_t iterations = 0;                          // checked iterations
  uint64_t snapshot = 0;                            // explainable at one instant
  uint64_t weak = 0;                                // only not_snapshot
  uint64_t anomalous = 0;                           // at least one other anomaly
  uint64_t loads = 0;                               // checked point loads
  std::array<uint64_t, kAnomalyCount> anomalies{};  // count per kind
  uint64_t key_wrong = 0;         // missing + phantom + duplicate + stale_value + unknown_value entries
  uint64_t key_total = 0;         // entries produced + entries that should have been (missing)
  uint64_t events = 0;            // ops + iteration entries examined
  std::vector<Example> examples;  // at most max_examples per kind, in history order

  uint64_t Count(Anomaly a) const { return anomalies[static_cast<int>(a)]; }
  // Adds another trial's result; keeps at most max_examples per kind.
  void Merge(const CheckResult& other, size_t max_examples);
};

// How the checker finds the store of a value. Results never depend on it; tests force each.
enum class ValueLayout : uint8_t {
  kAuto,  // runs of consecutive values when there are few and no value is stored twice, else hash
  kRuns,  // runs whenever no value is stored twice, however many runs
  kHash,  // always the hash table
};

struct CheckOptions {
  size_t max_examples = 3;  // per anomaly kind
  ValueLayout value_layout = ValueLayout::kAuto;
};

CheckResult Check(const History& history, const CheckOptions& options = {});

// One write of a key as the checker derives it: the initial state (op = -1) or a store or
// erase (op = its index in history.ops), and [call, until], the interval in which it may be in
// effect (call = INT64_MIN for the initial state; until = INT64_MAX: to the end of the trial).
struct WriteWindow {
  int64_t op = -1;
  bool store = false;  // false: erase, or no initial entry
  uint64_t value = 0;
  int64_t call = 0;
  int64_t until = 0;
};
// Per key (prefilled or written), every write in the checker's order: by call, the initial
// state first. Only `only_key` when given. For drilling down (`mapstress check --key`).
std::map<uint64_t, std::vector<WriteWindow>> WriteWindows(const History& history,
                                                          std::optional<uint64_t> only_key = std::nullopt);

}  // namespace mapstress
