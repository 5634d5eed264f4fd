// Each deliberately faulty backend's one bug, shown directly on the map (no engine). The
// crash and hang backends are only inspected here: triggering them would kill or block the
// test process (they are tested through the engine's isolation).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "backend/backend_registry.h"

namespace mapstress {
namespace {

using Pairs = std::vector<std::pair<uint64_t, uint64_t>>;

std::unique_ptr<Map> Create(const std::string& name) {
  static const BackendRegistry registry = BackendRegistry::BuiltIn();
  const BackendInfo* info = registry.Find(name);
  if (info == nullptr) return nullptr;
  return info->create(BackendOptions{});
}

Pairs Visit(Map& map) {
  Pairs seen;
  map.Iterate(Visitor{[](void* ctx, uint64_t k, uint64_t v) {
                        static_cast<Pairs*>(ctx)->emplace_back(k, v);
                        return false;
                      },
                      &seen});
  return seen;
}

TEST(FaultyBackends, AllAreTestingOnlyAndOutOfTheDefaultSet) {
  const BackendRegistry registry = BackendRegistry::BuiltIn();
  const std::vector<std::string> defaults = registry.DefaultSet();
  const std::vector<std::string> all = registry.Expand("all");
  int faulty = 0;
  for (const BackendInfo& b : registry.All()) {
    if (b.name.rfind("faulty-", 0) != 0) continue;
    ++faulty;
    EXPECT_TRUE(b.testing_only) << b.name;
    EXPECT_FALSE(b.in_default_set) << b.name;
    EXPECT_EQ(std::count(defaults.begin(), defaults.end(), b.name), 0) << b.name;
    EXPECT_EQ(std::count(all.begin(), all.end(), b.name), 0) << b.name;
    EXPECT_NE(b.guarantee, Guarantee::kNone) << b.name;
    EXPECT_NE(Create(b.name), nullptr) << b.name;
  }
  EXPECT_EQ(faulty, 14);
  EXPECT_TRUE(registry.Find("faulty-crash")->always_isolate);
  EXPECT_TRUE(registry.Find("faulty-hang")->always_isolate);
  EXPECT_EQ(registry.Find("faulty-crash")->guarantee, Guarantee::kSnapshot);
  EXPECT_EQ(registry.Find("faulty-double-visit")->guarantee, Guarantee::kWeak);
}

TEST(FaultyBackends, DoubleVisitVisitsAKeyTwice) {
  auto map = Create("faulty-double-visit");
  for (uint64_t k = 0; k < 200; ++k) map->Store(k, k + 1);
  std::map<uint64_t, int> count;
  for (const auto& [k, v] : Visit(*map)) {
    EXPECT_EQ(v, k + 1);
    ++count[k];
  }
  EXPECT_EQ(count.size(), 200u);  // nothing missing
  int twice = 0;
  for (const auto& [k, c] : count) twice += c == 2;
  EXPECT_EQ(twice, 3);  // entries 64, 128 and 192
}

TEST(FaultyBackends, LingeringEraseShowsErasedKeys) {
  auto map = Create("faulty-lingering-erase");
  for (uint64_t k = 0; k < 100; ++k) map->Store(k, k + 1);
  for (uint64_t k = 0; k < 10; ++k) EXPECT_TRUE(map->Erase(k));
  uint64_t v = 0;
  EXPECT_FALSE(map->Load(3, &v));  // point ops are correct
  std::map<uint64_t, int> count;
  for (const auto& [k, val] : Visit(*map)) {
    EXPECT_EQ(val, k + 1);
    ++count[k];
  }
  EXPECT_EQ(count.size(), 100u);  // the 10 erased keys are visited anyway
  for (const auto& [k, c] : count) EXPECT_EQ(c, 1) << k;
  // Re-storing an erased key shows it once, with its new value.
  map->Store(5, 500);
  int fives = 0;
  for (const auto& [k, val] : Visit(*map)) {
    if (k == 5) {
      ++fives;
      EXPECT_EQ(val, 500u);
    }
  }
  EXPECT_EQ(fives, 1);
}

TEST(FaultyBackends, OldVersionReturnsThePreviousValue) {
  auto map = Create("faulty-old-version");
  map->Store(1, 10);
  map->Store(2, 20);
  map->Store(2, 21);
  map->Store(3, 30);
  map->Store(3, 31);
  map->Store(3, 32);
  uint64_t v = 0;
  EXPECT_TRUE(map->Load(3, &v));
  EXPECT_EQ(v, 32u);  // point loads are correct
  std::map<uint64_t, uint64_t> seen;
  for (const auto& [k, val] : Visit(*map)) seen[k] = val;
  EXPECT_EQ(seen, (std::map<uint64_t, uint64_t>{{1, 10}, {2, 21}, {3, 31}}));
}

TEST(FaultyBackends, TornValueReturnsAValueNeverStored) {
  auto map = Create("faulty-torn-value");
  std::map<uint64_t, std::set<uint64_t>> stored;
  for (uint64_t k = 0; k < 64; ++k) {
    for (uint64_t i = 0; i < k % 3 + 1; ++i) {
      const uint64_t value = ((k + 1) << 40) | ((i + 1) << 33) | (k * 7 + i);
      map->Store(k, value);
      stored[k].insert(value);
    }
  }
  int never_stored = 0;
  size_t visited = 0;
  for (const auto& [k, v] : Visit(*map)) {
    ++visited;
    never_stored += stored[k].count(v) == 0;
  }
  EXPECT_EQ(visited, 64u);
  EXPECT_EQ(never_stored, 8);  // every 8th entry
}

TEST(FaultyBackends, EraseResultClaimsEveryEighthAbsentRemoval) {
  auto map = Create("faulty-erase-result");
  map->Store(1, 10);
  EXPECT_TRUE(map->Erase(1));  // a real removal is reported as one
  int claimed = 0;
  for (int i = 0; i < 64; ++i) claimed += map->Erase(2);
  EXPECT_EQ(claimed, 8);
  uint64_t value = 0;
  EXPECT_FALSE(map->Load(1, &value));  // nothing else is wrong
  EXPECT_TRUE(Visit(*map).empty());
}

TEST(FaultyBackends, DoubleRemoveIsRightOneAtATime) {
  auto map = Create("faulty-double-remove");
  map->Store(1, 10);
  EXPECT_TRUE(map->Erase(1));
  EXPECT_FALSE(map->Erase(1));  // the bug needs two erases at once (FaultyCaught shows it)
  uint64_t value = 0;
  EXPECT_FALSE(map->Load(1, &value));
  EXPECT_TRUE(Visit(*map).empty());
}

TEST(FaultyBackends, LaggingReplicaIsRightOneAtATime) {
  auto map = Create("faulty-lagging-replica");
  map->Store(1, 10);
  map->Store(1, 11);
  uint64_t value = 0;
  for (int i = 0; i < 4; ++i) {  // both copies, in turn: the bug needs a load during a write
    EXPECT_TRUE(map->Load(1, &value));
    EXPECT_EQ(value, 11u);
  }
  EXPECT_TRUE(map->Erase(1));
  EXPECT_FALSE(map->Erase(1));
  EXPECT_FALSE(map->Load(1, &value));
  EXPECT_FALSE(map->Load(1, &value));
  EXPECT_TRUE(Visit(*map).empty());
}

// The visitor runs between buckets without the lock, so it can force resizes mid-iteration.
TEST(FaultyBackends, SkipOnResizeMissesKeysWhenTheTableGrows) {
  auto map = Create("faulty-skip-on-resize");
  constexpr uint64_t kOld = 100;
  for (uint64_t k = 0; k < kOld; ++k) map->Store(k, k + 1);
  // Without a resize the iteration is complete.
  std::set<uint64_t> keys;
  for (const auto& [k, v] : Visit(*map)) keys.insert(k);
  EXPECT_EQ(keys.size(), kOld);

  struct Ctx {
    Map* map;
    std::map<uint64_t, int> seen;
    int calls = 0;
  } ctx;
  ctx.map = map.get();
  map->Iterate(Visitor{[](void* c, uint64_t k, uint64_t) {
                         auto* ctx = static_cast<Ctx*>(c);
                         ++ctx->seen[k];
                         if (++ctx->calls == 50) {  // halfway: enough new keys to resize
                           for (uint64_t n = 1000; n < 1020; ++n) ctx->map->Store(n, n);
                         }
                         return false;
                       },
                       &ctx});
  int missed = 0;
  for (uint64_t k = 0; k < kOld; ++k) missed += ctx.seen.count(k) == 0;
  EXPECT_GT(missed, 0);
  for (const auto& [k, c] : ctx.seen) EXPECT_EQ(c, 1) << k;  // never a duplicate
  // Point ops stay correct across the resizes.
  for (uint64_t k = 0; k < kOld; ++k) {
    uint64_t v = 0;
    ASSERT_TRUE(map->Load(k, &v));
    EXPECT_EQ(v, k + 1);
  }
}

// The crash and hang backends behave as plain maps below their trigger counts.
TEST(FaultyBackends, CrashAndHangAreCorrectBeforeTheirTrigger) {
  for (const char* name : {"faulty-crash", "faulty-hang"}) {
    auto map = Create(name);
    for (uint64_t k = 0; k < 500; ++k) map->Store(k, k + 1);
    for (uint64_t k = 0; k < 500; k += 2) EXPECT_TRUE(map->Erase(k)) << name;
    uint64_t v = 0;
    EXPECT_TRUE(map->Load(1, &v));
    EXPECT_EQ(v, 2u);
    Pairs all = Visit(*map);
    std::sort(all.begin(), all.end());
    ASSERT_EQ(all.size(), 250u) << name;
    for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].first, 2 * i + 1);
  }
}

}  // namespace
}  // namespace mapstress
