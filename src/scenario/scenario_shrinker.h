// Delta debugging over scenarios: given a predicate "does this scenario still fail?", finds a
// smaller scenario that still does, trying the greatest cuts first (thread groups, threads
// per group, key count, prefill, op mix, think times, duration, trials). Pure search logic:
// the predicate decides what "fails" means (`mapstress shrink` runs real cases in it).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace mapstress {

// What the predicate measured for one candidate: it failed `failed` of `runs` times, and
// `fails` says whether that is enough to keep the candidate.
struct FailureCount {
  bool fails = false;
  uint32_t failed = 0;
  uint32_t runs = 0;
};
using StillFails = std::function<FailureCount(const Scenario&)>;

// One reduction: "remove thread group 2 (iterator x1)", "keys.count 20000 -> 10000".
struct ShrinkCandidate {
  std::string what;
  Scenario scenario;
  int stage = 0;  // 0 thread groups, 1 threads per group, 2 keys, 3 prefill, 4 mix, 5 delays, 6 duration, 7 trials
};

struct ShrinkStep {
  size_t index = 0;  // 1-based, counting every candidate tried
  std::string what;
  FailureCount result;
  bool kept = false;  // result.fails: the search goes on from this scenario
};

struct ShrinkOptions {
  Nanos min_duration = std::chrono::milliseconds(10);  // never shorten trials below this
  std::function<bool()> out_of_budget;                 // checked before each candidate; may be empty
  std::function<void(const ShrinkStep&)> on_step;      // after each candidate; may be empty
};

struct ShrinkResult {
  Scenario minimal;
  std::vector<Scenario> kept_chain;  // the start, then each kept scenario (the last is `minimal`)
  std::vector<ShrinkStep> steps;
  size_t kept = 0;
  bool budget_exhausted = false;
};

// The candidates one step away from `s`, greatest cuts first; each is valid for the scenario
// loader and strictly smaller (ScenarioSize) than `s`.
std::vector<ShrinkCandidate> ShrinkCandidates(const Scenario& s, const ShrinkOptions& options = {});

// Passes over the stages: in each, tries the current scenario's candidates in order; the first
// that still fails becomes the current scenario and the pass goes on from that candidate's stage
// (cuts that just failed are not retried at once). A pass that kept something is followed by
// another from the first stage; the search ends after a pass that kept nothing (no candidate of
// the result fails: a local minimum) or when the budget runs out. `start` must already fail.
ShrinkResult Shrink(const Scenario& start, const StillFails& still_fails, const ShrinkOptions& options = {});

// The measures a step reduces, compared one by one: a scenario is strictly smaller when no
// measure is larger and one is smaller.
struct ScenarioSize {
  uint64_t groups = 0, threads = 0, keys = 0, prefill = 0, mix_kinds = 0, think_ns = 0, duration_ns = 0, ops = 0,
           trials = 0;
};
ScenarioSize SizeOf(const Scenario& s);
bool StrictlySmaller(const ScenarioSize& a, const ScenarioSize& b);
std::string DescribeSize(const ScenarioSize& size);  // "2 groups, 3 threads, 20000 keys, ..."

}  // namespace mapstress
