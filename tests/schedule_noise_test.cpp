// Schedule noise (--noise) and lockstep groups: seeded and reproducible, `off` never acts,
// pct parks exactly the workers outside the running set, lockstep rounds really start
// together, and no noise mode makes a correct backend look wrong.
#include "engine/schedule_noise.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "backend/backend_registry.h"
#include "engine/clock.h"
#include "engine/engine.h"

namespace mapstress {
namespace {

using namespace std::chrono_literals;

TEST(ScheduleNoise, ModeNamesRoundTrip) {
  for (NoiseMode m : {NoiseMode::kOff, NoiseMode::kLight, NoiseMode::kHeavy, NoiseMode::kPct}) {
    NoiseMode parsed = NoiseMode::kOff;
    ASSERT_TRUE(ParseNoiseMode(NoiseModeName(m), &parsed));
    EXPECT_EQ(parsed, m);
  }
  NoiseMode parsed;
  EXPECT_FALSE(ParseNoiseMode("loud", &parsed));
  EXPECT_FALSE(ParseNoiseMode("", &parsed));
}

TEST(ScheduleNoise, OffNeverActs) {
  NoiseTrial trial(NoiseMode::kOff, 1, 1, 0, 1.0, {true});
  ScheduleNoise noise(&trial, 1, 0);
  int due = 0;
  for (int i = 0; i < 1000000; ++i) due += noise.BoundaryDue();
  EXPECT_EQ(due, 0);
  ScheduleNoise detached(nullptr, 1, 0);  // no trial: off
  for (int i = 0; i < 1000; ++i) ASSERT_FALSE(detached.BoundaryDue());
}

// Where noise acts at boundaries is a function of the seed alone.
constexpr int kCalls = 100000;

std::vector<int> DuePositions(NoiseMode mode, uint64_t seed) {
  NoiseTrial trial(mode, seed, 1, 0, 1.0, {true});
  ScheduleNoise noise(&trial, seed, 0);
  std::atomic<bool> stop{false};
  std::vector<int> due;
  for (int i = 0; i < kCalls; ++i) {
    if (noise.BoundaryDue()) {
      due.push_back(i);
      noise.AtBoundary(ReadCallTicks(), 0, stop);
    }
  }
  return due;
}

// The worker asks once per pass and then runs up to BoundariesFree() ops unchecked
// (PassBoundaries): noise must fall at the same ops as when it asks before every op.
TEST(ScheduleNoise, PassingBoundariesInChunksKeepsTheDuePoints) {
  InitClock();
  for (NoiseMode mode : {NoiseMode::kHeavy, NoiseMode::kPct, NoiseMode::kLight}) {
    NoiseTrial trial(mode, 7, 1, 0, 1.0, {true});
    ScheduleNoise noise(&trial, 7, 0);
    std::atomic<bool> stop{false};
    std::vector<int> due;
    Rng chunk(3);
    for (int i = 0; i < kCalls;) {
      if (noise.BoundaryDue()) {
        due.push_back(i);
        noise.AtBoundary(ReadCallTicks(), 0, stop);
      }
      const uint32_t free = noise.BoundariesFree();
      ASSERT_GE(free, 1u);
      const auto n = static_cast<uint32_t>(std::min<uint64_t>(1 + chunk.Below(64), free));  // ops this pass
      noise.PassBoundaries(n - 1);
      i += static_cast<int>(n);
    }
    std::vector<int> expected = DuePositions(mode, 7);
    while (!expected.empty() && expected.back() >= kCalls) expected.pop_back();
    due.erase(std::remove_if(due.begin(), due.end(), [](int i) { return i >= kCalls; }), due.end());
    EXPECT_EQ(due, expected) << NoiseModeName(mode);
  }
}

TEST(ScheduleNoise, SeededAndReproducible) {
  InitClock();
  std::vector<int> a = DuePositions(NoiseMode::kHeavy, 7), b = DuePositions(NoiseMode::kHeavy, 7),
                   c = DuePositions(NoiseMode::kHeavy, 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_GT(a.size(), kCalls / 2048u);  // heavy: every ~1024 ops
  // light leaves op boundaries alone (its noise is the preemption injector and callbacks);
  // pct checks its priorities every 16 ops.
  EXPECT_TRUE(DuePositions(NoiseMode::kLight, 7).empty());
  EXPECT_EQ(DuePositions(NoiseMode::kPct, 7).size(), (kCalls + 15u) / 16);  // at 0, 16, 32, ...
}

// pct: at every instant exactly min(runners, unfinished) parkable workers may run, the others
// are parked; unparkable ones always run; change points rotate who is on top; a finished
// worker gives its place away.
TEST(ScheduleNoise, PctParksAllButTheRunners) {
  const uint64_t budget = 1000000;
  std::vector<bool> parkable = {true, true, true, true, true, false};
  NoiseTrial trial(NoiseMode::kPct, 42, 6, budget, 1.0, parkable);
  ASSERT_GE(trial.runners(), 1u);
  ASSERT_LE(trial.runners(), 4u);
  std::map<uint32_t, int> on_top;
  for (uint64_t t = 0; t < budget; t += budget / 200) {
    uint32_t running = 0;
    for (uint32_t w = 0; w < 5; ++w) running += trial.MayRun(w, t);
    EXPECT_EQ(running, trial.runners()) << "t=" << t;
    EXPECT_TRUE(trial.MayRun(5, t));
    for (uint32_t w = 0; w < 5; ++w) {
      if (trial.MayRun(w, t)) on_top[w]++;
    }
  }
  EXPECT_GT(on_top.size(), trial.runners()) << "change points never changed the running set";
  for (uint32_t w = 0; w < 5; ++w) trial.Finished(w == 4 ? 5 : w);  // all but worker 4 finish
  for (uint64_t t = 0; t < budget; t += budget / 50) EXPECT_TRUE(trial.MayRun(4, t));
}

TEST(ScheduleNoise, PctOpBoundedKeepsRotatingSoEveryWorkerRuns) {
  NoiseTrial trial(NoiseMode::kPct, 5, 4, 0, 1.0, {true, true, true, true});
  for (uint32_t w = 0; w < 4; ++w) {
    bool ran = false;
    for (uint64_t t = 0; t < 10'000'000'000ull && !ran; t += 5'000'000) ran = trial.MayRun(w, t);
    EXPECT_TRUE(ran) << "worker " << w << " would be parked for ever";
  }
}

class NoiseThroughEngine : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { clock_ = InitClock(); }
  static ClockCheck clock_;
  BackendRegistry registry_ = BackendRegistry::BuiltIn();
};
ClockCheck NoiseThroughEngine::clock_;

// Lockstep: every thread's first op of round k starts after every thread's last op of round
// k-1 returned. Without the barrier the property fails (the threads run freely).
bool RoundsStartTogether(const History& h, uint32_t threads, uint32_t round) {
  std::vector<std::vector<const Op*>> per(threads);
  for (const Op& op : h.ops) per[op.thread].push_back(&op);
  size_t n = per[0].size();
  for (const auto& p : per) n = std::min(n, p.size());
  for (size_t k = round; k < n; k += round) {
    int64_t last_ret = 0, first_call = INT64_MAX;
    for (const auto& p : per) {
      last_ret = std::max(last_ret, p[k - 1]->ret);
      first_call = std::min(first_call, p[k]->call);
    }
    if (first_call < last_ret) return false;
  }
  return true;
}

TEST_F(NoiseThroughEngine, LockstepRoundsStartTogether) {
  Scenario s;
  s.name = "lockstep";
  s.keys.count = 4;
  ThreadGroup g;
  g.role = Role::kWriter;
  g.count = 3;
  g.ops = 4000;
  s.threads = {g};
  RunSettings settings;
  settings.noise = NoiseMode::kOff;
  s.threads[0].lockstep = 4;
  History with = RunTrial(s, *registry_.Find("locked"), settings, 0);
  ASSERT_EQ(with.ops.size(), 12000u);
  EXPECT_TRUE(RoundsStartTogether(with, 3, 4));
  s.threads[0].lockstep = 0;
  History without = RunTrial(s, *registry_.Find("locked"), settings, 0);
  EXPECT_FALSE(RoundsStartTogether(without, 3, 4));
}

// A lockstep group whose threads stop at the time budget never hangs at its barrier, with
// any noise mode (pct never parks a lockstep thread).
TEST_F(NoiseThroughEngine, LockstepEndsWithTheBudget) {
  Scenario s;
  s.name = "lockstep-timed";
  s.keys.count = 8;
  s.keys.prefill = 4;
  ThreadGroup g;
  g.role = Role::kMixed;
  g.count = 3;
  g.lockstep = 16;
  g.mix = OpMix{.store = 40, .erase = 20, .load = 30, .iterate = 10};
  ThreadGroup it;
  it.role = Role::kIterator;
  s.threads = {g, it};
  for (NoiseMode mode : {NoiseMode::kOff, NoiseMode::kLight, NoiseMode::kHeavy, NoiseMode::kPct}) {
    RunSettings settings;
    settings.duration = 20ms;
    settings.noise = mode;
    auto start = std::chrono::steady_clock::now();
    CaseReport r = RunCase(s, *registry_.Find("locked"), settings, clock_);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << NoiseModeName(mode);
    EXPECT_EQ(r.status, CaseStatus::kPass) << NoiseModeName(mode);
  }
}

// Noise never invents an anomaly: correct backends stay clean over seeds with every mode.
TEST_F(NoiseThroughEngine, CorrectBackendsStayCleanWithEveryMode) {
  Scenario s;
  s.name = "all-roles";
  s.keys.count = 64;
  s.keys.prefill = 32;
  s.duration = 15ms;
  ThreadGroup mixed;
  mixed.role = Role::kMixed;
  mixed.count = 2;
  mixed.mix = OpMix{.store = 30, .update = 10, .erase = 25, .load = 30, .iterate = 5};
  ThreadGroup toggler;
  toggler.role = Role::kToggler;
  toggler.key_lo = 0;
  toggler.key_hi = 2;
  ThreadGroup it;
  it.role = Role::kIterator;
  s.threads = {mixed, toggler, it};
  for (const char* backend : {"locked", "sharded", "cow", "syncmap"}) {
    for (NoiseMode mode : {NoiseMode::kLight, NoiseMode::kHeavy, NoiseMode::kPct}) {
      for (uint64_t seed = 1; seed <= 2; ++seed) {
        RunSettings settings;
        settings.seed = seed;
        settings.noise = mode;
        CaseReport r = RunCase(s, *registry_.Find(backend), settings, clock_);
        EXPECT_EQ(r.status, CaseStatus::kPass) << backend << " " << NoiseModeName(mode) << " seed " << seed;
        EXPECT_EQ(r.check.anomalous, 0u) << backend << " " << NoiseModeName(mode);
        if (registry_.Find(backend)->guarantee == Guarantee::kSnapshot) {
          EXPECT_EQ(r.check.snapshot, r.check.iterations) << backend << " " << NoiseModeName(mode);
        }
      }
    }
  }
}

}  // namespace
}  // namespace mapstress
