// UninitAllocator: big arrays come 2 MiB-aligned from huge pages and behave like any vector's
// storage (growth from the heap into big blocks keeps the elements; freeing and reallocating works).
#include "check/uninit_allocator.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>

namespace mapstress {
namespace {

constexpr size_t kBig = huge_pages::kMinBytes / sizeof(uint64_t);

TEST(UninitAllocator, BigArraysAreHugePageAligned) {
  if (!huge_pages::kEnabled) GTEST_SKIP() << "huge pages are off under AddressSanitizer";
  UninitVector<uint64_t> v;
  v.resize(kBig + 3);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(v.data()) % huge_pages::kHuge, 0u);
  v.back() = 7;  // the whole rounded block is writable
  EXPECT_EQ(v.back(), 7u);
}

TEST(UninitAllocator, GrowthKeepsElementsAcrossHeapAndHugeBlocks) {
  UninitVector<uint64_t> v;
  for (uint64_t i = 0; i < 3 * kBig; ++i) v.push_back(i * 2654435761u);  // heap, then 3 big blocks
  for (uint64_t i = 0; i < v.size(); i += 4099) ASSERT_EQ(v[i], i * 2654435761u) << i;
  EXPECT_EQ(v.back(), (3 * kBig - 1) * 2654435761u);
  UninitVector<uint64_t> copy = v;
  EXPECT_EQ(copy, v);
  v.clear();
  v.shrink_to_fit();
  v.resize(kBig);  // a block again after the old one was given back
  std::iota(v.begin(), v.end(), uint64_t{0});
  EXPECT_EQ(std::accumulate(v.begin(), v.end(), uint64_t{0}), kBig * (kBig - 1) / 2);
}

}  // namespace
}  // namespace mapstress
