// The history recorded up to a crash: which of the raw logs a crash dump holds can be trusted,
// where the cut goes so that no op in flight at the crash can make the checker report an
// anomaly, and a real crash of faulty-crash saved through --save-history's hook.
#include "engine/crash_history.h"

#include <gtest/gtest.h>

#include <limits>

#include "backend/backend_registry.h"
#include "check/checker.h"
#include "engine/clock.h"
#include "engine/engine.h"
#include "engine/workload.h"

namespace mapstress {
namespace {

using namespace std::chrono_literals;

std::vector<LogRecord> Records(const ThreadLog& log) { return {log.begin(), log.end()}; }

CrashLog Unfinished(uint32_t thread, const ThreadLog& log, uint64_t op_limit) {
  return CrashLog{thread, false, op_limit, Records(log)};
}

History Header() {
  History h;
  h.scenario = "s";
  h.backend = "b";
  h.guarantee = Guarantee::kSnapshot;
  h.thread_names = {"writer-1", "iterator-1"};
  return h;
}

uint64_t Count(const History& h, OpKind kind) {
  uint64_t n = 0;
  for (const Op& op : h.ops) n += op.kind == kind;
  return n;
}

// Writer: store(1, A) [10, 20], then store(1, B) [25, 35]; the crash came before the second
// store's ring entry could be trusted (op_limit 1). The iterator saw B in [30, 50] and started
// another iteration. Without the cut the checker would call B a value nobody stored.
TEST(CrashHistoryTest, ReadsThatMayHaveSeenAnUnrecordedWriteAreCut) {
  const uint64_t a = EncodeValue(0, 1, 1), b = EncodeValue(0, 1, 2);
  ThreadLog writer(16), iterator(16);
  writer.Point(kRecStore, 1, a, false, 10, 20);
  writer.Point(kRecStore, 1, b, false, 25, 35);
  LogRecord* it = iterator.BeginIteration(30);
  iterator.Entry(1, b);
  iterator.EndIteration(it, 50, true);
  it = iterator.BeginIteration(55);
  iterator.Entry(1, b);
  iterator.EndIteration(it, 70, true);

  History naive = Header();
  naive.truncated = true;
  AppendThreadLog(writer, 0, 1.0, &naive);
  naive.ops.pop_back();  // what a dump without the cut would hold: the second store unrecorded
  AppendThreadLog(iterator, 1, 1.0, &naive);
  EXPECT_GT(Check(naive).anomalies[static_cast<int>(Anomaly::kUnknownValue)], 0u)
      << "the scenario must show what the cut prevents";

  History h = HistoryUpToCrash(Header(), {Unfinished(0, writer, 1), Unfinished(1, iterator, 2)}, 1.0);
  EXPECT_TRUE(h.truncated);
  EXPECT_EQ(Count(h, OpKind::kStore), 1u);    // the store that began before T = 20
  EXPECT_EQ(Count(h, OpKind::kIterate), 0u);  // both iterations returned after T
  CheckResult r = Check(h);
  for (int k = 0; k < kAnomalyCount; ++k) EXPECT_EQ(r.anomalies[k], 0u) << AnomalyName(Anomaly(k));
}

// Reads that returned before T stay, and a write that began before T stays whatever its return.
TEST(CrashHistoryTest, KeepsWritesBegunAndReadsReturnedBeforeTheCut) {
  const uint64_t a = EncodeValue(0, 1, 1);
  ThreadLog writer(16), iterator(16);
  writer.Point(kRecStore, 1, a, false, 10, 60);  // slow: returns after T
  writer.Point(kRecStore, 2, a + 1, false, 60, 70);
  writer.Point(kRecStore, 3, a + 2, false, 70, 80);
  LogRecord* it = iterator.BeginIteration(5);
  iterator.EndIteration(it, 8, true);  // before the store: sees nothing
  it = iterator.BeginIteration(9);
  iterator.EndIteration(it, 40, true);  // overlaps the slow store: may miss it
  it = iterator.BeginIteration(41);
  iterator.EndIteration(it, 45, true);  // T = 45 (the iterator's last kept op)
  History h = HistoryUpToCrash(Header(), {Unfinished(0, writer, 3), Unfinished(1, iterator, 3)}, 1.0);
  EXPECT_EQ(Count(h, OpKind::kStore), 1u);  // began at 10 < 45; the others began later
  EXPECT_EQ(Count(h, OpKind::kIterate), 2u);
  EXPECT_EQ(Check(h).anomalies[static_cast<int>(Anomaly::kMissing)], 0u);
  for (const Op& op : h.ops) {  // the slow store was still running at T: it ends after everything
    if (op.kind == OpKind::kStore) {
      EXPECT_EQ(op.ret, std::numeric_limits<int64_t>::max());
    }
  }
}

// An erase still running at the cut may have removed a value stored by an op that began after
// the cut (not kept): its "removed" must not be judged. One that returned before the cut is.
TEST(CrashHistoryTest, EraseResultsStillRunningAtTheCutAreNotJudged) {
  const uint64_t a = EncodeValue(0, 1, 1);
  ThreadLog eraser(16), writer(16);
  eraser.Point(kRecErase, 5, 0, true, 10, 60);   // removes the value stored at [50, 55]
  eraser.Point(kRecErase, 6, 0, true, 61, 62);   // after T: not kept
  writer.Point(kRecErase, 7, 0, true, 20, 30);   // key 7 never stored: wrong, and before T
  writer.Point(kRecStore, 9, a, false, 35, 45);  // T = 45
  writer.Point(kRecStore, 5, a + 1, false, 50, 55);
  History h = HistoryUpToCrash(Header(), {Unfinished(0, eraser, 2), Unfinished(1, writer, 2)}, 1.0);
  EXPECT_EQ(Count(h, OpKind::kErase), 2u);
  CheckResult r = Check(h);
  EXPECT_EQ(r.Count(Anomaly::kStaleRead), 1u);  // key 7's only
  ASSERT_EQ(r.examples.size(), 1u);
  EXPECT_EQ(r.examples[0].key, 7u);
}

// Only ops within op_limit count, and a fence batch still open at the limit is dropped (its ops
// have no return yet); a finished worker keeps all its ops and does not move the cut.
TEST(CrashHistoryTest, TrustsOnlyClosedBatchesAndFinishedWorkersDoNotMoveTheCut) {
  const uint64_t v = EncodeValue(0, 1, 1);
  ThreadLog batch(16);
  batch.PendingPoint(kRecStore, 1, v, false, 10, 1);
  batch.PendingPoint(kRecStore, 2, v + 1, false, 10, 1);
  batch.Point(kRecStore, 3, v + 2, false, 10, 30);  // closes the batch: the three return at 30
  batch.PendingPoint(kRecStore, 4, v + 3, false, 30, 1);
  batch.PendingPoint(kRecStore, 5, v + 4, false, 30, 1);  // open: no return recorded
  ThreadLog reader(16);
  reader.Point(kRecLoad, 1, 0, false, 0, 1000);
  ThreadLog done(16);
  done.Point(kRecStore, 7, v + 5, false, 1, 5);  // finished at 5: as a cut it would drop the batch

  History h = HistoryUpToCrash(
      Header(), {Unfinished(0, batch, 5), Unfinished(1, reader, 1), CrashLog{2, true, 1, Records(done)}}, 1.0);
  // T = min(30, 1000) = 30: the batch's three closed stores (begun at 10) and the finished
  // worker's store are kept; the load returned at 1000 is not.
  EXPECT_EQ(Count(h, OpKind::kStore), 4u);
  EXPECT_EQ(Count(h, OpKind::kLoad), 0u);
  for (const Op& op : h.ops) EXPECT_TRUE(op.key <= 3 || op.key == 7) << "key " << op.key;
}

class CrashHistoryCaseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { clock_ = InitClock(); }

  // Two writers (20 us think) and an iterator (`iterator_think`) on 100 keys, run on `backend`;
  // returns the outcome, and the saved histories in `saved`.
  Outcome RunAndSave(const char* backend, Nanos duration, Nanos iterator_think, Nanos hang_grace,
                     std::vector<History>* saved) {
    Scenario s;
    s.name = backend;
    s.keys.count = 100;
    s.duration = duration;
    ThreadGroup w;
    w.role = Role::kWriter;
    w.count = 2;
    w.think = 20us;
    ThreadGroup it;
    it.role = Role::kIterator;
    it.think = iterator_think;
    s.threads = {w, it};
    RunSettings settings;
    settings.hang_grace = hang_grace;
    settings.on_history = [&](const History& h) { saved->push_back(h); };
    return RunCase(s, *registry_.Find(backend), settings, clock_).outcome;
  }

  // Truncated, from trial 0 of `backend` with its grading, most of the 2000 stores the map
  // allowed, iterations too, and clean.
  static void ExpectCleanUpTo2000Stores(const History& h, const char* backend) {
    EXPECT_TRUE(h.truncated);
    EXPECT_EQ(h.backend, backend);
    EXPECT_EQ(h.trial, 0u);
    EXPECT_FALSE(h.grading.empty());
    EXPECT_GT(Count(h, OpKind::kStore), 1000u);
    EXPECT_LE(Count(h, OpKind::kStore), 2000u);
    EXPECT_GT(Count(h, OpKind::kIterate), 0u);
    CheckResult check = Check(h);
    for (int k = 0; k < kAnomalyCount; ++k) EXPECT_EQ(check.anomalies[k], 0u) << AnomalyName(Anomaly(k));
  }

  static ClockCheck clock_;
  BackendRegistry registry_ = BackendRegistry::BuiltIn();
};
ClockCheck CrashHistoryCaseTest::clock_;

// faulty-crash is a correct locked map until its 2000th store raises SIGSEGV: the history up to
// the crash is handed to --save-history's hook, truncated, with ops of every thread, and clean.
TEST_F(CrashHistoryCaseTest, ACrashedCaseHandsOverItsHistoryUpToTheCrash) {
#if defined(__SANITIZE_THREAD__)
  // TSan runs signal handlers at its own safe points: the child's crash handler, which writes
  // every worker's log, does not finish within the hang grace there (the case reads `hung`).
  GTEST_SKIP() << "the crash handler's log dump is not run under ThreadSanitizer";
#endif
  std::vector<History> saved;
  // The crash ends the trial long before its 5 s.
  ASSERT_EQ(RunAndSave("faulty-crash", 5s, Nanos{0}, RunSettings{}.hang_grace, &saved), Outcome::kCrashed);
  ASSERT_EQ(saved.size(), 1u);
  const History& h = saved[0];
  ExpectCleanUpTo2000Stores(h, "faulty-crash");
  EXPECT_LT(Count(h, OpKind::kStore), 2000u);  // the 2000th crashed
}

// faulty-hang is a correct locked map until every op after its 2000th blocks: the case is killed
// as hung, and the history up to the kill (the stack signal's dump) is handed over the same way.
TEST_F(CrashHistoryCaseTest, AHungCaseHandsOverItsHistoryUpToTheKill) {
#if defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the stack handler's log dump is not run under ThreadSanitizer";
#endif
  // The map counts iterations among its 2000 ops: with the iterator slowed, most are stores.
  std::vector<History> saved;
  ASSERT_EQ(RunAndSave("faulty-hang", 2s, 200us, 200ms, &saved), Outcome::kHung);  // hangs after ~20 ms
  ASSERT_EQ(saved.size(), 1u);
  ExpectCleanUpTo2000Stores(saved[0], "faulty-hang");
}

}  // namespace
}  // namespace mapstress
