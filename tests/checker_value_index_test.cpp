// The checker's value index (src/check/value_index.h): the run layout for self-describing
// counter values and the hash layout for anything else must find the same owners, and the
// checker's results must not depend on which one it uses.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>

#include "check/checker.h"
#include "check/value_index.h"
#include "checker_test_support.h"

namespace mapstress {
namespace {

// Builds an index over `values` (ownership order) and gives value i the write 1000 + i;
// returns the index for queries.
ValueIndex Build(const std::vector<uint64_t>& values, ValueLayout layout) {
  ValueIndex index;
  index.SetLayout(layout);
  for (uint64_t v : values) index.Add(v);
  index.Decide();
  for (uint32_t i = 0; i < values.size(); ++i) {
    uint32_t handle = index.Claim(values[i], 0, i);
    if (handle != ValueIndex::kNone) index.SetWrite(handle, 1000 + i);
  }
  return index;
}

// The owner of each value by definition: the first index holding it.
void ExpectOwners(const ValueIndex& index, const std::vector<uint64_t>& values, const std::vector<uint64_t>& probes) {
  for (uint64_t v : values) {
    uint32_t want = 1000 + static_cast<uint32_t>(std::find(values.begin(), values.end(), v) - values.begin());
    EXPECT_EQ(index.Find(v), want) << "value " << v;
  }
  for (uint64_t v : probes) {
    if (std::find(values.begin(), values.end(), v) == values.end()) {
      EXPECT_EQ(index.Find(v), ValueIndex::kNone) << "value " << v;
    }
  }
}

TEST(CheckerValueIndexTest, EngineValuesFormFewRuns) {
  // Prefill values of keys 0..99, then two writers' stores interleaved in ops order.
  auto encode = [](uint64_t writer, uint64_t seq) { return (uint64_t{1} << 52) | (writer << 41) | seq; };
  std::vector<uint64_t> values;
  for (uint64_t k = 0; k < 100; ++k) values.push_back(encode(0, k + 1));
  for (uint64_t s = 0; s < 300; ++s) values.push_back(encode(1 + s % 2, s / 2));
  ValueIndex index = Build(values, ValueLayout::kAuto);
  EXPECT_TRUE(index.UsesRuns());
  std::vector<uint64_t> probes = {
      0, 1, encode(0, 0), encode(0, 101), encode(1, 150), encode(2, 150), encode(3, 0), ~uint64_t{0}};
  ExpectOwners(index, values, probes);
}

TEST(CheckerValueIndexTest, RunsDoNotWrapAroundAndAreMergedOnlyWhenConsecutive) {
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  std::vector<uint64_t> values = {max - 1, max, 0, 1, 5, 7, 6};
  ValueIndex index = Build(values, ValueLayout::kAuto);
  EXPECT_TRUE(index.UsesRuns());
  ExpectOwners(index, values, {2, 3, 4, 8, max - 2});
}

TEST(CheckerValueIndexTest, ValueStoredTwiceFallsBackToHash) {
  // 20..29 and then 25..34: overlapping runs, so some values have two stores.
  std::vector<uint64_t> values;
  for (uint64_t v = 20; v < 30; ++v) values.push_back(v);
  for (uint64_t v = 25; v < 35; ++v) values.push_back(v);
  for (ValueLayout layout : {ValueLayout::kAuto, ValueLayout::kRuns, ValueLayout::kHash}) {
    ValueIndex index = Build(values, layout);
    EXPECT_FALSE(index.UsesRuns());
    ExpectOwners(index, values, {19, 35});
  }
  // The same value twice in a row is not a run either.
  std::vector<uint64_t> twice = {7, 7, 8};
  ValueIndex index = Build(twice, ValueLayout::kRuns);
  EXPECT_FALSE(index.UsesRuns());
  ExpectOwners(index, twice, {6, 9});
}

TEST(CheckerValueIndexTest, ManyRunsUseTheHashUnlessForced) {
  std::mt19937_64 rng(7);
  std::vector<uint64_t> values;
  for (size_t i = 0; i < 2 * ValueIndex::kMaxRuns; ++i) values.push_back(rng() | 1);
  std::vector<uint64_t> probes;
  for (int i = 0; i < 1000; ++i) probes.push_back(rng() & ~uint64_t{1});  // even: never stored
  ValueIndex automatic = Build(values, ValueLayout::kAuto);
  EXPECT_FALSE(automatic.UsesRuns());
  ExpectOwners(automatic, values, probes);
  ValueIndex runs = Build(values, ValueLayout::kRuns);
  EXPECT_TRUE(runs.UsesRuns());
  ExpectOwners(runs, values, probes);
  ValueIndex hash = Build(values, ValueLayout::kHash);
  EXPECT_FALSE(hash.UsesRuns());
  ExpectOwners(hash, values, probes);
}

TEST(CheckerValueIndexTest, ResultsDoNotDependOnTheLayout) {
  uint64_t anomalies = 0;
  for (uint32_t seed = 1; seed <= 600; ++seed) {
    History h = CounterHistory(seed, seed % 3 == 0);
    CheckOptions options;
    options.max_examples = 2 + seed % 3;
    options.value_layout = ValueLayout::kHash;
    CheckResult hash = Check(h, options);
    options.value_layout = ValueLayout::kRuns;
    CheckResult runs = Check(h, options);
    options.value_layout = ValueLayout::kAuto;
    CheckResult automatic = Check(h, options);
    ExpectSameResult(hash, runs, "runs, seed " + std::to_string(seed));
    ExpectSameResult(hash, automatic, "auto, seed " + std::to_string(seed));
    for (uint64_t n : hash.anomalies) anomalies += n;
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(anomalies, 0u);
}

// A value read from another key is unknown for this key, whichever layout finds its store,
// and the example names the key that wrote it.
TEST(CheckerValueIndexTest, ValueOfAnotherKeyIsUnknownInEveryLayout) {
  History h;
  h.initial.push_back(Entry{1, 500});
  Op store;
  store.kind = OpKind::kStore;
  store.key = 2;
  store.value = 501;
  store.call = 10;
  store.ret = 20;
  h.ops.push_back(store);
  Op load;
  load.kind = OpKind::kLoad;
  load.key = 1;
  load.found = true;
  load.value = 501;
  load.call = 30;
  load.ret = 40;
  h.ops.push_back(load);
  for (ValueLayout layout : {ValueLayout::kAuto, ValueLayout::kRuns, ValueLayout::kHash}) {
    CheckOptions options;
    options.value_layout = layout;
    CheckResult r = Check(h, options);
    EXPECT_EQ(r.Count(Anomaly::kUnknownValue), 1u);
    ASSERT_EQ(r.examples.size(), 1u);
    EXPECT_NE(r.examples[0].explanation.find("written to key 2"), std::string::npos) << r.examples[0].explanation;
  }
}

TEST(CheckerValueIndexTest, ValueStoredUnderSeveralKeysHasAnOwnerPerKey) {
  ValueIndex index;
  index.SetLayout(ValueLayout::kHash);
  for (uint64_t v : {7, 8, 7, 7, 7}) index.Add(v);
  index.Decide();
  // Keys 1, 1, 2, 2, 3 store 7, 8, 7, 7, 7: the second store of 7 under key 2 owns nothing.
  const uint32_t keys[] = {1, 1, 2, 2, 3};
  const uint64_t values[] = {7, 8, 7, 7, 7};
  std::vector<uint32_t> handles;
  for (uint32_t i = 0; i < 5; ++i) {
    handles.push_back(index.Claim(values[i], keys[i], i));
    if (handles.back() != ValueIndex::kNone) index.SetWrite(handles.back(), 100 + i);
  }
  EXPECT_EQ(handles[3], ValueIndex::kNone);
  EXPECT_TRUE(index.HasOthers());
  EXPECT_EQ(index.Find(7), 100u);
  EXPECT_EQ(index.Find(8), 101u);
  EXPECT_EQ(index.FindOther(2, 7), 102u);
  EXPECT_EQ(index.FindOther(3, 7), 104u);
  EXPECT_EQ(index.FindOther(4, 7), ValueIndex::kNone);
  EXPECT_EQ(index.FindOther(2, 8), ValueIndex::kNone);
  index.SetWrite(handles[2], 200);  // the write moved (sorted by call)
  EXPECT_EQ(index.FindOther(2, 7), 200u);
}

// A history file needs values unique per key only: a value stored under two keys is each
// key's own value, never unknown_value, and a stale one is still stale.
TEST(CheckerValueIndexTest, ValueStoredUnderTwoKeysIsEachKeysOwn) {
  auto op = [](OpKind kind, uint64_t key, uint64_t value, int64_t call, int64_t ret) {
    Op o;
    o.kind = kind;
    o.key = key;
    o.value = value;
    o.found = kind == OpKind::kLoad;
    o.call = call;
    o.ret = ret;
    return o;
  };
  History h;
  h.initial.push_back(Entry{3, 7});  // the prefill owns 7
  h.ops.push_back(op(OpKind::kStore, 1, 7, 10, 20));
  h.ops.push_back(op(OpKind::kStore, 2, 7, 30, 40));
  Op it = op(OpKind::kIterate, 0, 0, 50, 60);
  it.first_entry = 0;
  it.entry_count = 3;
  h.entries = {Entry{1, 7}, Entry{2, 7}, Entry{3, 7}};
  h.ops.push_back(it);
  h.ops.push_back(op(OpKind::kLoad, 2, 7, 70, 80));
  h.ops.push_back(op(OpKind::kLoad, 1, 7, 70, 80));
  for (ValueLayout layout : {ValueLayout::kAuto, ValueLayout::kRuns, ValueLayout::kHash}) {
    CheckOptions options;
    options.value_layout = layout;
    CheckResult r = Check(h, options);
    EXPECT_EQ(r.snapshot, 1u);
    for (int i = 0; i < kAnomalyCount; ++i) EXPECT_EQ(r.anomalies[i], 0u) << AnomalyName(static_cast<Anomaly>(i));
  }
  // Key 2 erased before a second iteration that still sees 7 under key 2, and a load of key 1
  // (never erased) is fine while a load of key 2 after the erase is stale.
  h.ops.push_back(op(OpKind::kErase, 2, 0, 90, 100));
  h.ops.back().found = true;  // it removed key 2
  Op late = op(OpKind::kIterate, 0, 0, 110, 120);
  late.first_entry = 3;
  late.entry_count = 2;
  h.entries.push_back(Entry{1, 7});
  h.entries.push_back(Entry{2, 7});
  h.ops.push_back(late);
  h.ops.push_back(op(OpKind::kLoad, 2, 7, 130, 140));
  for (ValueLayout layout : {ValueLayout::kAuto, ValueLayout::kRuns, ValueLayout::kHash}) {
    CheckOptions options;
    options.value_layout = layout;
    CheckResult r = Check(h, options);
    EXPECT_EQ(r.Count(Anomaly::kUnknownValue), 0u);
    EXPECT_EQ(r.Count(Anomaly::kPhantom), 1u);  // key 2 could not be present during [110, 120]
    EXPECT_EQ(r.Count(Anomaly::kMissing), 1u);  // key 3, prefilled and never erased
    EXPECT_EQ(r.Count(Anomaly::kStaleRead), 1u);
  }
}

// Runs of the given lengths (writer w's values encode(w, 0..)), ownership order run by run; the
// store of ordinal o returns at rets[o] (its write is 1000 + o). Returns the index, returns noted.
ValueIndex WithReturns(const std::vector<uint64_t>& lengths, const std::vector<int64_t>& rets,
                       std::vector<uint64_t>* values) {
  auto encode = [](uint64_t writer, uint64_t seq) { return (uint64_t{1} << 52) | (writer << 41) | seq; };
  values->clear();
  for (uint64_t w = 0; w < lengths.size(); ++w) {
    for (uint64_t s = 0; s < lengths[w]; ++s) values->push_back(encode(w + 1, s));
  }
  ValueIndex index = Build(*values, ValueLayout::kRuns);
  for (uint32_t o = 0; o < values->size(); ++o) index.NoteReturn(o, rets[o]);
  index.FinishReturns([&](uint32_t write) { return rets[write - 1000]; });
  return index;
}

// An iteration's filter may skip a value only when its store returned by the iteration's return.
TEST(CheckerValueIndexTest, CutsNeverSkipAStoreStillRunning) {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 300; ++round) {
    std::vector<uint64_t> lengths(1 + rng() % 12);  // up to 12 runs: both of Cuts' ways
    for (uint64_t& n : lengths) n = 1 + rng() % 200;
    uint64_t total = 0;
    for (uint64_t n : lengths) total += n;
    std::vector<int64_t> rets(total);
    for (int64_t& r : rets) r = static_cast<int64_t>(rng() % 1000);
    std::vector<uint64_t> values;
    ValueIndex index = WithReturns(lengths, rets, &values);
    ASSERT_TRUE(index.UsesRuns());
    ValueIndex::Cuts cuts(index);
    for (int64_t t : {int64_t{-1}, int64_t{0}, int64_t{250}, int64_t{500}, int64_t{999}}) {
      cuts.Start(t);
      for (uint32_t o = 0; o < total; ++o) {
        if (rets[o] > t) {
          ASSERT_TRUE(cuts.MayReturnAfter(values[o])) << "round " << round << ", ordinal " << o << ", t " << t;
        }
      }
    }
  }
}

// The largest values too: a run ending at 2^64 - 1 whose stores are still running.
TEST(CheckerValueIndexTest, CutsSeeTheLargestValues) {
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  const std::vector<uint64_t> values = {5, 6, 7, max - 1, max};
  const std::vector<int64_t> rets = {1, 2, 3, 100, 100};
  ValueIndex index = Build(values, ValueLayout::kRuns);
  ASSERT_TRUE(index.UsesRuns());
  for (uint32_t o = 0; o < values.size(); ++o) index.NoteReturn(o, rets[o]);
  index.FinishReturns([&](uint32_t write) { return rets[write - 1000]; });
  ValueIndex::Cuts cuts(index);
  cuts.Start(50);
  EXPECT_TRUE(cuts.MayReturnAfter(max));
  EXPECT_TRUE(cuts.MayReturnAfter(max - 1));
  EXPECT_FALSE(cuts.MayReturnAfter(7));
  cuts.Start(100);
  EXPECT_FALSE(cuts.MayReturnAfter(max));
}

// A block of ordinals shared by two runs: the first run's last stores return late (at the trial's
// end), the second run's early; a reader after the second run's early stores skips them.
TEST(CheckerValueIndexTest, CutsOfARunIgnoreTheStoresOfTheRunSharingItsFirstBlock) {
  for (size_t runs : {size_t{2}, size_t{10}}) {  // few runs (tested at Start) and many
    std::vector<uint64_t> lengths(runs, 100);
    std::vector<int64_t> rets(100 * runs);
    for (size_t o = 0; o < rets.size(); ++o) {
      const size_t run = o / 100, seq = o % 100;
      rets[o] = run % 2 == 0 ? 10000 + static_cast<int64_t>(seq) : static_cast<int64_t>(seq) + 1;
    }
    std::vector<uint64_t> values;
    ValueIndex index = WithReturns(lengths, rets, &values);
    ValueIndex::Cuts cuts(index);
    cuts.Start(64);  // a run's own part of its first block returned by 64, its last store at 100
    for (size_t run = 1; run < runs; run += 2) {
      const size_t o = 100 * run;  // ordinal 100: in block 1, with the first run's 64..99
      EXPECT_FALSE(cuts.MayReturnAfter(values[o])) << runs << " runs, run " << run;
      EXPECT_TRUE(cuts.MayReturnAfter(values[o + 99])) << runs << " runs, run " << run;
    }
  }
}

}  // namespace
}  // namespace mapstress
