// End to end through engine and checker: every deliberately faulty backend is caught with the
// anomaly its bug produces, and the correct backends come out clean over many seeds.
#include <gtest/gtest.h>

#include "backend/backend_registry.h"
#include "engine/clock.h"
#include "engine/engine.h"

namespace mapstress {
namespace {

using namespace std::chrono_literals;

ThreadGroup Group(Role role, uint32_t count, KeyOrder order = KeyOrder::kRandom) {
  ThreadGroup g;
  g.role = role;
  g.count = count;
  g.order = order;
  return g;
}

Scenario Base(const char* name, uint64_t keys, uint64_t prefill) {
  Scenario s;
  s.name = name;
  s.keys.count = keys;
  s.keys.prefill = prefill;
  s.duration = 100ms;
  s.trials = 3;
  s.seed = 1;
  return s;
}

class FaultyCaught : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { clock_ = InitClock(); }
  CaseReport Run(const Scenario& s, const std::string& backend, const RunSettings& settings = {}) {
    const BackendInfo* info = registry_.Find(backend);
    EXPECT_NE(info, nullptr) << backend;
    return RunCase(s, *info, settings, clock_);
  }
  static ClockCheck clock_;
  BackendRegistry registry_ = BackendRegistry::BuiltIn();
};
ClockCheck FaultyCaught::clock_;

// Every op with its own fenced interval (--fence-window 0).
RunSettings Fenced() {
  RunSettings settings;
  settings.fence_window = Nanos{0};
  return settings;
}

void ExpectCaught(const CaseReport& r, Anomaly kind) {
  EXPECT_GT(r.check.Count(kind), 0u) << r.backend << " should show " << AnomalyName(kind);
  EXPECT_EQ(r.status, CaseStatus::kFail) << r.backend;
  ASSERT_FALSE(r.check.examples.empty());
  bool explained = false;
  for (const auto& e : r.check.examples) explained |= e.kind == kind && !e.explanation.empty();
  EXPECT_TRUE(explained) << "no explanation for " << AnomalyName(kind);
}

TEST_F(FaultyCaught, SkipOnResizeIsMissing) {
  Scenario s = Base("grow", 20000, 200);
  ThreadGroup w = Group(Role::kWriter, 2, KeyOrder::kSequential);
  w.key_lo = 200;
  s.threads = {w, Group(Role::kIterator, 1)};
  ExpectCaught(Run(s, "faulty-skip-on-resize"), Anomaly::kMissing);
}

TEST_F(FaultyCaught, LingeringEraseIsPhantom) {
  Scenario s = Base("delete", 2000, 2000);
  ThreadGroup d = Group(Role::kDeleter, 1, KeyOrder::kSequential);
  d.think = 5us;
  s.threads = {d, Group(Role::kIterator, 1)};
  ExpectCaught(Run(s, "faulty-lingering-erase"), Anomaly::kPhantom);
}

TEST_F(FaultyCaught, OldVersionIsStaleValue) {
  Scenario s = Base("overwrite", 500, 500);
  ThreadGroup u = Group(Role::kUpdater, 2);
  u.think = 2us;
  s.threads = {u, Group(Role::kIterator, 1)};
  ExpectCaught(Run(s, "faulty-old-version"), Anomaly::kStaleValue);
}

TEST_F(FaultyCaught, DoubleVisitIsDuplicate) {
  Scenario s = Base("visit", 1000, 1000);
  s.threads = {Group(Role::kUpdater, 1), Group(Role::kIterator, 1)};
  ExpectCaught(Run(s, "faulty-double-visit"), Anomaly::kDuplicate);
}

TEST_F(FaultyCaught, TornValueIsUnknownValue) {
  Scenario s = Base("torn", 500, 500);
  s.threads = {Group(Role::kUpdater, 2), Group(Role::kIterator, 1)};
  ExpectCaught(Run(s, "faulty-torn-value"), Anomaly::kUnknownValue);
}

TEST_F(FaultyCaught, WrongEraseResultIsStaleRead) {
  Scenario s = Base("erase", 1000, 200);  // most erases find nothing to remove
  s.threads = {Group(Role::kDeleter, 2), Group(Role::kIterator, 1)};
  ExpectCaught(Run(s, "faulty-erase-result"), Anomaly::kStaleRead);
}

// A race: two erases must meet on one key between its stores, and the proof needs their
// intervals to be narrow, so every op is fenced (a loaded CI machine widens shared ones).
TEST_F(FaultyCaught, DoubleRemovalIsStaleRead) {
  Scenario s = Base("double-remove", 64, 64);
  s.threads = {Group(Role::kWriter, 1), Group(Role::kDeleter, 3)};
  ExpectCaught(Run(s, "faulty-double-remove", Fenced()), Anomaly::kStaleRead);
}

// A race too: a load must fall in a write's 2 µs between the copies, right after a load of the
// other copy, and the proof needs the loads' intervals narrow, so every op is fenced.
TEST_F(FaultyCaught, LaggingReplicaIsStaleRead) {
  Scenario s = Base("replica", 64, 64);
  s.threads = {Group(Role::kUpdater, 1), Group(Role::kReader, 3)};
  ExpectCaught(Run(s, "faulty-lagging-replica", Fenced()), Anomaly::kStaleRead);
}

// Every role at once, short trials, many seeds: no FORBIDDEN anomaly for correct backends,
// and every iteration of the snapshot backends is a snapshot.
TEST_F(FaultyCaught, CorrectBackendsAreCleanOverManySeeds) {
  Scenario s = Base("all-roles", 400, 200);
  s.duration = 15ms;
  s.trials = 1;
  ThreadGroup mixed = Group(Role::kMixed, 1);
  mixed.mix = OpMix{.store = 30, .update = 10, .erase = 25, .load = 30, .iterate = 5};
  ThreadGroup toggler = Group(Role::kToggler, 1);
  toggler.key_lo = 0;
  toggler.key_hi = 2;
  s.threads = {mixed, toggler, Group(Role::kIterator, 1)};
  for (const char* backend : {"locked", "rwlocked", "sharded", "cow", "syncmap"}) {
    CaseReport total;
    for (uint64_t seed = 1; seed <= 25; ++seed) {
      RunSettings settings;
      settings.seed = seed;
      CaseReport r = RunCase(s, *registry_.Find(backend), settings, clock_);
      EXPECT_EQ(r.status, CaseStatus::kPass) << backend << " seed " << seed;
      total.check.Merge(r.check, 3);
    }
    EXPECT_GT(total.check.iterations, 25u) << backend;
    EXPECT_GT(total.check.loads, 25u) << backend;
    for (int k = 0; k < kAnomalyCount; ++k) {
      if (static_cast<Anomaly>(k) == Anomaly::kNotSnapshot) continue;
      EXPECT_EQ(total.check.anomalies[k], 0u) << backend << " " << AnomalyName(static_cast<Anomaly>(k));
    }
    if (registry_.Find(backend)->guarantee == Guarantee::kSnapshot) {
      EXPECT_EQ(total.check.snapshot, total.check.iterations) << backend;
    }
  }
}

// The toggler invariant proves a striped iteration is not a snapshot.
TEST_F(FaultyCaught, ShardedIsProvablyNotASnapshot) {
  Scenario s = Base("toggle", 2000, 2000);
  ThreadGroup t = Group(Role::kToggler, 2);
  t.key_hi = 64;
  ThreadGroup it = Group(Role::kIterator, 1);
  it.visit_delay = 200ns;
  s.threads = {t, it};
  CaseReport r = Run(s, "sharded");
  EXPECT_EQ(r.status, CaseStatus::kPass);
  EXPECT_GT(r.check.Count(Anomaly::kNotSnapshot), 0u);
  EXPECT_EQ(r.check.anomalous, 0u);
}

}  // namespace
}  // namespace mapstress
