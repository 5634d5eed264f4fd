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
  std::vector<PlannedCase> cases;
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
// regular expression, a malformed shard, or a budget too small to give each trial 1 ms.
bool PlanCases(const std::vector<Scenario>& scenarios, const BackendRegistry& registry, const PlanRequest& request,
               CasePlan* plan, std::string* error);

}  // namespace mapstress
