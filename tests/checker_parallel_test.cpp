// Parallel checking: the result (verdicts, counts, tallies, examples) is the same whatever the
// thread count, on random mostly-wrong histories and on histories of the faulty backends.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "backend/backend_registry.h"
#include "check/checker.h"
#include "checker_test_support.h"
#include "engine/clock.h"
#include "engine/engine.h"

namespace mapstress {
namespace {

using namespace std::chrono_literals;

// Small chunks, so that a history of a few hundred ops is checked in many chunks.
CheckResult CheckWith(const History& h, size_t threads, uint64_t chunk, size_t examples) {
  CheckOptions options;
  options.threads = threads;
  options.chunk_events = chunk;
  options.max_examples = examples;
  return Check(h, options);
}

TEST(CheckerParallelTest, RandomHistoriesGiveTheSameResultOnAnyThreadCount) {
  uint64_t anomalies = 0, chunks_seen = 0;
  for (uint32_t seed = 1; seed <= 300; ++seed) {
    History h = CounterHistory(seed, seed % 3 == 0, 40, 400);
    const uint64_t chunk = 1 + seed % 64;
    const size_t examples = seed % 5;
    CheckResult one = CheckWith(h, 1, chunk, examples);
    for (size_t threads : {2, 3, 8}) {
      ExpectSameResult(one, CheckWith(h, threads, chunk, examples),
                       "seed " + std::to_string(seed) + ", threads " + std::to_string(threads));
      if (HasFatalFailure()) return;
    }
    // Counts and verdicts do not depend on the chunks either.
    CheckResult whole = CheckWith(h, 1, uint64_t{1} << 40, examples);
    EXPECT_EQ(one.anomalies, whole.anomalies) << seed;
    EXPECT_EQ(one.snapshot, whole.snapshot) << seed;
    EXPECT_EQ(one.weak, whole.weak) << seed;
    EXPECT_EQ(one.key_wrong, whole.key_wrong) << seed;
    for (uint64_t n : one.anomalies) anomalies += n;
    chunks_seen += h.ops.size() / chunk;
  }
  EXPECT_GT(anomalies, 1000u);
  EXPECT_GT(chunks_seen, 3000u);
}

// Histories of the faulty backends (and a correct one), recorded by the engine, checked on 1
// and on several threads: the same result, and each fault is still caught.
TEST(CheckerParallelTest, FaultyBackendHistoriesGiveTheSameResultOnAnyThreadCount) {
  ClockCheck clock = InitClock();
  BackendRegistry registry = BackendRegistry::BuiltIn();
  struct Case {
    const char* backend;
    Anomaly kind;  // expected; kNotSnapshot for the correct backend: none expected
  };
  for (Case c : {Case{"faulty-skip-on-resize", Anomaly::kMissing}, Case{"faulty-lingering-erase", Anomaly::kPhantom},
                 Case{"faulty-old-version", Anomaly::kStaleValue}, Case{"faulty-double-visit", Anomaly::kDuplicate},
                 Case{"faulty-torn-value", Anomaly::kUnknownValue}, Case{"locked", Anomaly::kNotSnapshot}}) {
    Scenario s;
    s.name = "parallel";
    s.keys.count = 2000;
    s.keys.prefill = 1000;
    s.duration = 40ms;
    s.trials = 1;
    s.seed = 3;
    auto group = [](Role role, Nanos think = Nanos{0}) {
      ThreadGroup g;
      g.role = role;
      g.count = 1;
      g.think = think;
      return g;
    };
    ThreadGroup w = group(Role::kUpdater), d = group(Role::kDeleter, 5us), it = group(Role::kIterator),
                r = group(Role::kReader);
    s.threads = {w, d, it, r};
    if (std::string(c.backend) == "faulty-skip-on-resize") {  // as in FaultyCaught
      ThreadGroup grow;
      grow.role = Role::kWriter;
      grow.count = 2;
      grow.order = KeyOrder::kSequential;
      grow.key_lo = 200;
      s.keys.count = 20000;
      s.keys.prefill = 200;
      s.duration = 100ms;
      s.threads = {grow, it, r};
    }
    const BackendInfo* info = registry.Find(c.backend);
    ASSERT_NE(info, nullptr) << c.backend;
    uint64_t caught = 0;
    // Up to 3 trials, until the fault shows (a race: one trial may miss it).
    for (uint32_t trial = 0; trial < 3 && (caught == 0 || c.kind == Anomaly::kNotSnapshot); ++trial) {
      History h = RunTrial(s, *info, RunSettings{}, trial);
      for (uint64_t chunk : {uint64_t{1} << 18, uint64_t{5000}}) {
        CheckResult one = CheckWith(h, 1, chunk, 3);
        if (c.kind == Anomaly::kNotSnapshot) {
          EXPECT_EQ(one.anomalous, 0u) << c.backend;
          EXPECT_EQ(one.snapshot, one.iterations) << c.backend;
        }
        caught += one.Count(c.kind);
        for (size_t threads : {2, 4}) {
          ExpectSameResult(
              one, CheckWith(h, threads, chunk, 3),
              std::string(c.backend) + ", chunk " + std::to_string(chunk) + ", threads " + std::to_string(threads));
        }
      }
    }
    if (c.kind != Anomaly::kNotSnapshot) {
      EXPECT_GT(caught, 0u) << c.backend;
    }
  }
}

}  // namespace
}  // namespace mapstress
