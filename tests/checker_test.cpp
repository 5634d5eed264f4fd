// Hand-built histories for every rule of the checker (src/check/README.md).
#include "check/checker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>

namespace mapstress {
namespace {

// Builds histories op by op; times are plain nanoseconds.
class Builder {
 public:
  Builder() { h_.thread_names = {"writer-1", "writer-2", "iterator-1", "reader-1"}; }

  Builder& Prefill(uint64_t key, uint64_t value) {
    h_.initial.push_back(Entry{key, value});
    return *this;
  }
  Builder& Store(int64_t c, int64_t r, uint64_t key, uint64_t value, uint32_t thread = 0) {
    Op op = Base(c, r, thread, OpKind::kStore);
    op.key = key;
    op.value = value;
    h_.ops.push_back(op);
    return *this;
  }
  Builder& Erase(int64_t c, int64_t r, uint64_t key, bool removed = true, uint32_t thread = 1) {
    Op op = Base(c, r, thread, OpKind::kErase);
    op.key = key;
    op.found = removed;
    h_.ops.push_back(op);
    return *this;
  }
  Builder& Load(int64_t c, int64_t r, uint64_t key, bool found, uint64_t value = 0) {
    Op op = Base(c, r, 3, OpKind::kLoad);
    op.key = key;
    op.found = found;
    op.value = value;
    h_.ops.push_back(op);
    return *this;
  }
  Builder& Iterate(int64_t c, int64_t r, std::vector<Entry> entries) {
    Op op = Base(c, r, 2, OpKind::kIterate);
    op.first_entry = h_.entries.size();
    op.entry_count = static_cast<uint32_t>(entries.size());
    h_.entries.insert(h_.entries.end(), entries.begin(), entries.end());
    h_.ops.push_back(op);
    return *this;
  }
  const History& history() const { return h_; }
  History& mutable_history() { return h_; }
  CheckResult Check(size_t max_examples = 3) const {
    CheckOptions options;
    options.max_examples = max_examples;
    return mapstress::Check(h_, options);
  }

 private:
  static Op Base(int64_t c, int64_t r, uint32_t thread, OpKind kind) {
    Op op;
    op.call = c;
    op.ret = r;
    op.thread = thread;
    op.kind = kind;
    return op;
  }
  History h_;
};

// Count of all anomalies except `except`.
uint64_t OthersThan(const CheckResult& r, Anomaly except) {
  uint64_t n = 0;
  for (int i = 0; i < kAnomalyCount; ++i) {
    if (static_cast<Anomaly>(i) != except) n += r.anomalies[i];
  }
  return n;
}

uint64_t Total(const CheckResult& r) { return OthersThan(r, Anomaly::kNotSnapshot) + r.Count(Anomaly::kNotSnapshot); }

const Example* FindExample(const CheckResult& r, Anomaly kind) {
  for (const Example& e : r.examples) {
    if (e.kind == kind) return &e;
  }
  return nullptr;
}

TEST(CheckerTest, EmptyHistoryHasNothing) {
  CheckResult r = Builder().Check();
  EXPECT_EQ(r.iterations, 0u);
  EXPECT_EQ(r.loads, 0u);
  EXPECT_EQ(r.events, 0u);
  EXPECT_EQ(Total(r), 0u);
}

TEST(CheckerTest, EmptyIterationOfEmptyMapIsSnapshot) {
  CheckResult r = Builder().Iterate(10, 20, {}).Check();
  EXPECT_EQ(r.iterations, 1u);
  EXPECT_EQ(r.snapshot, 1u);
  EXPECT_EQ(r.events, 1u);
  EXPECT_EQ(r.key_total, 0u);
}

TEST(CheckerTest, VisitedStoredValueIsSnapshot) {
  CheckResult r = Builder().Store(10, 20, 7, 100).Iterate(30, 40, {{7, 100}}).Check();
  EXPECT_EQ(r.snapshot, 1u);
  EXPECT_EQ(Total(r), 0u);
  EXPECT_EQ(r.key_total, 1u);
  EXPECT_EQ(r.key_wrong, 0u);
  EXPECT_EQ(r.events, 3u);  // two ops + one entry
}

TEST(CheckerTest, MustSeeKeyNotVisitedIsMissing) {
  CheckResult r = Builder().Store(10, 20, 7, 100).Iterate(30, 40, {}).Check();
  EXPECT_EQ(r.Count(Anomaly::kMissing), 1u);
  EXPECT_EQ(r.anomalous, 1u);
  EXPECT_EQ(r.key_total, 1u);
  EXPECT_EQ(r.key_wrong, 1u);
}

TEST(CheckerTest, StoreConcurrentWithIterationMayBeSeenOrNot) {
  // The store overlaps the window: absent and present are both possible.
  EXPECT_EQ(Total(Builder().Store(35, 50, 7, 100).Iterate(30, 40, {}).Check()), 0u);
  EXPECT_EQ(Total(Builder().Store(35, 50, 7, 100).Iterate(30, 40, {{7, 100}}).Check()), 0u);
  EXPECT_EQ(Total(Builder().Store(10, 35, 7, 100).Iterate(30, 40, {}).Check()), 0u);
}

TEST(CheckerTest, WriteCalledAtIterationReturnCounts) {
  // c(w) == R: possible at R.
  CheckResult r = Builder().Store(40, 50, 7, 100).Iterate(30, 40, {{7, 100}}).Check();
  EXPECT_EQ(Total(r), 0u);
  // One nanosecond later it is not: the key is must-not-see.
  r = Builder().Store(41, 50, 7, 100).Iterate(30, 40, {{7, 100}}).Check();
  EXPECT_EQ(r.Count(Anomaly::kPhantom), 1u);
  EXPECT_EQ(OthersThan(r, Anomaly::kPhantom), 0u);
  // Erase returning exactly at C: absence still possible at C, so not must-see.
  r = Builder().Store(10, 20, 7, 100).Erase(25, 30, 7).Iterate(30, 40, {}).Check();
  EXPECT_EQ(Total(r), 0u);
}

TEST(CheckerTest, WriteReturningWhenNextIsCalledDoesNotSupersede) {
  // r(v1) == c(v2): v2 does not supersede v1, so v1 is still possible.
  CheckResult r = Builder().Store(10, 20, 7, 1).Store(20, 25, 7, 2).Iterate(30, 40, {{7, 1}}).Check();
  EXPECT_EQ(Total(r), 0u);
  // c(v2) > r(v1) and r(v2) < C: v1 is superseded -> stale value (key still present).
  r = Builder().Store(10, 20, 7, 1).Store(21, 25, 7, 2).Iterate(30, 40, {{7, 1}}).Check();
  EXPECT_EQ(r.Count(Anomaly::kStaleValue), 1u);
  EXPECT_EQ(OthersThan(r, Anomaly::kStaleValue), 0u);
  // Superseder returning exactly at C: v1 still possible at C.
  r = Builder().Store(10, 20, 7, 1).Store(21, 30, 7, 2).Iterate(30, 40, {{7, 1}}).Check();
  EXPECT_EQ(Total(r), 0u);
}

TEST(CheckerTest, ConcurrentWritesEitherMayWin) {
  Builder b;
  b.Store(10, 30, 7, 1).Store(15, 25, 7, 2, 1);
  b.Iterate(40, 50, {{7, 1}}).Iterate(60, 70, {{7, 2}});
  CheckResult r = b.Check();
  EXPECT_EQ(Total(r), 0u);
  EXPECT_EQ(r.snapshot, 2u);
}

TEST(CheckerTest, ValueStoredAfterIterationIsStaleWhenKeyPresent) {
  // Key present (v1) throughout; v2 stored after the window: visiting v2 is stale_value.
  CheckResult r = Builder().Store(10, 20, 7, 1).Store(50, 60, 7, 2).Iterate(30, 40, {{7, 2}}).Check();
  EXPECT_EQ(r.Count(Anomaly::kStaleValue), 1u);
  EXPECT_EQ(r.key_wrong, 1u);
  ASSERT_NE(FindExample(r, Anomaly::kStaleValue), nullptr);
  EXPECT_NE(FindExample(r, Anomaly::kStaleValue)->explanation.find("called after"), std::string::npos);
}

TEST(CheckerTest, EraseThenStoreInsideWindow) {
  Builder b;
  b.Prefill(7, 1).Erase(35, 36, 7).Store(37, 38, 7, 2);
  b.Iterate(30, 40, {{7, 1}}).Iterate(30, 40, {{7, 2}}).Iterate(30, 40, {});
  CheckResult r = b.Check();
  EXPECT_EQ(Total(r), 0u);
  EXPECT_EQ(r.snapshot, 3u);
  // After the store returned, the key must be seen again, with the new value.
  CheckResult after = Builder().Prefill(7, 1).Erase(35, 36, 7).Store(37, 38, 7, 2).Iterate(50, 60, {{7, 1}}).Check();
  EXPECT_EQ(after.Count(Anomaly::kStaleValue), 1u);
  EXPECT_EQ(after.Count(Anomaly::kMissing), 0u);  // visited, though with a stale value
}

TEST(CheckerTest, PrefilledKeys) {
  Builder b;
  b.Prefill(7, 1).Prefill(8, 2);
  b.Iterate(10, 20, {{7, 1}, {8, 2}}).Iterate(30, 40, {{7, 1}});
  CheckResult r = b.Check();
  EXPECT_EQ(r.snapshot, 1u);
  EXPECT_EQ(r.Count(Anomaly::kMissing), 1u);
  EXPECT_EQ(r.key_total, 4u);  // 3 entries + 1 owed
  EXPECT_EQ(r.key_wrong, 1u);
}

TEST(CheckerTest, NeverWrittenKeyIsUnknownValue) {
  CheckResult r = Builder().Prefill(7, 1).Iterate(10, 20, {{7, 1}, {99, 5}}).Check();
  EXPECT_EQ(r.Count(Anomaly::kUnknownValue), 1u);
  EXPECT_EQ(OthersThan(r, Anomaly::kUnknownValue), 0u);
  EXPECT_EQ(r.anomalous, 1u);
}

TEST(CheckerTest, ValueOfAnotherKeyIsUnknownValue) {
  Builder b;
  b.Store(10, 20, 7, 100).Store(10, 20, 8, 200);
  b.Iterate(30, 40, {{7, 200}, {8, 200}});
  CheckResult r = b.Check();
  EXPECT_EQ(r.Count(Anomaly::kUnknownValue), 1u);
  EXPECT_EQ(r.Count(Anomaly::kMissing), 0u);  // key 7 was visited, just wrongly
  const Example* ex = FindExample(r, Anomaly::kUnknownValue);
  ASSERT_NE(ex, nullptr);
  EXPECT_NE(ex->explanation.find("written to key 8"), std::string::npos) << ex->explanation;
}

TEST(CheckerTest, FailedEraseIsStillAWrite) {
  // A failed erase makes "absent" possible from its call: not missing if unvisited (its own
  // result, nothing removed after the store returned, is a stale_read).
  CheckResult r = Builder().Store(10, 20, 7, 1).Erase(25, 26, 7, false).Iterate(30, 40, {}).Check();
  EXPECT_EQ(r.Count(Anomaly::kStaleRead), 1u);
  EXPECT_EQ(OthersThan(r, Anomaly::kStaleRead), 0u);
  // ... and it supersedes the store: visiting the store's value is a phantom.
  r = Builder().Store(10, 20, 7, 1).Erase(25, 26, 7, false).Iterate(30, 40, {{7, 1}}).Check();
  EXPECT_EQ(r.Count(Anomaly::kPhantom), 1u);
  EXPECT_EQ(r.Count(Anomaly::kStaleRead), 1u);
  EXPECT_EQ(Total(r), 2u);
}

// An erase's result is a point read of presence, judged like a load, each erase on its own.
// An erase that never returned (a crash cut it: src/engine/crash_history.cpp) has no result to judge.
TEST(CheckerTest, EraseWithoutAReturnIsNotJudged) {
  const int64_t kEnd = std::numeric_limits<int64_t>::max();
  CheckResult r = Builder().Erase(10, kEnd, 7, true).Erase(10, 40, 8, true).Check();
  EXPECT_EQ(r.Count(Anomaly::kStaleRead), 1u);  // key 8's, never stored
  EXPECT_EQ(r.erases, 1u);                      // erase results checked
}

TEST(CheckerTest, EraseResultMustBeExplainable) {
  // Right: removed after a completed store; nothing removed from a key never stored.
  EXPECT_EQ(Total(Builder().Store(10, 20, 7, 1).Erase(25, 26, 7, true).Check()), 0u);
  EXPECT_EQ(Total(Builder().Erase(25, 26, 7, false).Check()), 0u);
  // Concurrent with the store, either result is possible.
  EXPECT_EQ(Total(Builder().Store(10, 30, 7, 1).Erase(20, 25, 7, false).Check()), 0u);
  EXPECT_EQ(Total(Builder().Store(10, 30, 7, 1).Erase(20, 25, 7, true).Check()), 0u);
  // Touching intervals are concurrent too.
  EXPECT_EQ(Total(Builder().Store(10, 20, 7, 1).Erase(20, 25, 7, false).Check()), 0u);
  // A concurrent erase explains nothing removed; an earlier one that returned first does too.
  EXPECT_EQ(Total(Builder().Store(10, 20, 7, 1).Erase(25, 40, 7, true).Erase(30, 35, 7, false).Check()), 0u);
  // Wrong: removed from a key that was never there, and again after it was removed.
  CheckResult r = Builder().Erase(25, 26, 7, true).Check(5);
  EXPECT_EQ(r.Count(Anomaly::kStaleRead), 1u);
  EXPECT_EQ(r.erases, 1u);
  EXPECT_EQ(r.erases_with[static_cast<int>(Anomaly::kStaleRead)], 1u);
  EXPECT_EQ(r.loads_with[static_cast<int>(Anomaly::kStaleRead)], 0u);
  const Example* ex = FindExample(r, Anomaly::kStaleRead);
  ASSERT_NE(ex, nullptr);
  EXPECT_NE(ex->explanation.find("reported removing the key, but no store of key 7 could be in effect during it: "
                                 "key 7 was neither prefilled nor stored by then"),
            std::string::npos)
      << ex->explanation;
  r = Builder().Store(10, 20, 7, 1).Erase(25, 30, 7, true).Erase(35, 40, 7, true).Check(5);
  EXPECT_EQ(r.Count(Anomaly::kStaleRead), 1u);
  ex = FindExample(r, Anomaly::kStaleRead);
  ASSERT_NE(ex, nullptr);
  EXPECT_NE(ex->explanation.find("superseded by"), std::string::npos) << ex->explanation;
  // Wrong: nothing removed while a completed store was in effect (prefilled, here).
  r = Builder().Prefill(7, 1).Erase(25, 26, 7, false).Check(5);
  EXPECT_EQ(r.Count(Anomaly::kStaleRead), 1u);
  ex = FindExample(r, Anomaly::kStaleRead);
  ASSERT_NE(ex, nullptr);
  EXPECT_NE(ex->explanation.find("reported nothing removed, but the key was present throughout it: prefilled with "
                                 "value 1; no other erase of 7 could take effect before this one returned"),
            std::string::npos)
      << ex->explanation;
  ASSERT_GE(ex->witnesses.size(), 2u);  // the erase and the prefill
}

// Two removals need a store between them in whichever order they took effect.
TEST(CheckerTest, TwoRemovalsNeedAStoreBetweenThem) {
  // Each alone is explained by the store, but the store returned before either was called.
  CheckResult r = Builder().Store(10, 20, 7, 1).Erase(30, 50, 7, true).Erase(35, 45, 7, true).Check(5);
  EXPECT_EQ(r.erases, 2u);
  EXPECT_EQ(r.erases_with[static_cast<int>(Anomaly::kStaleRead)], 1u);  // one pair, one wrong erase
  const Example* ex = FindExample(r, Anomaly::kStaleRead);
  ASSERT_NE(ex, nullptr);
  EXPECT_NE(ex->explanation.find("erase of key 7 by writer-2 [35..45] reported removing the key, and so did the "
                                 "erase by writer-2 [30..50], but no store of key 7 could take effect between the "
                                 "two: none was called by 45 and returned at or after 30, nor called by 50 and "
                                 "returned at or after 35"),
            std::string::npos)
      << ex->explanation;
  ASSERT_EQ(ex->ops.size(), 2u);  // the erase and the removal before it
  EXPECT_EQ(ex->ops[1].call, 30);
  // A store that may come between, in either order, explains both: after the first, before the
  // second; or (the second erase nested in the first) after it and before the first returns.
  EXPECT_EQ(
      Total(Builder().Store(10, 20, 7, 1).Erase(30, 50, 7, true).Store(40, 60, 7, 2).Erase(55, 70, 7, true).Check()),
      0u);
  EXPECT_EQ(
      Total(Builder().Store(10, 20, 7, 1).Erase(30, 50, 7, true).Erase(32, 40, 7, true).Store(45, 48, 7, 2).Check()),
      0u);
  // Touching counts as either order: a store returning at the first removal's call may follow
  // it (the prefill gave the first its entry).
  EXPECT_EQ(Total(Builder().Prefill(7, 1).Store(10, 30, 7, 2).Erase(30, 50, 7, true).Erase(35, 45, 7, true).Check()),
            0u);
  EXPECT_EQ(Total(Builder().Prefill(7, 1).Store(10, 29, 7, 2).Erase(30, 50, 7, true).Erase(35, 45, 7, true).Check()),
            1u);
  // A prefill precedes both: it explains only one of them.
  EXPECT_EQ(Total(Builder().Prefill(7, 1).Erase(30, 50, 7, true).Erase(35, 45, 7, true).Check()), 1u);
  // One store can come between, but it is also the only one that could give the first its entry.
  r = Builder().Store(10, 35, 7, 1).Erase(30, 50, 7, true).Erase(35, 45, 7, true).Check(5);
  EXPECT_EQ(r.erases_with[static_cast<int>(Anomaly::kStaleRead)], 1u);
  ex = FindExample(r, Anomaly::kStaleRead);
  ASSERT_NE(ex, nullptr);
  EXPECT_NE(ex->explanation.find("but only the store by writer-1 [10..35] could take effect between the two, and no "
                                 "other value of key 7 could still be in effect at 30 or later to give the first of "
                                 "them its entry"),
            std::string::npos)
      << ex->explanation;
  // With a prefill still possible at 30, the prefill goes first and the store between.
  EXPECT_EQ(Total(Builder().Prefill(7, 0).Store(10, 35, 7, 1).Erase(30, 50, 7, true).Erase(35, 45, 7, true).Check()),
            0u);
  // A removal without a return is neither judged nor the one before another.
  const int64_t kEnd = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(Total(Builder().Store(10, 20, 7, 1).Erase(30, kEnd, 7, true).Erase(35, 45, 7, true).Check()), 0u);
  // Three removals after one store: the second and the third are each wrong with the one before.
  r = Builder().Store(10, 20, 7, 1).Erase(30, 50, 7, true).Erase(35, 45, 7, true).Erase(40, 60, 7, true).Check();
  EXPECT_EQ(r.erases_with[static_cast<int>(Anomaly::kStaleRead)], 2u);
}

TEST(CheckerTest, ErasedKeyVisitedIsPhantom) {
  CheckResult r = Builder().Store(10, 20, 7, 1).Erase(21, 22, 7).Iterate(30, 40, {{7, 1}}).Check(5);
  EXPECT_EQ(r.Count(Anomaly::kPhantom), 1u);
  EXPECT_EQ(r.key_wrong, 1u);
  const Example* ex = FindExample(r, Anomaly::kPhantom);
  ASSERT_NE(ex, nullptr);
  EXPECT_GE(ex->witnesses.size(), 3u);  // iteration, the store, the erase
}

TEST(CheckerTest, DuplicateVisitsAreCountedAndValuesChecked) {
  Builder b;
  b.Store(10, 20, 7, 1).Store(21, 25, 7, 2);
  b.Iterate(30, 40, {{7, 2}, {7, 2}, {7, 2}});  // two extra visits
  b.Iterate(50, 60, {{7, 2}, {7, 1}});          // extra visit with a stale value
  CheckResult r = b.Check();
  EXPECT_EQ(r.Count(Anomaly::kDuplicate), 2u);
  EXPECT_EQ(r.Count(Anomaly::kStaleValue), 1u);
  EXPECT_EQ(r.anomalous, 2u);
  EXPECT_EQ(r.key_total, 5u);
  EXPECT_EQ(r.key_wrong, 3u);
}

TEST(CheckerTest, DuplicateUnknownKeyCountsOnce) {
  CheckResult r = Builder().Iterate(10, 20, {{5, 1}, {5, 1}}).Check();
  EXPECT_EQ(r.Count(Anomaly::kUnknownValue), 2u);  // each visit's value is checked first
  EXPECT_EQ(r.Count(Anomaly::kDuplicate), 0u);
}

TEST(CheckerTest, Loads) {
  Builder b;
  b.Store(10, 20, 7, 1).Store(30, 40, 7, 2).Store(10, 20, 8, 3);
  b.Load(21, 25, 7, true, 1);  // fine
  b.Load(35, 36, 7, true, 2);  // fine: concurrent with the store
  b.Load(35, 36, 7, true, 1);  // fine: v2 not yet returned
  b.Load(50, 60, 7, true, 1);  // stale read
  b.Load(5, 8, 7, false);      // fine: initially absent
  b.Load(50, 60, 7, false);    // stale read: present throughout
  b.Load(50, 60, 7, true, 3);  // value of key 8: unknown value
  b.Load(50, 60, 9, false);    // never written: fine
  CheckResult r = b.Check();
  EXPECT_EQ(r.loads, 8u);
  EXPECT_EQ(r.Count(Anomaly::kStaleRead), 2u);
  EXPECT_EQ(r.Count(Anomaly::kUnknownValue), 1u);
  EXPECT_EQ(r.iterations, 0u);
  EXPECT_EQ(r.key_wrong, 0u);  // key deviation counts iteration entries only
  const Example* ex = FindExample(r, Anomaly::kStaleRead);
  ASSERT_NE(ex, nullptr);
  EXPECT_NE(ex->explanation.find("reader-1"), std::string::npos) << ex->explanation;
}

// A load that returned a store's value proves that the store took effect by the load's return,
// even while the store is still running: a later load may not return the older value (key 7),
// and a store called after that load supersedes the value it saw (key 8).
TEST(CheckerTest, ALoadOfAValueProvesItsStoreTookEffect) {
  Builder b;
  b.Store(10, 20, 7, 1).Store(30, 100, 7, 2);
  b.Load(40, 45, 7, true, 2);  // v2 while its store runs: it took effect by 45
  b.Load(41, 44, 7, true, 1);  // fine: concurrent with that load
  b.Load(50, 55, 7, true, 1);  // stale read: v2 replaced v1 by 45
  b.Load(25, 28, 7, true, 2);  // stale read: before v2's store was called (and it proves nothing)
  b.Load(29, 35, 7, true, 1);  // fine: v2 was seen only at 45
  b.Store(10, 100, 8, 5).Load(12, 14, 8, true, 5).Store(20, 25, 8, 6);
  b.Load(30, 35, 8, true, 5);           // stale read: 5 took effect by 14, 6 after it by 25
  b.Iterate(50, 55, {{7, 1}, {8, 6}});  // stale value: as the load of key 7 at 50
  CheckResult r = b.Check();
  EXPECT_EQ(r.loads, 7u);
  EXPECT_EQ(r.Count(Anomaly::kStaleRead), 3u);
  EXPECT_EQ(r.Count(Anomaly::kStaleValue), 1u);
  EXPECT_EQ(OthersThan(r, Anomaly::kStaleRead), 1u);
  std::string key7, key8;
  for (const Example& e : r.examples) {
    if (e.kind == Anomaly::kStaleRead && e.window.lo == 50) key7 = e.explanation;
    if (e.kind == Anomaly::kStaleRead && e.key == 8) key8 = e.explanation;
  }
  EXPECT_NE(key7.find("superseded by writer-1 store of key 7, called 30 and in effect by 45: the load by reader-1 "
                      "[40..45] had returned its value"),
            std::string::npos)
      << key7;
  EXPECT_NE(key8.find("it took effect by 14: the load by reader-1 [12..14] had returned its value; superseded by "
                      "writer-1 store of key 8, called 20 and returned 25"),
            std::string::npos)
      << key8;
}

// So does an iteration that visited the value: a later load (or iteration) may not see the older one.
TEST(CheckerTest, AnIterationThatVisitedAValueProvesItsStoreTookEffect) {
  Builder b;
  b.Store(10, 20, 7, 1).Store(30, 100, 7, 2);
  b.Iterate(40, 45, {{7, 2}});  // v2 while its store runs: it took effect by 45
  b.Load(42, 44, 7, true, 1);   // fine: it may come before the iteration's visit
  b.Load(50, 55, 7, true, 1);   // stale read
  b.Iterate(60, 65, {{7, 1}});  // stale value
  CheckResult r = b.Check();
  EXPECT_EQ(r.Count(Anomaly::kStaleRead), 1u);
  EXPECT_EQ(r.Count(Anomaly::kStaleValue), 1u);
  EXPECT_EQ(r.snapshot, 1u);
  const Example* ex = FindExample(r, Anomaly::kStaleRead);
  ASSERT_NE(ex, nullptr);
  EXPECT_NE(ex->explanation.find("in effect by 45: the iteration by iterator-1 [40..45] had visited its value"),
            std::string::npos)
      << ex->explanation;
}

// Keys 1 and 2 toggle so that at least one is always present.
Builder Toggler(int64_t store_b_ret) {
  Builder b;
  b.Prefill(1, 10);
  b.Store(10, store_b_ret, 2, 20);  // b appears
  b.Erase(20, 21, 1);               // then a leaves
  b.Store(30, 31, 1, 11);           // a is back
  b.Erase(40, 41, 2);               // then b leaves
  return b;
}

TEST(CheckerTest, NotSnapshotWhenNeitherToggledKeyIsSeen) {
  Builder b = Toggler(11);
  b.Iterate(5, 50, {});
  CheckResult r = b.Check();
  EXPECT_EQ(r.Count(Anomaly::kNotSnapshot), 1u);
  EXPECT_EQ(OthersThan(r, Anomaly::kNotSnapshot), 0u);
  EXPECT_EQ(r.weak, 1u);
  EXPECT_EQ(r.anomalous, 0u);
  EXPECT_EQ(r.key_wrong, 0u);
  const Example* ex = FindExample(r, Anomaly::kNotSnapshot);
  ASSERT_NE(ex, nullptr);
  EXPECT_NE(ex->explanation.find("neither key"), std::string::npos) << ex->explanation;
}

TEST(CheckerTest, SnapshotWhenTheSweepFindsAnInstant) {
  // b's store may take effect as late as 25, after a's erase at 20: both absent at 20..25.
  Builder b = Toggler(25);
  b.Iterate(5, 50, {});
  CheckResult r = b.Check();
  EXPECT_EQ(Total(r), 0u);
  EXPECT_EQ(r.snapshot, 1u);
}

TEST(CheckerTest, NotSnapshotFromTwoVisitedValues) {
  // a=10 possible only until 21; b's second value only from 45.
  Builder b = Toggler(11);
  b.Store(45, 46, 2, 21);
  b.Iterate(5, 50, {{1, 10}, {2, 21}});
  CheckResult r = b.Check();
  EXPECT_EQ(r.Count(Anomaly::kNotSnapshot), 1u);
  EXPECT_EQ(r.weak, 1u);
  // Same values seen in a window where both are possible at once: fine.
  Builder c = Toggler(11);
  c.Store(15, 46, 2, 21);
  c.Iterate(5, 50, {{1, 10}, {2, 21}});
  EXPECT_EQ(Total(c.Check()), 0u);
}

TEST(CheckerTest, NotSnapshotFromVisitedAndUnvisitedKeys) {
  // Saw a=10 (possible only until 21) but not b, present from 11 until its erase at 40.
  Builder b = Toggler(11);
  b.Iterate(15, 45, {{1, 10}});
  CheckResult r = b.Check();
  EXPECT_EQ(r.Count(Anomaly::kNotSnapshot), 1u);
  EXPECT_EQ(OthersThan(r, Anomaly::kNotSnapshot), 0u);
  // Window starting before b appeared: both fit at 5..11.
  Builder c = Toggler(11);
  c.Iterate(5, 45, {{1, 10}});
  EXPECT_EQ(Total(c.Check()), 0u);
}

TEST(CheckerTest, ClassificationAndDeviationCounts) {
  Builder b;
  b.Prefill(1, 10).Prefill(2, 20);
  b.Iterate(10, 20, {{1, 10}, {2, 20}});                    // snapshot
  b.Iterate(30, 40, {{1, 10}});                             // missing 2
  b.Iterate(50, 60, {{1, 10}, {2, 20}, {2, 20}, {3, 30}});  // duplicate + unknown
  b.Iterate(70, 80, {});                                    // missing 1 and 2
  CheckResult r = b.Check();
  EXPECT_EQ(r.iterations, 4u);
  EXPECT_EQ(r.snapshot, 1u);
  EXPECT_EQ(r.weak, 0u);
  EXPECT_EQ(r.anomalous, 3u);
  EXPECT_EQ(r.Count(Anomaly::kMissing), 3u);
  EXPECT_EQ(r.key_total, 2u + 1 + 1 + 4 + 2);
  EXPECT_EQ(r.key_wrong, 1u + 2 + 2);
  EXPECT_EQ(r.events, 4u + 7);
}

TEST(CheckerTest, ManyIterationsMissingCounts) {
  // Missing is counted from interval gaps; compare with a direct count.
  Builder b;
  for (uint64_t k = 0; k < 20; ++k) {
    b.Store(10 + 10 * k, 15 + 10 * k, k, 1000 + k);
    if (k % 3 == 0) b.Erase(300 + 10 * k, 305 + 10 * k, k);
  }
  for (int64_t c = 0; c < 600; c += 37) b.Iterate(c, c + 20, {});
  CheckResult r = b.Check();
  uint64_t expected = 0;
  for (int64_t c = 0; c < 600; c += 37) {
    for (uint64_t k = 0; k < 20; ++k) {
      int64_t present_from = 15 + 10 * k;
      int64_t gone_from = k % 3 == 0 ? 300 + 10 * static_cast<int64_t>(k) : INT64_MAX;
      if (present_from < c && c + 20 < gone_from) ++expected;
    }
  }
  EXPECT_GT(expected, 0u);
  EXPECT_EQ(r.Count(Anomaly::kMissing), expected);
}

TEST(CheckerTest, OpsInAnyOrder) {
  Builder b = Toggler(11);
  b.Iterate(5, 50, {}).Iterate(25, 35, {{1, 11}}).Iterate(60, 70, {});
  b.Load(50, 60, 1, false).Store(80, 90, 3, 5);
  CheckResult sorted = b.Check();
  std::mt19937 rng(7);
  for (int i = 0; i < 5; ++i) {
    std::shuffle(b.mutable_history().ops.begin(), b.mutable_history().ops.end(), rng);
    CheckResult r = b.Check();
    EXPECT_EQ(r.anomalies, sorted.anomalies);
    EXPECT_EQ(r.snapshot, sorted.snapshot);
    EXPECT_EQ(r.weak, sorted.weak);
    EXPECT_EQ(r.key_total, sorted.key_total);
  }
}

// Values need only be unique per key (history files): each key's store of 5 explains its entry.
TEST(CheckerTest, SameValueForTwoKeysIsEachKeysOwn) {
  CheckResult r = Builder().Store(10, 20, 7, 5).Store(10, 20, 8, 5).Iterate(30, 40, {{7, 5}, {8, 5}}).Check();
  EXPECT_EQ(r.Count(Anomaly::kUnknownValue), 0u);
  EXPECT_EQ(r.snapshot, 1u);
  // A key that never stored 5 still gets unknown_value for it.
  r = Builder().Store(10, 20, 7, 5).Store(10, 20, 8, 5).Store(10, 20, 9, 6).Iterate(30, 40, {{9, 5}}).Check();
  EXPECT_EQ(r.Count(Anomaly::kUnknownValue), 1u);
}

TEST(CheckerTest, ExplanationNamesThreadsTimesAndWitnesses) {
  Builder b;
  b.Store(1'100'000'000, 1'101'000'000, 4711, 0xabc);
  b.Erase(1'300'000'000, 1'301'000'000, 4711);
  b.Iterate(1'203'000'000, 1'207'000'000, {});
  // Shift so the earliest call is at 0.
  b.Store(0, 1, 1, 1);
  CheckResult r = b.Check();
  const Example* ex = FindExample(r, Anomaly::kMissing);
  ASSERT_NE(ex, nullptr);
  EXPECT_EQ(ex->key, 4711u);
  EXPECT_NE(ex->explanation.find("key 4711 missing from iteration #1 by iterator-1 "
                                 "[1203000000..1207000000]"),
            std::string::npos)
      << ex->explanation;
  EXPECT_NE(ex->explanation.find("writer-1"), std::string::npos) << ex->explanation;
  EXPECT_NE(ex->explanation.find("next erase called 1300000000"), std::string::npos) << ex->explanation;
  ASSERT_GE(ex->witnesses.size(), 3u);
  EXPECT_NE(ex->witnesses[1].find("writer-1 store key=4711 value=2748 call=1100000000 return=1101000000"),
            std::string::npos)
      << ex->witnesses[1];
}

TEST(CheckerTest, ExamplesAreLimitedPerKindInIterationOrder) {
  Builder b;
  b.Store(10, 20, 7, 1);
  for (int i = 9; i >= 0; --i) b.Iterate(100 + 10 * i, 105 + 10 * i, {});
  CheckResult r = b.Check(2);
  EXPECT_EQ(r.Count(Anomaly::kMissing), 10u);
  ASSERT_EQ(r.examples.size(), 2u);
  EXPECT_NE(r.examples[0].explanation.find("iteration #1 "), std::string::npos);
  EXPECT_NE(r.examples[1].explanation.find("iteration #2 "), std::string::npos);
  EXPECT_TRUE(Builder().Store(10, 20, 7, 1).Iterate(30, 40, {}).Check(0).examples.empty());
}

TEST(CheckerTest, MergeAddsCountsAndCapsExamples) {
  Builder b;
  b.Store(10, 20, 7, 1).Iterate(30, 40, {}).Iterate(50, 60, {{7, 1}});
  CheckResult a = b.Check(2);
  CheckResult c = b.Check(2);
  a.Merge(c, 1);
  EXPECT_EQ(a.iterations, 4u);
  EXPECT_EQ(a.snapshot, 2u);
  EXPECT_EQ(a.anomalous, 2u);
  EXPECT_EQ(a.Count(Anomaly::kMissing), 2u);
  EXPECT_EQ(a.key_total, 4u);
  EXPECT_EQ(a.key_wrong, 2u);
  EXPECT_EQ(a.events, 2 * c.events);
  EXPECT_EQ(a.examples.size(), 1u);  // the first result's example; no more of that kind
}

}  // namespace
}  // namespace mapstress

namespace mapstress {
namespace {

// Per kind, the checker counts the iterations (loads) that had it, beside the occurrences.
TEST(CheckerTest, CountsIterationsAndLoadsWithEachKind) {
  Builder b;
  b.Store(10, 20, 1, 100).Store(11, 21, 2, 200).Store(12, 22, 3, 300);
  b.Iterate(30, 40, {});          // 3 missing keys in one iteration
  b.Iterate(50, 60, {{1, 100}});  // 2 more in another
  b.Iterate(70, 80, {{1, 100}, {2, 200}, {3, 300}});
  b.Load(90, 95, 1, false);  // stale_read: key 1 was present throughout
  b.Load(96, 99, 2, true, 200);
  CheckResult r = b.Check();
  EXPECT_EQ(r.Count(Anomaly::kMissing), 5u);
  EXPECT_EQ(r.iterations_with[static_cast<int>(Anomaly::kMissing)], 2u);
  EXPECT_EQ(r.anomalous, 2u);
  EXPECT_EQ(r.Count(Anomaly::kStaleRead), 1u);
  EXPECT_EQ(r.loads_with[static_cast<int>(Anomaly::kStaleRead)], 1u);
  EXPECT_EQ(r.iterations_with[static_cast<int>(Anomaly::kStaleRead)], 0u);
  EXPECT_TRUE(r.shares_known);
  CheckResult merged = r;
  merged.Merge(r, 3);
  EXPECT_EQ(merged.iterations_with[static_cast<int>(Anomaly::kMissing)], 4u);
  EXPECT_EQ(merged.loads_with[static_cast<int>(Anomaly::kStaleRead)], 2u);
}

// Key 7 is missed by iterations #1-#5, key 8 by #6, key 9 by #7.
Builder SkewedMisses() {
  Builder b;
  b.Store(10, 20, 7, 1).Store(10, 20, 8, 2).Store(10, 20, 9, 3);
  for (int i = 1; i <= 5; ++i) b.Iterate(100 + 10 * i, 105 + 10 * i, {{8, 2}, {9, 3}});
  b.Iterate(160, 165, {{7, 1}, {9, 3}});
  b.Iterate(170, 175, {{7, 1}, {8, 2}});
  return b;
}

TEST(CheckerExamplesTest, DistinctKeysAndIterationsFirst) {
  CheckResult r = SkewedMisses().Check(3);
  ASSERT_EQ(r.examples.size(), 3u);
  EXPECT_EQ(r.examples[0].key, 7u);
  EXPECT_EQ(r.examples[0].iteration, 1u);
  EXPECT_EQ(r.examples[1].key, 8u);
  EXPECT_EQ(r.examples[1].iteration, 6u);
  EXPECT_EQ(r.examples[2].key, 9u);
  EXPECT_EQ(r.examples[2].iteration, 7u);
  // With room for more, the repeats of key 7 fill it in time order.
  CheckResult wide = SkewedMisses().Check(5);
  ASSERT_EQ(wide.examples.size(), 5u);
  EXPECT_EQ(wide.examples[1].iteration, 2u);
}

TEST(CheckerExamplesTest, TallyTellsADeterministicKeyFromARace) {
  CheckResult r = SkewedMisses().Check(1);
  const AnomalyTally& t = r.tallies[static_cast<int>(Anomaly::kMissing)];
  EXPECT_EQ(t.occasions, 7u);
  EXPECT_EQ(t.distinct_keys, 3u);
  EXPECT_EQ(t.top_key, 7u);
  EXPECT_EQ(t.top_key_occasions, 5u);
  EXPECT_FALSE(t.partial);
  // Two trials merged: exact while the per-key counts are in memory.
  CheckResult two = SkewedMisses().Check(1);
  two.Merge(SkewedMisses().Check(1), 3);
  const AnomalyTally& m = two.tallies[static_cast<int>(Anomaly::kMissing)];
  EXPECT_EQ(m.occasions, 14u);
  EXPECT_EQ(m.distinct_keys, 3u);
  EXPECT_EQ(m.top_key_occasions, 10u);
  EXPECT_FALSE(m.partial);
}

TEST(CheckerExamplesTest, StructuredWitnessesCarryHistoryTimesAndWindows) {
  Builder b;
  b.Store(1'100, 1'101, 4711, 2748);
  b.Erase(1'300, 1'301, 4711);
  b.Iterate(1'203, 1'207, {});
  CheckResult r = b.Check();
  ASSERT_EQ(r.examples.size(), 1u);
  const Example& ex = r.examples[0];
  EXPECT_EQ(ex.kind, Anomaly::kMissing);
  EXPECT_EQ(ex.iteration, 1u);
  EXPECT_EQ(ex.window, (TimeSpan{1'203, 1'207}));
  ASSERT_EQ(ex.ops.size(), 3u);
  EXPECT_EQ(ex.ops[0].role, WitnessRole::kSubject);
  EXPECT_EQ(ex.ops[0].op, OpKind::kIterate);
  EXPECT_EQ(ex.ops[1].role, WitnessRole::kWrite);
  EXPECT_EQ(ex.ops[1].value, 2748u);
  EXPECT_EQ(ex.ops[1].thread, "writer-1");
  EXPECT_TRUE(ex.ops[1].has_effect);
  EXPECT_EQ(ex.ops[1].effect, (TimeSpan{1'100, 1'301}));  // until the erase returned
  EXPECT_EQ(ex.ops[2].role, WitnessRole::kErase);
  EXPECT_EQ(ex.witnesses[1], "writer-1 store key=4711 value=2748 call=1100 return=1101");
  EXPECT_EQ(ex.view, (TimeSpan{1'100, 1'301}));
  // Absent until the store returned, and again from the erase's call.
  EXPECT_EQ(ex.absent, (std::vector<TimeSpan>{{1'100, 1'101}, {1'300, 1'301}}));
  EXPECT_EQ(ex.present, (std::vector<TimeSpan>{{1'100, 1'301}}));
}

}  // namespace
}  // namespace mapstress

namespace mapstress {
namespace {

// Times at both ends of int64 (a history file may hold them) span the whole range: the
// checker's time buckets must not overflow (it crashed), and the verdict stays exact.
TEST(CheckerTest, TimesAtTheInt64ExtremesAreChecked) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
  Builder b;
  b.Store(kMin, kMax, 1, 10);
  b.Store(5, 6, 2, 20);
  b.Erase(100, 101, 2);
  b.Iterate(10, 20, {{1, 10}});  // key 2 was present throughout: missing
  b.Iterate(200, 300, {});       // key 1 may not be stored yet (its store spans everything): fine
  CheckResult r = b.Check();
  EXPECT_EQ(r.Count(Anomaly::kMissing), 1u);
  EXPECT_EQ(r.iterations, 2u);
}

// Thousands of absent-span ends in one time bucket of the endpoint sort (a far-away op widens
// the buckets), in random time order by key, most of them crowded into a few slots of time:
// the must-see counts need them sorted by time. Slot a spans [10a, 10a + 10): writes return by
// 10a + 4, iterations run in [10a + 5, 10a + 6], so every key is surely present or absent.
TEST(CheckerTest, CrowdedEndpointBucketIsSortedByTime) {
  Builder b;
  std::mt19937_64 rng(11);
  constexpr uint64_t kKeys = 3000;
  constexpr int64_t kSlots = 2000;
  std::vector<int64_t> stored(kKeys), erased(kKeys);
  for (uint64_t k = 0; k < kKeys; ++k) {
    const int64_t spread = k < 2000 ? 40 : kSlots;  // two thirds crowded into 40 slots
    stored[k] = static_cast<int64_t>(rng() % spread);
    erased[k] = stored[k] + 1 + static_cast<int64_t>(rng() % spread);
    b.Store(10 * stored[k], 10 * stored[k] + 1 + static_cast<int64_t>(rng() % 3), k, k + 1);
    b.Erase(10 * erased[k] + static_cast<int64_t>(rng() % 3), 10 * erased[k] + 4, k);
  }
  b.Load(int64_t{1} << 50, (int64_t{1} << 50) + 1, kKeys + 7, false);
  uint64_t omitted = 0;
  for (int64_t m = 0; m < 2 * kSlots; m += m < 80 ? 1 : 7) {
    std::vector<Entry> seen;
    for (uint64_t k = 0; k < kKeys; ++k) {
      if (stored[k] <= m && erased[k] > m) seen.push_back(Entry{k, k + 1});
    }
    if (m == 30 && !seen.empty()) seen.pop_back(), ++omitted;
    b.Iterate(10 * m + 5, 10 * m + 6, seen);
  }
  ASSERT_EQ(omitted, 1u);
  for (size_t threads : {1, 2}) {
    CheckOptions options;
    options.threads = threads;
    options.chunk_events = 64;
    CheckResult r = Check(b.history(), options);
    EXPECT_EQ(r.anomalies[static_cast<int>(Anomaly::kMissing)], 1u) << threads;
    EXPECT_EQ(r.anomalous, 1u) << threads;
    EXPECT_EQ(r.snapshot, r.iterations - 1) << threads;
  }
}

}  // namespace
}  // namespace mapstress
