// FlatMap: the same answers from the hash table and, after Freeze, from the array by key.
#include "check/flat_map.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <vector>

namespace mapstress {
namespace {

constexpr uint32_t kNone = FlatMap::kNone;

// Inserts `count` keys drawn below `bound` (some twice), as the checker does: value = order of
// first insertion. Returns the expected map.
std::map<uint64_t, uint32_t> Fill(FlatMap* map, uint64_t bound, int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::map<uint64_t, uint32_t> want;
  for (int i = 0; i < count; ++i) {
    const uint64_t key = rng() % bound;
    const auto value = static_cast<uint32_t>(want.size());
    EXPECT_EQ(map->Insert(key, value), want.emplace(key, value).first->second) << key;
  }
  return want;
}

// Every key below probe_to and a few far beyond it.
void ExpectAnswers(const FlatMap& map, const std::map<uint64_t, uint32_t>& want, uint64_t probe_to) {
  std::vector<uint64_t> keys{probe_to * 8, uint64_t{1} << 40, ~uint64_t{0}};
  for (uint64_t key = 0; key < probe_to; ++key) keys.push_back(key);
  for (uint64_t key : keys) {
    const auto it = want.find(key);
    ASSERT_EQ(map.Find(key), it == want.end() ? kNone : it->second) << key;
  }
}

TEST(FlatMap, FrozenSmallKeysGiveTheSameAnswers) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    FlatMap map;
    const auto want = Fill(&map, 5000, 4000, seed);
    ExpectAnswers(map, want, 6000);
    map.Freeze();
    ExpectAnswers(map, want, 6000);
  }
}

TEST(FlatMap, FrozenSparseKeysStayHashedAndRight) {
  FlatMap map;
  std::map<uint64_t, uint32_t> want;
  for (uint32_t i = 0; i < 100; ++i) {
    const uint64_t key = (uint64_t{i} << 33) | 5;  // far above 8 × size
    map.Insert(key, i);
    want[key] = i;
  }
  map.Insert(7, 100);
  want[7] = 100;
  map.Freeze();
  ExpectAnswers(map, want, 64);
  for (const auto& [key, value] : want) ASSERT_EQ(map.Find(key), value) << key;
}

TEST(FlatMap, InsertAfterFreezeKeepsEveryKey) {
  FlatMap map;
  auto want = Fill(&map, 300, 200, 3);
  map.Freeze();
  EXPECT_EQ(map.Insert(uint64_t{1} << 50, 999), 999u);  // beyond the array
  want[uint64_t{1} << 50] = 999;
  EXPECT_EQ(map.Insert(1000, 1000), 1000u);
  want[1000] = 1000;
  ExpectAnswers(map, want, 1200);
  EXPECT_EQ(map.Find(uint64_t{1} << 50), 999u);
}

TEST(FlatMap, EmptyMapFreezesToNothingFound) {
  FlatMap map;
  map.Freeze();
  EXPECT_EQ(map.Find(0), kNone);
  EXPECT_EQ(map.Find(12345), kNone);
}

}  // namespace
}  // namespace mapstress
