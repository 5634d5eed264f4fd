// The checker: a pure function from a History to what each iteration and load got wrong.
// Semantics are documented in src/check/README.md; every rule has a test in tests/checker_test.cpp.
#pragma once

#include <array>
#include <cstdint>
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
};

CheckResult Check(const History& history, const CheckOptions& options = {});

}  // namespace mapstress
