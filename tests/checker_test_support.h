// For the checker's tests: random counter-valued histories and a field-by-field result comparison.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/check_result.h"
#include "core/history.h"

namespace mapstress {

// Random, mostly wrong histories whose values are counters (one run per writer thread, as
// the engine writes them) with some values reused, stored to two keys, or made up.
inline History CounterHistory(uint32_t seed, bool reuse, uint64_t max_keys = 8, uint64_t more_ops = 100) {
  std::mt19937_64 rng(seed);
  auto rand = [&](uint64_t n) { return static_cast<uint64_t>(rng() % n); };
  History h;
  const uint64_t keys = 1 + rand(max_keys);
  std::vector<uint64_t> next = {1000, 1u << 20, 2u << 20};  // per writer
  std::vector<std::vector<uint64_t>> stored(keys);
  for (uint64_t k = 0; k < keys; ++k) {
    if (rand(2)) {
      stored[k].push_back(next[0]);
      h.initial.push_back(Entry{k, next[0]++});
    }
  }
  std::vector<uint64_t> all;
  const int ops = 20 + static_cast<int>(rand(more_ops));
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

// The counts alone (everything a reference checker without examples or tallies gives).
inline void ExpectSameCounts(const CheckResult& a, const CheckResult& b, const std::string& what) {
  EXPECT_EQ(a.iterations, b.iterations) << what;
  EXPECT_EQ(a.snapshot, b.snapshot) << what;
  EXPECT_EQ(a.weak, b.weak) << what;
  EXPECT_EQ(a.anomalous, b.anomalous) << what;
  EXPECT_EQ(a.loads, b.loads) << what;
  EXPECT_EQ(a.erases, b.erases) << what;
  EXPECT_EQ(a.erases_with, b.erases_with) << what;
  EXPECT_EQ(a.anomalies, b.anomalies) << what;
  EXPECT_EQ(a.iterations_with, b.iterations_with) << what;
  EXPECT_EQ(a.loads_with, b.loads_with) << what;
  EXPECT_EQ(a.key_wrong, b.key_wrong) << what;
  EXPECT_EQ(a.key_total, b.key_total) << what;
  EXPECT_EQ(a.events, b.events) << what;
}

inline void ExpectSameResult(const CheckResult& a, const CheckResult& b, const std::string& what) {
  ExpectSameCounts(a, b, what);
  EXPECT_EQ(a.first_anomaly_ns, b.first_anomaly_ns) << what;
  for (int i = 0; i < kAnomalyCount; ++i) {
    EXPECT_EQ(a.tallies[i].occasions, b.tallies[i].occasions) << what;
    EXPECT_EQ(a.tallies[i].partial, b.tallies[i].partial) << what;
    EXPECT_EQ(a.tallies[i].by_key, b.tallies[i].by_key) << what;
    EXPECT_EQ(a.tallies[i].top_key, b.tallies[i].top_key) << what;
  }
  ASSERT_EQ(a.examples.size(), b.examples.size()) << what;
  for (size_t i = 0; i < a.examples.size(); ++i) {
    EXPECT_EQ(a.examples[i].kind, b.examples[i].kind) << what;
    EXPECT_EQ(a.examples[i].key, b.examples[i].key) << what;
    EXPECT_EQ(a.examples[i].iteration, b.examples[i].iteration) << what;
    EXPECT_EQ(a.examples[i].explanation, b.examples[i].explanation) << what;
    EXPECT_EQ(a.examples[i].witnesses, b.examples[i].witnesses) << what;
  }
}

}  // namespace mapstress
