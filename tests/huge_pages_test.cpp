// huge_pages: given-back blocks are kept and handed out again (best fit, the tail beyond the
// request unmapped; for a larger request the largest kept block's pages move to the start of a
// fresh one), a forked child keeps none, and checks that reuse kept blocks, which hold an
// earlier check's contents, give the same results as fresh ones.
#include "check/huge_pages.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "check/checker.h"
#include "checker_test_support.h"

namespace mapstress {
namespace {

using huge_pages::kHuge;

class HugePagesTest : public testing::Test {
 protected:
  void SetUp() override { huge_pages::ReleaseKept(); }
  void TearDown() override { huge_pages::ReleaseKept(); }
};

TEST_F(HugePagesTest, AGivenBackBlockIsHandedOutAgainWithItsTailUnmapped) {
  char* a = static_cast<char*>(huge_pages::Map(5 * kHuge));
  ASSERT_EQ(reinterpret_cast<uintptr_t>(a) % kHuge, 0u);
  std::memset(a, 0x5a, 5 * kHuge);
  huge_pages::Unmap(a, 5 * kHuge - 1);  // the same rounded size
  EXPECT_EQ(huge_pages::KeptBytes(), 5 * kHuge);
  char* b = static_cast<char*>(huge_pages::Map(3 * kHuge - 7));  // rounded: 3 huge pages
  EXPECT_EQ(b, a);
  EXPECT_EQ(huge_pages::KeptBytes(), 0u);
  std::memset(b, 1, 3 * kHuge);  // writable, whatever the kernel did with the freed pages
  EXPECT_EQ(b[3 * kHuge - 1], 1);
  huge_pages::Unmap(b, 3 * kHuge);
  EXPECT_EQ(huge_pages::KeptBytes(), 3 * kHuge);
}

TEST_F(HugePagesTest, ALargerRequestStartsWithTheLargestKeptBlocksPages) {
  char* small = static_cast<char*>(huge_pages::Map(kHuge));
  char* mid = static_cast<char*>(huge_pages::Map(3 * kHuge));
  std::memset(mid, 0x5a, 3 * kHuge);
  huge_pages::Unmap(small, kHuge);
  huge_pages::Unmap(mid, 3 * kHuge);
  const uint64_t reused = huge_pages::ReusedBytes();
  char* big = static_cast<char*>(huge_pages::Map(5 * kHuge));  // larger than any kept block
  EXPECT_EQ(reinterpret_cast<uintptr_t>(big) % kHuge, 0u);
  EXPECT_EQ(huge_pages::ReusedBytes() - reused, 3 * kHuge) << "the 3-page block's pages were not moved";
  EXPECT_EQ(huge_pages::KeptBytes(), 0u) << "the other kept block is dropped";
  // The moved pages (unless the kernel took them after MADV_FREE: then zeroes), then fresh ones.
  EXPECT_TRUE(big[0] == 0x5a || big[0] == 0);
  EXPECT_TRUE(big[3 * kHuge - 1] == 0x5a || big[3 * kHuge - 1] == 0);
  EXPECT_EQ(big[3 * kHuge], 0);
  std::memset(big, 1, 5 * kHuge);
  EXPECT_EQ(big[5 * kHuge - 1], 1);
  huge_pages::Unmap(big, 5 * kHuge);
  EXPECT_EQ(huge_pages::KeptBytes(), 5 * kHuge);
}

TEST_F(HugePagesTest, AForkedChildStartsWithNoKeptBlocks) {
  huge_pages::Unmap(huge_pages::Map(2 * kHuge), 2 * kHuge);
  ASSERT_EQ(huge_pages::KeptBytes(), 2 * kHuge);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const bool none = huge_pages::KeptBytes() == 0;
    void* p = huge_pages::Map(kHuge);  // the lock is usable in the child
    static_cast<char*>(p)[0] = 1;
    _exit(none ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child saw kept blocks";
  EXPECT_EQ(huge_pages::KeptBytes(), 2 * kHuge) << "the parent keeps its own";
}

TEST_F(HugePagesTest, TheSmallestBlockThatFitsIsTaken) {
  void* big = huge_pages::Map(6 * kHuge);
  void* small = huge_pages::Map(2 * kHuge);
  void* mid = huge_pages::Map(3 * kHuge);
  huge_pages::Unmap(big, 6 * kHuge);
  huge_pages::Unmap(small, 2 * kHuge);
  huge_pages::Unmap(mid, 3 * kHuge);
  EXPECT_EQ(huge_pages::KeptBytes(), 11 * kHuge);
  EXPECT_EQ(huge_pages::Map(3 * kHuge), mid);
  EXPECT_EQ(huge_pages::Map(kHuge), small);
  EXPECT_EQ(huge_pages::KeptBytes(), 6 * kHuge);
  huge_pages::Unmap(mid, 3 * kHuge);
  huge_pages::Unmap(small, kHuge);
  huge_pages::ReleaseKept();
  EXPECT_EQ(huge_pages::KeptBytes(), 0u);
}

#if !defined(__SANITIZE_THREAD__)
// Address space only: the blocks are never touched. (Not under ThreadSanitizer, which maps
// shadow memory for every mapping.)
TEST_F(HugePagesTest, KeptBytesStayUnderTheCapOldestDroppedFirst) {
  const size_t third = huge_pages::kMaxKeptBytes / 3 + kHuge;  // three of them exceed the cap
  void* first = huge_pages::Map(third);
  void* second = huge_pages::Map(third);
  void* last = huge_pages::Map(third);
  huge_pages::Unmap(first, third);
  huge_pages::Unmap(second, third);
  huge_pages::Unmap(last, third);
  EXPECT_EQ(huge_pages::KeptBytes(), 2 * huge_pages::Rounded(third));
  EXPECT_LE(huge_pages::KeptBytes(), huge_pages::kMaxKeptBytes);
  // The first one went: the next two requests get the other two.
  void* x = huge_pages::Map(third);
  void* y = huge_pages::Map(third);
  EXPECT_TRUE((x == second && y == last) || (x == last && y == second));
  huge_pages::Unmap(x, third);
  huge_pages::Unmap(y, third);
}
#endif

// Histories big enough that the write array (24 bytes per write, ~400k writes) is a huge-pages
// block: checking A again after B reuses blocks that hold B's data.
TEST_F(HugePagesTest, ChecksReusingKeptBlocksGiveTheSameResultsAsFreshOnes) {
  if (!huge_pages::kEnabled) GTEST_SKIP() << "huge pages are off under AddressSanitizer";
  // The first seeds whose histories are long enough (CounterHistory's length is random).
  auto sized = [](uint32_t seed, bool reuse, size_t min_ops) {
    for (;; ++seed) {
      History h = CounterHistory(seed, reuse, 8, 1'200'000);
      if (h.ops.size() >= min_ops) return h;
    }
  };
  History a = sized(1, false, 900'000);
  History b = sized(a.ops.size() % 1000, true, a.ops.size() + 50'000);  // B's arrays are larger
  CheckOptions options;
  options.threads = 2;
  options.max_examples = 5;
  const CheckResult a_fresh = Check(a, options);
  EXPECT_GE(huge_pages::KeptBytes(), huge_pages::kMinBytes) << "the write array was not a kept block";
  huge_pages::ReleaseKept();
  const CheckResult b_fresh = Check(b, options);
  const uint64_t reused = huge_pages::ReusedBytes();
  const CheckResult a_again = Check(a, options);  // B's blocks, B's contents
  EXPECT_GE(huge_pages::ReusedBytes() - reused, huge_pages::kMinBytes) << "no kept block was reused";
  ExpectSameResult(a_fresh, a_again, "history A after B");
  EXPECT_NE(a_fresh.anomalies, b_fresh.anomalies) << "A and B should differ";
  uint64_t anomalies = 0;
  for (uint64_t n : a_fresh.anomalies) anomalies += n;
  EXPECT_GT(anomalies, 0u) << "random histories are mostly wrong: nothing would be compared";
}

}  // namespace
}  // namespace mapstress
