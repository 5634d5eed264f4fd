// Which scenario x backend cases a run executes, in which order, with how much time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "backend/backend_registry.h"
#include "scenario/scenario.h"

namespace mapstress {

struct PlannedCase {
  size_t scenario = 0;  // index into the scenarios
  std::string backend;
};

struct CasePlan {
  std::vector<PlannedCase> cases;  // this shard's
  uint32_t shard_index = 1, shard_count = 1;
  uint64_t all_cases = 0;               // cases of every shard together
  std::string case_list;                // "scenario × backend" lines of every shard, in order
  std::optional<Nanos> trial_duration;  // set by a time budget
  std::string summary;                  // printed before the run when non-empty
};

struct PlanRequest {
  std::vector<std::string> backends;  // from --backend; empty = scenario's list, else default set
  std::string filter;                 // regex on scenario names
  std::string shard;                  // "i/n"
  std::optional<Nanos> time_budget;
  std::optional<uint32_t> trials;  // --trials
};

// Fails (with a user-facing message) on an unknown backend name (with a suggestion), a bad
// regular expression, a malformed shard, a budget too small to give each trial 1 ms, and when
// no case is left (naming the filter and the nearest scenario names, or the shard count).
bool PlanCases(const std::vector<Scenario>& scenarios, const BackendRegistry& registry, const PlanRequest& request,
               CasePlan* plan, std::string* error);

// 16 hex digits identifying the full plan (every shard's cases) with `settings` (seed, duration,
// ...): equal for the shards of one run, different when anything that changes results differs.
std::string PlanFingerprint(const CasePlan& plan, const std::vector<std::string>& settings);

}  // namespace mapstress
