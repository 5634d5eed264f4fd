// The checker: a pure function from a History to what each iteration and load got wrong.
// Semantics are documented in src/check/README.md; every rule has a test in tests/checker_test.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/check_result.h"
#include "core/history.h"

namespace mapstress {

// How the checker finds the store of a value. Results never depend on it; tests force each.
enum class ValueLayout : uint8_t {
  kAuto,  // runs of consecutive values when there are few and no value is stored twice, else hash
  kRuns,  // runs whenever no value is stored twice, however many runs
  kHash,  // always the hash table
};

struct CheckOptions {
  size_t max_examples = kDefaultExamples;  // per anomaly kind (--examples)
  ValueLayout value_layout = ValueLayout::kAuto;
  // Threads that build the index and check (--check-threads); results never depend on it.
  size_t threads = 1;
  // Iterations (by call) and loads are checked in chunks of about this many events, merged in
  // chunk order. Counts and verdicts never depend on it; which examples are kept and partial
  // tallies may (tests make it small to get many chunks).
  uint64_t chunk_events = uint64_t{1} << 18;
};

// The default --check-threads: the CPUs this process may run on (sched_getaffinity, so
// `taskset` lowers it), at least 1.
size_t DefaultCheckThreads();

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
  // When it took effect by: its return, or, when a load returned its value or an iteration visited
  // it earlier, that reader's return (`seen_by`: the reader's op index, else -1).
  int64_t ret = 0;
  int64_t seen_by = -1;
};
// Per key (prefilled or written), every write in the checker's order: by call, the initial
// state first. Only `only_key` when given. For drilling down (`mapstress check --key`).
std::map<uint64_t, std::vector<WriteWindow>> WriteWindows(const History& history,
                                                          std::optional<uint64_t> only_key = std::nullopt);

// Whether a store called at `call` that took effect by `ret` (its return, or a reader's that saw
// its value before: WriteWindow::ret) can take effect between two removals a and b of its key, in one
// order or the other (the pair rule of src/check/README.md; FinishWrites applies it with running maxima).
inline bool StoreCanComeBetween(int64_t call, int64_t ret, const Op& a, const Op& b) {
  return (ret >= a.call && call <= b.ret) || (ret >= b.call && call <= a.ret);
}

}  // namespace mapstress
