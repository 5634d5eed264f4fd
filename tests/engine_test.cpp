#include "engine/engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "backend/backend_registry.h"
#include "check/checker.h"
#include "core/live_progress.h"
#include "engine/clock.h"
#include "engine/schedule_noise.h"
#include "engine/workload.h"

namespace mapstress {
namespace {

Scenario SmallScenario() {
  Scenario s;
  s.name = "engine-test";
  s.keys.count = 200;
  s.keys.prefill = 100;
  s.duration = std::chrono::milliseconds(30);
  s.seed = 7;
  ThreadGroup writer;
  writer.role = Role::kWriter;
  writer.count = 1;
  ThreadGroup deleter;
  deleter.role = Role::kDeleter;
  ThreadGroup reader;
  reader.role = Role::kReader;
  ThreadGroup iterator;
  iterator.role = Role::kIterator;
  s.threads = {writer, deleter, reader, iterator};
  return s;
}

// SmallScenario plus one `mixed` thread with this mix.
Scenario WithMixedThread(const OpMix& mix) {
  Scenario s = SmallScenario();
  ThreadGroup mixed;
  mixed.role = Role::kMixed;
  mixed.mix = mix;
  s.threads.push_back(mixed);
  return s;
}

class EngineTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { clock_ = InitClock(); }
  static ClockCheck clock_;
  BackendRegistry registry_ = BackendRegistry::BuiltIn();
};
ClockCheck EngineTest::clock_;

TEST_F(EngineTest, RecordsEveryOpKindWithOrderedIntervals) {
  Scenario s = SmallScenario();
  RunSettings settings;
  settings.fence_window = Nanos{0};
  History h = RunTrial(s, *registry_.Find("locked"), settings, 0);
  EXPECT_EQ(h.initial.size(), 100u);
  std::array<size_t, kOpKindCount> counts{};
  std::map<uint32_t, int64_t> last_ret;
  for (const Op& op : h.ops) {
    ++counts[static_cast<int>(op.kind)];
    EXPECT_LE(op.call, op.ret);
    EXPECT_GE(op.call, 0);
    // With no fence window, ops of one thread are recorded in program order and do not overlap.
    auto it = last_ret.find(op.thread);
    if (it != last_ret.end()) {
      EXPECT_LE(it->second, op.call);
    }
    last_ret[op.thread] = op.ret;
  }
  for (int k = 0; k < kOpKindCount; ++k) EXPECT_GT(counts[k], 0u) << OpKindName(static_cast<OpKind>(k));
  EXPECT_EQ(h.thread_names, (std::vector<std::string>{"writer-1", "deleter-1", "reader-1", "iterator-1"}));
}

// A fence window batches fast point ops: consecutive ops of a thread either share one interval
// or follow it; iterations never share one; few batches are much wider than their window.
TEST_F(EngineTest, FenceWindowBatchesPointOpsButNotIterations) {
  if (CurrentClockSource() != ClockSource::kTsc) GTEST_SKIP() << "fence batching needs the TSC";
  Scenario s = WithMixedThread(OpMix{.store = 30, .update = 10, .erase = 10, .load = 49, .iterate = 1});
  RunSettings settings;
  settings.fence_window = std::chrono::microseconds(20);
  History h = RunTrial(s, *registry_.Find("locked"), settings, 0);
  std::map<uint32_t, const Op*> prev;
  size_t shared = 0, point_ops = 0, batches = 0, wide_batches = 0;
  for (const Op& op : h.ops) {
    ASSERT_LE(op.call, op.ret);
    const Op* p = prev[op.thread];
    bool same_batch = p != nullptr && p->call == op.call && p->ret == op.ret;
    if (same_batch) {
      ++shared;
      EXPECT_NE(op.kind, OpKind::kIterate);
      EXPECT_NE(p->kind, OpKind::kIterate);
    } else if (p != nullptr) {
      EXPECT_LE(p->ret, op.call) << "ops of one thread overlap without sharing a batch";
    }
    if (op.kind != OpKind::kIterate) {
      ++point_ops;
      // Batches, not ops, are counted: one preemption inside a batch (5 threads share the CPUs)
      // widens every op in it, while a batch that never closed would be one wide batch of all.
      if (!same_batch) {
        ++batches;
        wide_batches += op.ret - op.call > 1'000'000;
      }
    }
    prev[op.thread] = &op;
  }
  EXPECT_GT(shared, point_ops / 4) << "fast ops should share fenced intervals";
  EXPECT_GT(batches, 20u) << "batches should close every window";
  EXPECT_LT(wide_batches, batches / 10) << "batches far wider than their window";
  EXPECT_GT(h.ops.size(), 0u);
}

// The history log holds 16 bytes per point op, batched or fenced (issue 21).
TEST_F(EngineTest, HistoryLogTakesSixteenBytesPerPointOp) {
  Scenario s = WithMixedThread(OpMix{.store = 30, .update = 10, .erase = 10, .load = 50, .iterate = 0});
  std::erase_if(s.threads, [](const ThreadGroup& g) { return g.role == Role::kIterator; });
  for (int64_t window_ns : {0, 2000}) {
    RunSettings settings;
    settings.fence_window = Nanos{window_ns};
    uint64_t bytes = 0;
    settings.log_bytes = &bytes;
    History h = RunTrial(s, *registry_.Find("locked"), settings, 0);
    ASSERT_GT(h.ops.size(), 1000u);
    // Each writer, reader and deleter thread starts with one call record (its first fenced read).
    EXPECT_LE(bytes, 16 * (h.ops.size() + h.thread_names.size())) << "window " << window_ns;
  }
}

// Batching never changes what the checker concludes about a correct map.
TEST_F(EngineTest, FenceWindowKeepsCorrectMapsClean) {
  for (int64_t window_ns : {0, 1000, 50'000}) {
    Scenario s = WithMixedThread(OpMix{.store = 30, .update = 10, .erase = 10, .load = 48, .iterate = 2});
    RunSettings settings;
    settings.fence_window = Nanos{window_ns};
    for (const char* backend : {"locked", "sharded"}) {
      CheckResult r = Check(RunTrial(s, *registry_.Find(backend), settings, 0));
      EXPECT_GT(r.iterations, 0u);
      EXPECT_EQ(r.anomalous, 0u) << backend << " window " << window_ns;
      if (std::string(backend) == "locked") {
        EXPECT_EQ(r.weak, 0u) << "window " << window_ns;  // its iteration is atomic
      }
    }
  }
}

// An updater and an iterator over 1000 prefilled keys: with faulty-double-visit every iteration
// shows its bug (a duplicate per 64 entries).
Scenario ProgressScenario() {
  Scenario s;
  s.name = "progress";
  s.keys.count = 1000;
  s.keys.prefill = 1000;
  s.duration = std::chrono::milliseconds(50);
  ThreadGroup updater, iterator;
  updater.role = Role::kUpdater;
  iterator.role = Role::kIterator;
  s.threads = {updater, iterator};
  return s;
}

// The worker counts progress once per pass of its loop: the total still equals the ops run,
// with batches, iterations in the mix, every op fenced, and noise at op boundaries.
TEST_F(EngineTest, ProgressCountsEveryOp) {
  Scenario s;
  s.name = "progress-ops";
  s.keys.count = 500;
  s.keys.prefill = 250;
  ThreadGroup g;
  g.role = Role::kMixed;
  g.count = 2;
  g.ops = 10007;  // not a multiple of the 64 the counter steps by
  g.mix = OpMix{.store = 30, .update = 10, .erase = 10, .load = 49, .iterate = 1};
  s.threads = {g};
  for (auto [window, noise] : {std::pair{2000, NoiseMode::kOff}, {0, NoiseMode::kOff}, {2000, NoiseMode::kHeavy}}) {
    RunSettings settings;
    settings.fence_window = Nanos{window};
    settings.noise = noise;
    LiveProgress live;
    settings.progress = &live;
    History h = RunTrial(s, *registry_.Find("locked"), settings, 0);
    EXPECT_EQ(h.ops.size(), 2u * 10007) << window;
    EXPECT_EQ(live.ops.load(), h.ops.size()) << window << " " << NoiseModeName(noise);
  }
}

// The progress line's anomaly count leaves out ACCEPTABLE kinds ("103 anomalies" in a passing run).
TEST_F(EngineTest, ProgressCountsOnlyInterestingAndForbiddenAnomalies) {
  Scenario s = ProgressScenario();
  for (Grade grade : {Grade::kAcceptable, Grade::kInteresting}) {
    RunSettings settings;
    settings.trials = 1;
    settings.expect["duplicate"] = grade;
    LiveProgress live;
    settings.progress = &live;
    CaseReport r = RunCase(s, *registry_.Find("faulty-double-visit"), settings, clock_);
    ASSERT_GT(r.check.Count(Anomaly::kDuplicate), 0u)
        << "the faulty backend must show its bug: " << r.check.iterations << " iterations, " << r.message;
    uint64_t worth_a_look = 0;
    for (int k = 0; k < kAnomalyCount; ++k) {
      if (r.grading.anomaly[k] != Grade::kAcceptable) worth_a_look += r.check.anomalies[k];
    }
    EXPECT_EQ(live.anomalies.load(), worth_a_look) << GradeName(grade);
    if (grade == Grade::kAcceptable) {
      EXPECT_LT(live.anomalies.load(), r.check.Count(Anomaly::kDuplicate));
    }
  }
}

// Isolated cases (plugins always are) run in a forked child: its ops and anomalies reach the
// parent's progress line through the shared counters; a plain LiveProgress sees none of them
// (the "0 ops/s" of isolated and plugin cases before).
TEST_F(EngineTest, IsolatedCasesCountIntoTheParentsProgress) {
  Scenario s = ProgressScenario();
  RunSettings settings;
  settings.trials = 1;
  settings.isolate = true;
  SharedLiveProgress shared;
  ASSERT_TRUE(shared.shared());
  settings.progress = shared.get();
  CaseReport r = RunCase(s, *registry_.Find("faulty-double-visit"), settings, clock_);
  ASSERT_TRUE(r.isolated);
  ASSERT_GT(r.check.Count(Anomaly::kDuplicate), 0u) << r.message;
  uint64_t ops = 0;
  for (const OpStats& k : r.ops) ops += k.count;
  EXPECT_EQ(shared.get()->ops.load(), ops);
  uint64_t worth_a_look = 0;
  for (int k = 0; k < kAnomalyCount; ++k) {
    if (r.grading.anomaly[k] != Grade::kAcceptable) worth_a_look += r.check.anomalies[k];
  }
  EXPECT_GT(worth_a_look, 0u);
  EXPECT_EQ(shared.get()->anomalies.load(), worth_a_look);

  LiveProgress plain;  // the parent's own memory: the child's counts never arrive
  settings.progress = &plain;
  r = RunCase(s, *registry_.Find("faulty-double-visit"), settings, clock_);
  ASSERT_TRUE(r.isolated);
  EXPECT_EQ(plain.ops.load(), 0u);
}

TEST_F(EngineTest, StoreValuesAreUniqueAndLoadsReturnWrittenValues) {
  Scenario s = SmallScenario();
  History h = RunTrial(s, *registry_.Find("locked"), RunSettings{}, 3);
  std::map<uint64_t, uint64_t> writer_of;  // value -> key
  for (const auto& e : h.initial) writer_of[e.value] = e.key;
  for (const Op& op : h.ops) {
    if (op.kind != OpKind::kStore) continue;
    EXPECT_TRUE(writer_of.emplace(op.value, op.key).second) << "value written twice";
    EXPECT_NE(op.value, 0u);
  }
  for (const Op& op : h.ops) {
    if (op.kind == OpKind::kLoad && op.found) {
      ASSERT_TRUE(writer_of.count(op.value));
      EXPECT_EQ(writer_of[op.value], op.key);
    }
  }
  for (const Entry& e : h.entries) {
    ASSERT_TRUE(writer_of.count(e.value));
    EXPECT_EQ(writer_of[e.value], e.key);
  }
}

TEST_F(EngineTest, SameSeedGivesSameOpSequencePerThread) {
  Scenario s = SmallScenario();
  for (auto& g : s.threads) g.ops = 500;  // op-bounded: sequences comparable in full
  s.duration.reset();
  auto sequence = [&](uint64_t seed) {
    RunSettings settings;
    settings.seed = seed;
    History h = RunTrial(s, *registry_.Find("locked"), settings, 0);
    std::map<uint32_t, std::vector<std::pair<int, uint64_t>>> per_thread;
    for (const Op& op : h.ops) per_thread[op.thread].push_back({static_cast<int>(op.kind), op.key});
    return per_thread;
  };
  auto a = sequence(11), b = sequence(11), c = sequence(12);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(a[0].size(), 500u);
}

TEST_F(EngineTest, HistoryCapEndsTheTrialEarlyAndSaysSo) {
  Scenario s = SmallScenario();
  s.duration = std::chrono::seconds(5);
  RunSettings settings;
  settings.max_history_bytes = 64 * 1024;
  auto start = std::chrono::steady_clock::now();
  History h = RunTrial(s, *registry_.Find("locked"), settings, 0);
  EXPECT_TRUE(h.truncated);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  // Every recorded iteration is complete: entries fit inside the history.
  for (const Op& op : h.ops) {
    if (op.kind == OpKind::kIterate) {
      EXPECT_LE(op.first_entry + op.entry_count, h.entries.size());
    }
  }
}

TEST_F(EngineTest, TogglerKeepsOneOfItsPairPresent) {
  Scenario s;
  s.name = "toggle";
  s.keys.count = 4;
  s.seed = 1;
  ThreadGroup toggler;
  toggler.role = Role::kToggler;
  toggler.count = 2;
  toggler.ops = 400;
  s.threads = {toggler};
  History h = RunTrial(s, *registry_.Find("locked"), RunSettings{}, 0);
  std::map<uint32_t, std::vector<std::pair<int, uint64_t>>> per_thread;
  for (const Op& op : h.ops) per_thread[op.thread].push_back({static_cast<int>(op.kind), op.key});
  ASSERT_EQ(per_thread.size(), 2u);
  EXPECT_EQ(per_thread[1][0], (std::pair<int, uint64_t>{static_cast<int>(OpKind::kStore), 3}));
  EXPECT_EQ(per_thread[1][1], (std::pair<int, uint64_t>{static_cast<int>(OpKind::kErase), 2}));
}

TEST(Workload, DistributionsStayInRangeAndZipfIsSkewed) {
  KeySpec spec;
  spec.count = 1000;
  spec.distribution = Distribution::kZipf;
  spec.theta = 0.99;
  KeyPicker zipf(spec, 100, 1100, KeyOrder::kRandom, 0, 1);
  Rng rng(5);
  std::map<uint64_t, int> hits;
  for (int i = 0; i < 100000; ++i) {
    uint64_t k = zipf.Next(rng);
    ASSERT_GE(k, 100u);
    ASSERT_LT(k, 1100u);
    ++hits[k];
  }
  int top = 0;
  for (auto& [k, n] : hits) top = std::max(top, n);
  EXPECT_GT(top, 100000 / 20);  // the hottest key takes far more than 1/1000

  spec.distribution = Distribution::kHotset;
  spec.hot_fraction = 0.01;
  spec.hot_probability = 0.9;
  KeyPicker hot(spec, 0, 1000, KeyOrder::kRandom, 0, 1);
  std::map<uint64_t, int> hot_hits;
  for (int i = 0; i < 100000; ++i) ++hot_hits[hot.Next(rng)];
  std::vector<int> counts;
  for (auto& [k, n] : hot_hits) counts.push_back(n);
  std::sort(counts.rbegin(), counts.rend());
  int top10 = 0;
  for (int i = 0; i < 10; ++i) top10 += counts[i];
  EXPECT_GT(top10, 85000);

  KeyPicker seq(spec, 10, 20, KeyOrder::kSequential, 1, 3);
  EXPECT_EQ(seq.Next(rng), 11u);
  EXPECT_EQ(seq.Next(rng), 14u);
  EXPECT_EQ(seq.Next(rng), 17u);
}

TEST(Workload, ValuesEncodeTrialAndWriterAndAvoidSentinels) {
  EXPECT_NE(EncodeValue(0, 1, 1), EncodeValue(1, 1, 1));
  EXPECT_NE(EncodeValue(0, 1, 1), EncodeValue(0, 2, 1));
  EXPECT_NE(PrefillValue(0, 5), EncodeValue(0, 1, 6));
  EXPECT_NE(EncodeValue(4094, 1024, (uint64_t{1} << 41) - 1), UINT64_MAX);
  EXPECT_NE(PrefillValue(0, 0), 0u);
}

TEST(Clock, SelfCheckMeasuresAndTrustsThisMachine) {
  ClockCheck check = InitClock();
  EXPECT_GT(check.resolution_ns, 0);
  EXPECT_GT(check.cross_core_samples, 0u);
  EXPECT_EQ(check.cross_core_violations, 0u) << check.note;
  EXPECT_TRUE(check.trusted) << check.note;
  uint64_t a = ReadCallTicks(), b = ReadReturnTicks();
  EXPECT_LE(a, b);
}

TEST(Clock, MonotonicFallbackWorksToo) {
  ClockSource before = CurrentClockSource();
  UseClockSource(ClockSource::kMonotonic);
  ClockCheck check = SelfCheckClock(2000);
  EXPECT_EQ(check.source, "clock_gettime(CLOCK_MONOTONIC)");
  EXPECT_EQ(check.cross_core_violations, 0u);
  UseClockSource(before);
}

}  // namespace
}  // namespace mapstress
