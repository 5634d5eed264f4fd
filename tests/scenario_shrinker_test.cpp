// The shrinker's search with made-up "still fails?" predicates: no real cases run.
#include "scenario/scenario_shrinker.h"

#include <gtest/gtest.h>

#include "scenario/scenario_loader.h"

namespace mapstress {
namespace {

using namespace std::chrono_literals;

Scenario Load(const char* text) {
  Scenario s;
  LoadError error;
  EXPECT_TRUE(ParseScenario(text, "t.json", &s, &error)) << error.ToString();
  return s;
}

// Four groups, 20000 keys, think times, 2 trials of 200ms.
Scenario Big() {
  return Load(R"({"name": "big", "description": "d", "keys": {"count": 20000, "prefill": 500},
    "duration": "200ms", "trials": 2,
    "threads": [
      {"role": "writer", "count": 4, "keys": [500, 20000], "order": "sequential", "think": "15us"},
      {"role": "reader", "count": 2},
      {"role": "mixed", "count": 2, "mix": {"store": 50, "erase": 30, "iterate": 20}, "visit_delay": "50ns"},
      {"role": "iterator", "count": 3, "visit_delay": "50ns"}]})");
}

FailureCount Verdict(bool fails) { return FailureCount{fails, fails ? 3u : 0u, 3}; }

bool HasRole(const Scenario& s, Role role) {
  for (const auto& g : s.threads) {
    if (g.role == role) return true;
  }
  return false;
}

TEST(ScenarioShrinkerTest, FindsTheSmallestScenarioThePredicateAccepts) {
  // "Fails" while a writer and an iterator remain, with at least 100 keys and 20ms.
  StillFails still_fails = [](const Scenario& s) {
    return Verdict(HasRole(s, Role::kWriter) && HasRole(s, Role::kIterator) && s.keys.count >= 100 &&
                   s.duration >= 20ms);
  };
  ShrinkResult r = Shrink(Big(), still_fails);
  const Scenario& m = r.minimal;
  ASSERT_EQ(m.threads.size(), 2u);
  EXPECT_EQ(m.threads[0].role, Role::kWriter);
  EXPECT_EQ(m.threads[1].role, Role::kIterator);
  EXPECT_EQ(m.TotalThreads(), 2u);
  EXPECT_GE(m.keys.count, 100u);
  EXPECT_LT(m.keys.count, 200u);  // halving from 20000 stops at 156: 78 is too few
  EXPECT_EQ(m.keys.prefill, 0u);
  EXPECT_EQ(m.threads[0].think, Nanos{0});
  EXPECT_EQ(m.threads[1].visit_delay, Nanos{0});
  EXPECT_GE(*m.duration, 20ms);
  EXPECT_LT(*m.duration, 40ms);
  EXPECT_EQ(m.trials, 1u);
  EXPECT_TRUE(StrictlySmaller(SizeOf(m), SizeOf(Big())));
  EXPECT_FALSE(r.budget_exhausted);
  // The writer's range [500, 20000) was scaled with the key count, and the minimal scenario loads.
  ASSERT_TRUE(m.threads[0].key_hi.has_value());
  EXPECT_EQ(*m.threads[0].key_hi, m.keys.count);
  size_t kept = 0;
  for (const auto& step : r.steps) kept += step.kept;
  EXPECT_EQ(kept, r.kept);
  EXPECT_GT(r.kept, 5u);
}

TEST(ScenarioShrinkerTest, EveryCandidateIsStrictlySmallerAndLoads) {
  for (const auto& c : ShrinkCandidates(Big())) {
    EXPECT_TRUE(StrictlySmaller(SizeOf(c.scenario), SizeOf(Big()))) << c.what;
    EXPECT_FALSE(c.what.empty());
  }
  // Greatest cuts first: removing half of the groups comes before any single group or count.
  std::vector<ShrinkCandidate> all = ShrinkCandidates(Big());
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all[0].what, "remove threads[0..1]");
  EXPECT_EQ(all[0].scenario.threads.size(), 2u);
}

TEST(ScenarioShrinkerTest, DropsMixSharesOneAtATime) {
  StillFails still_fails = [](const Scenario& s) {
    bool erases = false;
    for (const auto& g : s.threads) erases |= g.role == Role::kMixed && g.mix.erase > 0;
    return Verdict(erases);
  };
  ShrinkResult r = Shrink(Big(), still_fails);
  ASSERT_EQ(r.minimal.threads.size(), 1u);
  const ThreadGroup& g = r.minimal.threads[0];
  EXPECT_EQ(g.role, Role::kMixed);
  EXPECT_EQ(g.count, 1u);
  EXPECT_EQ(g.mix.erase, 100u);  // every other share was dropped into it... or into one other
  EXPECT_EQ(g.visit_delay, Nanos{0});
}

TEST(ScenarioShrinkerTest, NothingFailsMeansNothingChanges) {
  ShrinkResult r = Shrink(Big(), [](const Scenario&) { return Verdict(false); });
  EXPECT_EQ(r.kept, 0u);
  EXPECT_EQ(r.minimal.TotalThreads(), Big().TotalThreads());
  EXPECT_EQ(r.steps.size(), ShrinkCandidates(Big()).size());
}

TEST(ScenarioShrinkerTest, StopsWhenTheBudgetRunsOut) {
  int calls = 0;
  ShrinkOptions options;
  options.out_of_budget = [&] { return calls >= 3; };
  ShrinkResult r = Shrink(
      Big(),
      [&](const Scenario&) {
        ++calls;
        return Verdict(true);
      },
      options);
  EXPECT_TRUE(r.budget_exhausted);
  EXPECT_EQ(r.steps.size(), 3u);
  EXPECT_EQ(r.kept, 3u);
}

TEST(ScenarioShrinkerTest, UpdatersKeepTheirPrefill) {
  Scenario s = Load(R"({"name": "u", "description": "d", "keys": {"count": 64, "prefill": 64},
    "duration": "50ms", "threads": [{"role": "updater"}, {"role": "iterator"}]})");
  ShrinkResult r = Shrink(s, [](const Scenario& c) { return Verdict(HasRole(c, Role::kUpdater)); });
  ASSERT_EQ(r.minimal.threads.size(), 1u);
  EXPECT_EQ(r.minimal.threads[0].role, Role::kUpdater);
  EXPECT_GT(r.minimal.keys.prefill, 0u);  // the loader rejects an updater without prefill
}

}  // namespace
}  // namespace mapstress
