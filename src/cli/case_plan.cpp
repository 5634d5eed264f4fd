#include "cli/case_plan.h"

#include <fmt/format.h>

#include <regex>

#include "core/suggest.h"
#include "scenario/scenario_loader.h"

namespace mapstress {
namespace {

bool ResolveBackends(const std::vector<std::string>& requested, const BackendRegistry& registry,
                     const std::string& where, std::vector<std::string>* out, std::string* error) {
  for (const auto& name : requested) {
    if (name != "all" && registry.Find(name) == nullptr) {
      std::vector<std::string> known = registry.Names(true);
      known.push_back("all");
      *error = fmt::format(
          "{}unknown backend '{}'{}; see `mapstress list backends` (a plugin's backends need "
          "--plugin LIB.so)",
          where, name, DidYouMean(name, known));
      return false;
    }
    for (const auto& n : registry.Expand(name)) {
      if (std::find(out->begin(), out->end(), n) == out->end()) out->push_back(n);
    }
  }
  return true;
}

bool ParseShard(const std::string& text, uint32_t* index, uint32_t* count) {
  unsigned i = 0, n = 0;
  char extra;
  if (std::sscanf(text.c_str(), "%u/%u%c", &i, &n, &extra) != 2) return false;
  if (n == 0 || i == 0 || i > n) return false;
  *index = i;
  *count = n;
  return true;
}

}  // namespace

bool PlanCases(const std::vector<Scenario>& scenarios, const BackendRegistry& registry, const PlanRequest& request,
               CasePlan* plan, std::string* error) {
  std::optional<std::regex> filter;
  if (!request.filter.empty()) {
    try {
      filter.emplace(request.filter, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      *error = fmt::format("--filter: '{}' is not a valid regular expression: {}", request.filter, e.what());
      return false;
    }
  }
  std::vector<std::string> cli_backends;
  if (!ResolveBackends(request.backends, registry, "--backend: ", &cli_backends, error)) return false;

  std::vector<PlannedCase> all;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const Scenario& s = scenarios[i];
    if (filter && !std::regex_search(s.name, *filter)) continue;
    std::vector<std::string> names = cli_backends;
    if (names.empty() && !s.backends.empty()) {
      if (!ResolveBackends(s.backends, registry, s.path + ": /backends: ", &names, error)) return false;
    }
    if (names.empty()) names = registry.DefaultSet();
    for (const auto& b : names) all.push_back({i, b});
  }

  uint32_t shard_index = 1, shard_count = 1;
  if (!request.shard.empty() && !ParseShard(request.shard, &shard_index, &shard_count)) {
    *error = fmt::format("--shard: expected i/n with 1 ≤ i ≤ n (e.g. 2/3), got '{}'", request.shard);
    return false;
  }
  // Round-robin over the full, ordered case list: stable for the same inputs, and balanced.
  for (size_t k = 0; k < all.size(); ++k) {
    if (k % shard_count == shard_index - 1) plan->cases.push_back(all[k]);
  }
  if (shard_count > 1) {
    plan->summary +=
        fmt::format("shard {}/{}: {} of {} cases\n", shard_index, shard_count, plan->cases.size(), all.size());
  }

  if (request.time_budget && !plan->cases.empty()) {
    uint64_t trials = 0;
    for (const auto& c : plan->cases) trials += request.trials ? *request.trials : scenarios[c.scenario].trials;
    // A fifth of the budget is kept for setup and checking.
    auto per_trial = Nanos(
        static_cast<int64_t>(static_cast<double>(request.time_budget->count()) * 0.8 / static_cast<double>(trials)));
    per_trial = std::chrono::duration_cast<std::chrono::milliseconds>(per_trial);  // whole ms: readable
    if (per_trial < std::chrono::milliseconds(1)) {
      *error = fmt::format("--time-budget {} is too small for {} trials (each needs at least 1ms)",
                           FormatDuration(*request.time_budget), trials);
      return false;
    }
    plan->trial_duration = per_trial;
    plan->summary +=
        fmt::format("time budget {}: {} cases, {} trials, {} per trial (+20% for checking)\n",
                    FormatDuration(*request.time_budget), plan->cases.size(), trials, FormatDuration(per_trial));
  }
  return true;
}

}  // namespace mapstress
