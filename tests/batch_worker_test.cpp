#include "engine/batch_worker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <vector>

#include "backend/backend_registry.h"
#include "check/checker.h"
#include "engine/clock.h"
#include "engine/engine.h"

namespace mapstress {
namespace {

// The built-in `locked` map, given a batch function that runs each op through it and
// remembers (one thread only, when `record`) the tick relative to `origin` at which each op ran
// and which call carried it. `stale_loads`: a deliberate bug, loads of key 0 answer the first
// value ever stored there.
class BatchingMap final : public Map {
 public:
  BatchingMap(bool stale_loads, bool record)
      : inner_(BackendRegistry::BuiltIn().Find("locked")->create(BackendOptions{})),
        stale_loads_(stale_loads),
        record_(record) {}
  void Store(uint64_t key, uint64_t value) override {
    if (key == 0) {
      uint64_t none = 0;
      first_value_.compare_exchange_strong(none, value);
    }
    inner_->Store(key, value);
  }
  bool Erase(uint64_t key) override { return inner_->Erase(key); }
  bool Load(uint64_t key, uint64_t* value) override {
    if (!inner_->Load(key, value)) return false;
    if (stale_loads_ && key == 0) *value = first_value_.load();
    return true;
  }
  void Iterate(const Visitor& visit) override { inner_->Iterate(visit); }
  bool HasBatch() const override { return true; }
  void RunBatch(BatchOp* ops, uint32_t count) override {
    const uint64_t call = calls.fetch_add(1) + 1;
    for (uint32_t i = 0; i < count; ++i) {
      BatchOp& op = ops[i];
      if (op.kind == static_cast<uint32_t>(OpKind::kStore)) {
        Store(op.key, op.value);
      } else if (op.kind == static_cast<uint32_t>(OpKind::kErase)) {
        op.result = Erase(op.key) ? 1 : 0;
      } else {
        op.result = Load(op.key, &op.value) ? 1 : 0;
      }
      if (record_) ran.push_back(Ran{ReadBoundaryTicks() - origin, call, op.kind, op.key, op.value, op.result});
    }
  }

  struct Ran {
    uint64_t tick;
    uint64_t call;
    uint32_t kind;
    uint64_t key, value;
    uint32_t result;
  };
  uint64_t origin = 0;
  std::atomic<uint64_t> calls{0};
  std::vector<Ran> ran;

 private:
  std::unique_ptr<Map> inner_;
  std::atomic<uint64_t> first_value_{0};
  bool stale_loads_;
  bool record_;
};

Scenario MixedScenario(uint64_t ops) {
  Scenario s;
  s.name = "batch-test";
  s.keys.count = 64;
  s.keys.prefill = 32;
  s.seed = 3;
  ThreadGroup mixed;
  mixed.role = Role::kMixed;
  mixed.count = 1;
  mixed.ops = ops;
  mixed.mix = OpMix{.store = 30, .update = 10, .erase = 20, .load = 39, .iterate = 1};
  s.threads = {mixed};
  return s;
}

class BatchWorkerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { InitClock(); }
};

TEST(BatchSizer, CalibratesWithOneOpCallsThenFillsTheWindowAndShrinksOnSlowCalls) {
  BatchSizer sizer(2000);
  for (uint32_t i = 0; i < BatchSizer::kCalibration; ++i) {
    EXPECT_EQ(sizer.Size(), 1u);
    sizer.Record(1, 150);  // the call costs 150 ticks
  }
  uint32_t last = 1;
  for (int i = 0; i < 20; ++i) {
    const uint32_t n = sizer.Size();
    EXPECT_LE(n, 2 * last);  // grows by doubling at most
    last = n;
    sizer.Record(n, 150 + 20 * uint64_t{n});  // 20 ticks per op
  }
  EXPECT_EQ(sizer.Size(), 100u);                                                               // 2000 / 20
  for (int i = 0; i < 8; ++i) sizer.Record(sizer.Size(), 150 + 200 * uint64_t{sizer.Size()});  // ops slow down
  EXPECT_EQ(sizer.Size(), 10u);
  for (int i = 0; i < 40; ++i) sizer.Record(sizer.Size(), 150);  // ops free: capped
  EXPECT_EQ(sizer.Size(), BatchSizer::kMax);
  sizer.Record(BatchSizer::kMax, uint64_t{1} << 40);  // a preempted call
  EXPECT_GE(sizer.Size(), 1u);
  EXPECT_LT(sizer.Size(), BatchSizer::kMax);
}

// Every recorded op's interval contains the tick at which the map ran it; the ops of one
// call share its interval, and the recorded results are the map's.
TEST_F(BatchWorkerTest, EachOpLiesInsideItsCallsRecordedInterval) {
  const Scenario s = MixedScenario(20000);
  BatchingMap map(false, true);
  for (uint64_t k = 0; k < s.keys.prefill; ++k) map.Store(k, PrefillValue(0, k));
  ThreadLog log(1 << 16);
  TrialShared shared;
  // A wide window, so that even a sanitizer build's slow ops share calls.
  shared.batch_ticks = static_cast<uint64_t>(50000 * TicksPerNano());
  NoiseTrial noise_trial(NoiseMode::kOff, 1, 1, 0, TicksPerNano(), {true});
  shared.noise = &noise_trial;
  ScheduleNoise noise(&noise_trial, 1, 0);
  OpStream stream(s, 0, 0, 3, 0);
  shared.origin = map.origin = ReadBoundaryTicks();
  uint64_t seq = 1;
  const uint64_t done =
      RunBatchLoop(BatchLoop{&map, &log, nullptr, &stream, &noise, &shared, nullptr, nullptr, 0, 0, 1, 20000, 0}, &seq);
  EXPECT_EQ(done, 20000u);

  History h;
  AppendThreadLog(log, 0, 1.0, &h);  // 1 ns per tick: the history holds ticks
  ASSERT_EQ(h.ops.size(), done);
  size_t point = 0, shared_intervals = 0, iterations = 0;
  for (size_t i = 0; i < h.ops.size(); ++i) {
    const Op& op = h.ops[i];
    ASSERT_LE(op.call, op.ret);
    if (i > 0 && h.ops[i - 1].call != op.call) {
      ASSERT_LE(h.ops[i - 1].ret, op.call) << "one thread's calls follow each other";
    }
    if (op.kind == OpKind::kIterate) {
      ++iterations;
      continue;
    }
    ASSERT_LT(point, map.ran.size());
    const BatchingMap::Ran& ran = map.ran[point];
    EXPECT_LE(op.call, static_cast<int64_t>(ran.tick)) << "op " << i;
    EXPECT_GE(op.ret, static_cast<int64_t>(ran.tick)) << "op " << i;
    EXPECT_EQ(static_cast<uint32_t>(op.kind), ran.kind);
    EXPECT_EQ(op.key, ran.key);
    EXPECT_EQ(op.found, op.kind != OpKind::kStore && ran.result != 0);
    if (op.kind != OpKind::kErase && (op.kind == OpKind::kStore || op.found)) {
      EXPECT_EQ(op.value, ran.value);
    }
    if (point > 0 && map.ran[point - 1].call == ran.call) {
      ++shared_intervals;
      EXPECT_EQ(op.call, h.ops[i - 1].call);
      EXPECT_EQ(op.ret, h.ops[i - 1].ret);
    }
    ++point;
  }
  EXPECT_EQ(point, map.ran.size());
  EXPECT_GT(iterations, 50u);
  EXPECT_GT(shared_intervals, point / 2) << "most ops share a call: " << map.calls << " calls";
  EXPECT_LT(map.calls, point);
}

// A backend of BatchingMaps; each map adds its number of batch calls to *calls when destroyed.
BackendInfo FakeBackend(bool stale_loads, std::vector<uint64_t>* calls) {
  struct Counted final : public Map {
    BatchingMap inner;
    std::vector<uint64_t>* calls;
    Counted(bool stale, std::vector<uint64_t>* c) : inner(stale, false), calls(c) {}
    ~Counted() override { calls->push_back(inner.calls.load()); }
    void Store(uint64_t k, uint64_t v) override { inner.Store(k, v); }
    bool Erase(uint64_t k) override { return inner.Erase(k); }
    bool Load(uint64_t k, uint64_t* v) override { return inner.Load(k, v); }
    void Iterate(const Visitor& visit) override { inner.Iterate(visit); }
    bool HasBatch() const override { return true; }
    void RunBatch(BatchOp* ops, uint32_t count) override { inner.RunBatch(ops, count); }
  };
  BackendInfo b;
  b.name = stale_loads ? "fake-batch-stale" : "fake-batch";
  b.guarantee = Guarantee::kSnapshot;
  b.create = [stale_loads, calls](const BackendOptions&) -> std::unique_ptr<Map> {
    return std::make_unique<Counted>(stale_loads, calls);
  };
  return b;
}

Scenario ContendedScenario() {
  Scenario s;
  s.name = "batch-contended";
  s.keys.count = 16;
  s.keys.prefill = 16;
  s.duration = std::chrono::milliseconds(20);
  ThreadGroup writer;
  writer.role = Role::kWriter;
  ThreadGroup reader;
  reader.role = Role::kReader;
  ThreadGroup deleter;
  deleter.role = Role::kDeleter;
  ThreadGroup iterator;
  iterator.role = Role::kIterator;
  s.threads = {writer, reader, deleter, iterator};
  return s;
}

// Through the engine: a correct batching map is clean over seeds, and calls are batched.
TEST_F(BatchWorkerTest, CorrectBatchingMapIsCleanOverSeeds) {
  std::vector<uint64_t> calls;
  const BackendInfo backend = FakeBackend(false, &calls);
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    RunSettings settings;
    settings.seed = seed;
    settings.max_history_bytes = 32 << 20;
    settings.fence_window = std::chrono::microseconds(50);  // batches of several ops even in sanitizer builds
    History h = RunTrial(ContendedScenario(), backend, settings, 0);
    CheckResult check = Check(h);
    for (int k = 0; k < kAnomalyCount; ++k) {
      if (static_cast<Anomaly>(k) == Anomaly::kNotSnapshot) continue;
      EXPECT_EQ(check.anomalies[k], 0u) << AnomalyName(static_cast<Anomaly>(k)) << " seed " << seed;
    }
    ASSERT_FALSE(calls.empty());
    EXPECT_LT(calls.back(), h.ops.size() / 2) << "point ops go in batches";
  }
  RunSettings unbatched;
  unbatched.batch_calls = false;
  unbatched.max_history_bytes = 32 << 20;
  RunTrial(ContendedScenario(), backend, unbatched, 0);
  EXPECT_EQ(calls.back(), 0u) << "batch_calls = false: one call per op";
}

// A faulty batching map (loads of key 0 stay at their first value) is caught.
TEST_F(BatchWorkerTest, StaleLoadsThroughBatchesAreCaught) {
  std::vector<uint64_t> calls;
  const BackendInfo backend = FakeBackend(true, &calls);
  uint64_t stale = 0;
  for (uint64_t seed = 1; seed <= 3 && stale == 0; ++seed) {
    RunSettings settings;
    settings.seed = seed;
    settings.max_history_bytes = 32 << 20;
    stale +=
        Check(RunTrial(ContendedScenario(), backend, settings, 0)).anomalies[static_cast<int>(Anomaly::kStaleRead)];
  }
  EXPECT_GT(stale, 0u);
}

}  // namespace
}  // namespace mapstress
