// The built-in backends from the registry: sequential semantics against std::map, and a short
// concurrent smoke where writers own disjoint keys.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "backend/backend_registry.h"
#include "scenario/scenario.h"

namespace mapstress {
namespace {

using Pairs = std::vector<std::pair<uint64_t, uint64_t>>;

const BackendRegistry& Registry() {
  static const BackendRegistry registry = BackendRegistry::BuiltIn();
  return registry;
}

// Every visited entry in visit order (duplicates kept).
Pairs Visit(Map& map) {
  Pairs seen;
  map.Iterate(Visitor{[](void* ctx, uint64_t k, uint64_t v) {
                        static_cast<Pairs*>(ctx)->emplace_back(k, v);
                        return false;
                      },
                      &seen});
  return seen;
}

Pairs Sorted(Pairs p) {
  std::sort(p.begin(), p.end());
  return p;
}

// Thousands of random store/overwrite/erase/load ops over a small key range, each result
// checked against std::map; every 250 ops the iteration must yield exactly the contents.
void ExpectSequentialSemantics(const BackendInfo& info, uint64_t seed) {
  SCOPED_TRACE(info.name + " seed " + std::to_string(seed));
  BackendOptions options;
  options.capacity_hint = 8;  // small: tables must grow
  options.shards = 4;
  std::unique_ptr<Map> map = info.create(options);
  ASSERT_NE(map, nullptr);
  map->AttachThread();
  std::map<uint64_t, uint64_t> reference;
  std::mt19937_64 rng(seed);
  const uint64_t keys = 300;
  for (int i = 0; i < 5000; ++i) {
    const uint64_t key = rng() % keys;
    const int op = static_cast<int>(rng() % 10);
    if (op < 4) {
      const uint64_t value = 1 + rng() % 1000000;  // never 0 or near UINT64_MAX
      map->Store(key, value);
      reference[key] = value;
    } else if (op < 7) {
      ASSERT_EQ(map->Erase(key), reference.erase(key) == 1) << "erase " << key << " op " << i;
    } else {
      uint64_t value = 0;
      auto it = reference.find(key);
      ASSERT_EQ(map->Load(key, &value), it != reference.end()) << "load " << key << " op " << i;
      if (it != reference.end()) {
        ASSERT_EQ(value, it->second) << "load " << key;
      }
    }
    if (i % 250 == 249) {
      Pairs expected(reference.begin(), reference.end());
      ASSERT_EQ(Sorted(Visit(*map)), expected) << "iteration after op " << i;
    }
  }
  // Erasing an absent key, overwriting, then early stop: the visitor returning true ends it.
  EXPECT_FALSE(map->Erase(keys + 5));
  map->Store(keys + 5, 11);
  map->Store(keys + 5, 12);
  uint64_t value = 0;
  EXPECT_TRUE(map->Load(keys + 5, &value));
  EXPECT_EQ(value, 12u);
  EXPECT_TRUE(map->Erase(keys + 5));
  EXPECT_FALSE(map->Load(keys + 5, &value));
  for (uint64_t k = 0; k < 10; ++k) map->Store(k, k + 1);
  int visited = 0;
  map->Iterate(Visitor{[](void* ctx, uint64_t, uint64_t) { return ++*static_cast<int*>(ctx) == 4; }, &visited});
  EXPECT_EQ(visited, 4);
  map->DetachThread();
}

// Names of the registered backends the generic tests apply to: built-in, not testing-only,
// not unsafe by design, and needing no external server.
std::vector<std::string> SafeBackends() {
  std::vector<std::string> names;
  for (const BackendInfo& b : Registry().All()) {
    if (b.testing_only || b.always_isolate || b.name.rfind("redis", 0) == 0) continue;
    names.push_back(b.name);
  }
  return names;
}

TEST(Backends, CoreBackendsAreRegistered) {
  const std::vector<std::string> names = SafeBackends();
  for (const char* name : {"locked", "rwlocked", "sharded", "cow", "syncmap"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
    const BackendInfo* info = Registry().Find(name);
    ASSERT_NE(info, nullptr);
    EXPECT_TRUE(info->in_default_set) << name;
    EXPECT_FALSE(info->promise.empty()) << name;
    EXPECT_FALSE(info->concurrency.empty()) << name;
  }
  EXPECT_EQ(Registry().Find("rwlocked")->guarantee, Guarantee::kSnapshot);
  EXPECT_EQ(Registry().Find("cow")->guarantee, Guarantee::kSnapshot);
  EXPECT_EQ(Registry().Find("sharded")->guarantee, Guarantee::kWeak);
  EXPECT_EQ(Registry().Find("syncmap")->guarantee, Guarantee::kWeak);
}

class SafeBackend : public testing::TestWithParam<std::string> {};

TEST_P(SafeBackend, SequentialSemanticsMatchStdMap) {
  const BackendInfo& info = *Registry().Find(GetParam());
  ExpectSequentialSemantics(info, 1);
  ExpectSequentialSemantics(info, 2);
}

// True if the backend allows threads mixing store/erase/load/iterate at once.
bool AllowsMixedConcurrency(const BackendInfo& info) {
  if (info.guarantee == Guarantee::kNone) return false;
  if (!info.unsupported_reason) return true;
  Scenario s;
  s.name = "smoke";
  s.keys.count = 1000;
  ThreadGroup mixed;
  mixed.role = Role::kMixed;
  mixed.count = 4;
  mixed.mix = OpMix{40, 0, 20, 20, 20};
  s.threads = {mixed};
  return info.unsupported_reason(s.Traits()).empty();
}

// Four threads, each owning a disjoint key range, mix store/erase/load/iterate for ~100 ms.
// Loads of a thread's own keys must agree with its own last write; iterations must never show
// a key that no thread ever stored (keys are range-checked), and the final contents must be
// exactly every thread's last writes.
void ExpectConcurrentSmoke(const BackendInfo& info) {
  SCOPED_TRACE(info.name);
  BackendOptions options;
  options.capacity_hint = 8;
  options.shards = 4;
  std::unique_ptr<Map> map = info.create(options);
  ASSERT_NE(map, nullptr);
  constexpr int kThreads = 4;
  constexpr uint64_t kPerThread = 64;
  const bool dups_allowed = info.Profile().Of(Anomaly::kDuplicate) != Grade::kForbidden;
  std::vector<std::map<uint64_t, uint64_t>> finals(kThreads);
  std::atomic<uint64_t> bad_loads{0}, bad_visits{0}, iterations{0};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      map->AttachThread();
      std::mt19937_64 rng(1000 + t);
      std::map<uint64_t, uint64_t>& mine = finals[t];
      const uint64_t base = static_cast<uint64_t>(t) * kPerThread;
      uint64_t next_value = (static_cast<uint64_t>(t) + 1) << 32;
      int i = 0;
      while ((++i & 63) != 0 || std::chrono::steady_clock::now() < deadline) {
        const uint64_t key = base + rng() % kPerThread;
        switch (rng() % 8) {
          case 0:
          case 1:
          case 2:
            map->Store(key, ++next_value);
            mine[key] = next_value;
            break;
          case 3:
          case 4:
            if (map->Erase(key) != (mine.erase(key) == 1)) bad_loads.fetch_add(1);
            break;
          case 5:
          case 6: {
            uint64_t value = 0;
            auto it = mine.find(key);
            const bool found = map->Load(key, &value);
            if (found != (it != mine.end()) || (found && value != it->second)) bad_loads.fetch_add(1);
            break;
          }
          default: {
            // Own keys do not change during this thread's iteration: each present one must be
            // seen once with its value, and no absent one may be seen.
            size_t own_seen = 0;
            for (const auto& [k, v] : Visit(*map)) {
              if (k >= kThreads * kPerThread) bad_visits.fetch_add(1);
              if (k >= base && k < base + kPerThread) {
                ++own_seen;
                auto it = mine.find(k);
                if (it == mine.end() || it->second != v) bad_visits.fetch_add(1);
              }
            }
            if (own_seen < mine.size() || (own_seen > mine.size() && !dups_allowed)) {
              bad_visits.fetch_add(1);
            }
            iterations.fetch_add(1);
          }
        }
      }
      map->DetachThread();
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad_loads.load(), 0u);
  EXPECT_EQ(bad_visits.load(), 0u);
  EXPECT_GT(iterations.load(), 0u);
  Pairs expected;
  for (const auto& f : finals) expected.insert(expected.end(), f.begin(), f.end());
  std::sort(expected.begin(), expected.end());
  map->AttachThread();
  EXPECT_EQ(Sorted(Visit(*map)), expected) << "final contents";
  map->DetachThread();
}

TEST_P(SafeBackend, ConcurrentSmoke) {
  const BackendInfo& info = *Registry().Find(GetParam());
  if (!AllowsMixedConcurrency(info)) GTEST_SKIP() << GetParam() << " forbids this mix";
  ExpectConcurrentSmoke(info);
}

std::string ParamName(const testing::TestParamInfo<std::string>& info) {
  std::string s = info.param;
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

INSTANTIATE_TEST_SUITE_P(Registered, SafeBackend, testing::ValuesIn(SafeBackends()), ParamName);

// Runs unsynchronised, so only one thread ever touches it here.
TEST(BackendsUnsafe, UnsafeSequentialSemantics) {
  const BackendInfo* info = Registry().Find("unsafe");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->guarantee, Guarantee::kNone);
  EXPECT_TRUE(info->always_isolate);
  EXPECT_TRUE(info->in_default_set);
  ExpectSequentialSemantics(*info, 3);
}

// A visitor may store into syncmap (Go's Range allows it); the new key need not be visited.
TEST(Backends, SyncMapAllowsStoresFromTheVisitor) {
  std::unique_ptr<Map> map = Registry().Find("syncmap")->create(BackendOptions{});
  for (uint64_t k = 0; k < 50; ++k) map->Store(k, k + 1);
  struct Ctx {
    Map* map;
    int visits;
  } ctx{map.get(), 0};
  map->Iterate(Visitor{[](void* c, uint64_t k, uint64_t v) {
                         auto* ctx = static_cast<Ctx*>(c);
                         ++ctx->visits;
                         ctx->map->Store(k + 1000, v);  // a new key: goes to the dirty map
                         ctx->map->Store(k, v + 1);     // an existing key: in place
                         return false;
                       },
                       &ctx});
  EXPECT_EQ(ctx.visits, 50);
  Pairs all = Sorted(Visit(*map));
  ASSERT_EQ(all.size(), 100u);
  for (uint64_t k = 0; k < 50; ++k) {
    EXPECT_EQ(all[k], std::make_pair(k, k + 2));
    EXPECT_EQ(all[50 + k], std::make_pair(k + 1000, k + 1));
  }
}

// syncmap's read/dirty machinery: keys deleted after a promotion are expunged when the next
// new key rebuilds the dirty map, and storing to them again brings them back.
TEST(Backends, SyncMapExpungeAndRestore) {
  std::unique_ptr<Map> map = Registry().Find("syncmap")->create(BackendOptions{});
  for (uint64_t k = 0; k < 20; ++k) map->Store(k, k + 1);
  Visit(*map);  // promotes dirty: all keys are now in the read map
  for (uint64_t k = 0; k < 10; ++k) EXPECT_TRUE(map->Erase(k));
  map->Store(100, 7);  // rebuilds dirty, expunging the 10 deleted entries
  for (uint64_t k = 0; k < 10; ++k) {
    uint64_t v = 0;
    EXPECT_FALSE(map->Load(k, &v));
    EXPECT_FALSE(map->Erase(k));
  }
  map->Store(3, 33);  // unexpunges key 3 into the dirty map
  uint64_t v = 0;
  // Enough misses on a dirty-only key promote the dirty map.
  for (int i = 0; i < 40; ++i) EXPECT_TRUE(map->Load(100, &v));
  EXPECT_EQ(v, 7u);
  Pairs expected = {{3, 33}};
  for (uint64_t k = 10; k < 20; ++k) expected.emplace_back(k, k + 1);
  expected.emplace_back(100, 7);
  EXPECT_EQ(Sorted(Visit(*map)), expected);
}

}  // namespace
}  // namespace mapstress
