// The checker's value index (src/check/value_index.h): the run layout for self-describing
// counter values and the hash layout for anything else must find the same owners, and the
// checker's results must not depend on which one it uses.
#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <random>

#include "check/checker.h"
#include "check/value_index.h"

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
    uint32_t handle = index.Claim(values[i], i);
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

void ExpectSameResult(const CheckResult& a, const CheckResult& b, const std::string& what) {
  EXPECT_EQ(a.iterations, b.iterations) << what;
  EXPECT_EQ(a.snapshot, b.snapshot) << what;
  EXPECT_EQ(a.weak, b.weak) << what;
  EXPECT_EQ(a.anomalous, b.anomalous) << what;
  EXPECT_EQ(a.loads, b.loads) << what;
  EXPECT_EQ(a.anomalies, b.anomalies) << what;
  EXPECT_EQ(a.key_wrong, b.key_wrong) << what;
  EXPECT_EQ(a.key_total, b.key_total) << what;
  EXPECT_EQ(a.events, b.events) << what;
  ASSERT_EQ(a.examples.size(), b.examples.size()) << what;
  for (size_t i = 0; i < a.examples.size(); ++i) {
    EXPECT_EQ(a.examples[i].kind, b.examples[i].kind) << what;
    EXPECT_EQ(a.examples[i].key, b.examples[i].key) << what;
    EXPECT_EQ(a.examples[i].explanation, b.examples[i].explanation) << what;
    EXPECT_EQ(a.examples[i].witnesses, b.examples[i].witnesses) << what;
  }
}

// Random, mostly wrong histories whose values are counters (one run per writer thread, as
// the engine writes them) with some values reused, stored to two keys, or made up.
History Counters(uint32_t seed, bool reuse) {
  std::mt19937_64 rng(seed);
  auto rand = [&](uint64_t n) { return static_cast<uint64_t>(rng() % n); };
  History h;
  const uint64_t keys = 1 + rand(8);
  std::vector<uint64_t> next = {1000, 1u << 20, 2u << 20};  // per writer
  std::vector<std::vector<uint64_t>> stored(keys);
  for (uint64_t k = 0; k < keys; ++k) {
    if (rand(2)) {
      stored[k].push_back(next[0]);
      h.initial.push_back(Entry{k, next[0]++});
    }
  }
  std::vector<uint64_t> all;
  const int ops = 20 + static_cast<int>(rand(100));
  for (int i = 0; i < ops; ++i) {
    Op op;
    op.call = static_cast<int64_t>(i * 10 + rand(30));
    op.ret = op.call + static_cast<int64_t>(rand(rand(3) ? 15 : 200));
    op.thread = static_cast<uint32_t>(rand(3));
    op.key = rand(keys);
    int choice = static_cast<int>(rand(10));
    if (choice < 4) {
      op.kind = OpKind::kStore;
      op.value = next[1 + rand(2)]++;
      if (reuse && !all.empty() && rand(8) == 0) op.value = all[rand(all.size())];
      stored[op.key].push_back(op.value);
      all.push_back(op.value);
    } else if (choice < 6) {
      op.kind = OpKind::kErase;
      op.found = rand(2);
    } else if (choice < 8) {
      op.kind = OpKind::kLoad;
      op.found = rand(4) != 0 && !all.empty();
      if (op.found) {
        op.value = !stored[op.key].empty() && rand(3) ? stored[op.key][rand(stored[op.key].size())]
                                                      : all[rand(all.size())] + rand(2);
      }
    } else {
      op.kind = OpKind::kIterate;
      op.first_entry = h.entries.size();
      int n = static_cast<int>(rand(keys + 3));
      for (int e = 0; e < n; ++e) {
        uint64_t k = rand(keys + 1);  // keys: never written
        uint64_t v = all.empty() || rand(6) == 0 ? rng() : all[rand(all.size())];
        if (k < keys && !stored[k].empty() && rand(3)) v = stored[k][rand(stored[k].size())];
        h.entries.push_back(Entry{k, v});
      }
      op.entry_count = static_cast<uint32_t>(n);
    }
    h.ops.push_back(op);
  }
  if (rand(2)) std::shuffle(h.ops.begin(), h.ops.end(), rng);
  return h;
}

TEST(CheckerValueIndexTest, ResultsDoNotDependOnTheLayout) {
  uint64_t anomalies = 0;
  for (uint32_t seed = 1; seed <= 600; ++seed) {
    History h = Counters(seed, seed % 3 == 0);
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

}  // namespace
}  // namespace mapstress
