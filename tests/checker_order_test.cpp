// The checker's fast paths (writes kept in ops order unless a key needs sorting or merging,
// per-key cursors that follow time, the per-key "last seen value" cache) must not change
// results: counts must not depend on the order of History::ops, and malformed duplicates keep
// their documented meaning.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <numeric>
#include <random>
#include <tuple>

#include "check/checker.h"

namespace mapstress {
namespace {

// Random, mostly wrong histories: writes, loads and iterations on a few keys with random
// intervals, and entries whose values are current, old, from another key or garbage.
History Messy(uint32_t seed) {
  std::mt19937_64 rng(seed);
  auto rand = [&](uint64_t n) { return static_cast<int64_t>(rng() % n); };
  History h;
  int keys = 1 + static_cast<int>(rand(6));
  std::vector<std::vector<uint64_t>> stored(keys);
  uint64_t next_value = 1000;
  for (int k = 0; k < keys; ++k) {
    if (rand(2)) {
      stored[k].push_back(next_value);
      h.initial.push_back(Entry{static_cast<uint64_t>(k), next_value++});
    }
  }
  int ops = 10 + static_cast<int>(rand(60));
  for (int i = 0; i < ops; ++i) {
    Op op;
    op.call = rand(1000);
    op.ret = op.call + rand(rand(2) ? 20 : 300);
    op.thread = static_cast<uint32_t>(rand(3));
    op.key = static_cast<uint64_t>(rand(keys));
    int choice = static_cast<int>(rand(10));
    if (choice < 4) {
      op.kind = OpKind::kStore;
      op.value = next_value++;
      stored[op.key].push_back(op.value);
    } else if (choice < 6) {
      op.kind = OpKind::kErase;
      op.found = rand(2);
    } else if (choice < 8) {
      op.kind = OpKind::kLoad;
      op.found = rand(3) != 0 && !stored[op.key].empty();
      if (op.found) op.value = stored[op.key][rand(stored[op.key].size())];
    } else {
      op.kind = OpKind::kIterate;
      op.first_entry = h.entries.size();
      int n = static_cast<int>(rand(keys + 3));
      for (int e = 0; e < n; ++e) {
        uint64_t k = static_cast<uint64_t>(rand(keys + 1));  // keys + 1: never written
        uint64_t v = rand(8) == 0 ? rng() : next_value - 1 - rand(4);
        if (k < static_cast<uint64_t>(keys) && !stored[k].empty() && rand(3)) {
          v = stored[k][rand(stored[k].size())];
        }
        h.entries.push_back(Entry{k, v});
      }
      op.entry_count = static_cast<uint32_t>(n);
    }
    h.ops.push_back(op);
  }
  return h;
}

void ExpectSameCounts(const CheckResult& a, const CheckResult& b, uint32_t seed) {
  EXPECT_EQ(a.iterations, b.iterations) << "seed " << seed;
  EXPECT_EQ(a.snapshot, b.snapshot) << "seed " << seed;
  EXPECT_EQ(a.weak, b.weak) << "seed " << seed;
  EXPECT_EQ(a.anomalous, b.anomalous) << "seed " << seed;
  EXPECT_EQ(a.loads, b.loads) << "seed " << seed;
  EXPECT_EQ(a.anomalies, b.anomalies) << "seed " << seed;
  EXPECT_EQ(a.key_wrong, b.key_wrong) << "seed " << seed;
  EXPECT_EQ(a.key_total, b.key_total) << "seed " << seed;
  EXPECT_EQ(a.events, b.events) << "seed " << seed;
}

TEST(CheckerOrderTest, CountsDoNotDependOnOpsOrder) {
  uint64_t anomalies = 0;
  for (uint32_t seed = 1; seed <= 400; ++seed) {
    History h = Messy(seed);
    CheckResult sorted_by_call;
    {
      History s = h;
      std::stable_sort(s.ops.begin(), s.ops.end(), [](const Op& a, const Op& b) { return a.call < b.call; });
      sorted_by_call = Check(s);
    }
    History shuffled = h;
    std::mt19937_64 rng(seed);
    std::shuffle(shuffled.ops.begin(), shuffled.ops.end(), rng);
    History reversed = h;
    std::reverse(reversed.ops.begin(), reversed.ops.end());
    History by_thread = h;  // as the engine records: each key's writes in a few sorted runs
    std::stable_sort(by_thread.ops.begin(), by_thread.ops.end(),
                     [](const Op& a, const Op& b) { return std::tie(a.thread, a.call) < std::tie(b.thread, b.call); });
    CheckResult base = Check(h);
    ExpectSameCounts(base, Check(by_thread), seed);
    ExpectSameCounts(base, sorted_by_call, seed);
    ExpectSameCounts(base, Check(shuffled), seed);
    ExpectSameCounts(base, Check(reversed), seed);
    for (uint64_t n : base.anomalies) anomalies += n;
  }
  EXPECT_GT(anomalies, 0u);  // the generator does produce wrong histories
}

Op Store(uint64_t key, uint64_t value, int64_t call, int64_t ret) {
  Op op;
  op.kind = OpKind::kStore;
  op.key = key;
  op.value = value;
  op.call = call;
  op.ret = ret;
  return op;
}

Op Iterate(uint64_t first, uint32_t count, int64_t call, int64_t ret) {
  Op op;
  op.kind = OpKind::kIterate;
  op.first_entry = first;
  op.entry_count = count;
  op.call = call;
  op.ret = ret;
  return op;
}

// Two stores of one key claim the same value (malformed); the first in ops order owns it
// even though the other one is called earlier and so comes first in the key's write list.
TEST(CheckerOrderTest, DuplicateValueBelongsToFirstStoreInOpsOrder) {
  History h;
  h.ops.push_back(Store(1, 77, 100, 110));  // owns 77: in effect from 100
  h.ops.push_back(Store(1, 77, 10, 20));    // same value, earlier, superseded at 110
  h.ops.push_back(Iterate(0, 1, 200, 210));
  h.entries.push_back(Entry{1, 77});
  CheckResult ok = Check(h);
  EXPECT_EQ(ok.anomalous, 0u);
  EXPECT_EQ(ok.snapshot, 1u);

  std::swap(h.ops[0], h.ops[1]);  // now the early, superseded store owns 77
  CheckResult stale = Check(h);
  EXPECT_EQ(stale.Count(Anomaly::kStaleValue), 1u);
}

// A key seen with one value and then again with another in the same iteration, and then
// with each of them in later iterations: the per-key cache must not carry a verdict over.
TEST(CheckerOrderTest, RepeatedVisitsWithChangingValues) {
  History h;
  h.ops.push_back(Store(5, 1, 0, 10));
  h.ops.push_back(Store(5, 2, 20, 30));
  h.ops.push_back(Store(5, 3, 40, 50));
  h.ops.push_back(Iterate(0, 2, 35, 36));  // sees 2 then 1: duplicate + stale
  h.ops.push_back(Iterate(2, 1, 37, 38));  // sees 2 again: fine
  h.ops.push_back(Iterate(3, 1, 60, 61));  // sees 2 once more: stale now
  h.ops.push_back(Iterate(4, 1, 62, 63));  // sees 3: fine
  for (uint64_t v : {2, 1, 2, 2, 3}) h.entries.push_back(Entry{5, v});
  CheckResult r = Check(h);
  EXPECT_EQ(r.iterations, 4u);
  EXPECT_EQ(r.Count(Anomaly::kDuplicate), 0u);  // the repeat is stale, which takes precedence
  EXPECT_EQ(r.Count(Anomaly::kStaleValue), 2u);
  EXPECT_EQ(r.anomalous, 2u);
  EXPECT_EQ(r.snapshot, 2u);
}

// The per-key cursor's fast path stands in infinities for "no span before" and "no span
// after"; queries reaching to the end of time must still be answered exactly.
TEST(CheckerOrderTest, CursorQueriesAtTheEndsOfTime) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  History h;
  h.initial.push_back(Entry{7, 1});
  Op erase;
  erase.kind = OpKind::kErase;
  erase.key = 7;
  erase.found = true;
  erase.call = 10;
  erase.ret = 20;
  h.ops.push_back(erase);
  h.ops.push_back(Store(7, 2, 30, 40));  // absent possible only during [10, 40]
  for (int64_t call : {50, 60, 70}) {    // present throughout: each is a stale read
    Op load;
    load.kind = OpKind::kLoad;
    load.key = 7;
    load.call = call;
    load.ret = kMax;
    h.ops.push_back(load);
  }
  Op early;  // absent possible during [10, 40]: fine
  early.kind = OpKind::kLoad;
  early.key = 7;
  early.call = kMin;
  early.ret = 15;
  h.ops.push_back(early);
  Op before;  // before the erase was called: the prefill was in effect, a stale read
  before = early;
  before.ret = 5;
  h.ops.push_back(before);
  CheckResult r = Check(h);
  EXPECT_EQ(r.loads, 5u);
  EXPECT_EQ(r.Count(Anomaly::kStaleRead), 4u);
}

}  // namespace
}  // namespace mapstress
