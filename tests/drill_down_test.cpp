// Drill-down text for one key and one iteration, on a hand-made history whose windows are
// worked out by hand.
#include "check/drill_down.h"

#include <gtest/gtest.h>

namespace mapstress {
namespace {

Op Point(OpKind kind, uint32_t thread, uint64_t key, uint64_t value, int64_t call, int64_t ret, bool found = false) {
  Op op;
  op.kind = kind;
  op.thread = thread;
  op.key = key;
  op.value = value;
  op.call = call;
  op.ret = ret;
  op.found = found;
  return op;
}

// Key 1 starts at 100; writer-1 stores 200 in [10, 20], so 100 may be in effect only until 20.
// Key 2 starts at 300 and is never written. iterator-1 runs [30, 40] and sees 1 -> 100 (stale)
// and misses key 2 (present throughout); a second iteration [50, 60] sees 1 -> 200 and 2 -> 300.
History Sample() {
  History h;
  h.scenario = "s";
  h.backend = "b";
  h.thread_names = {"writer-1", "iterator-1"};
  h.initial = {{1, 100}, {2, 300}};
  h.ops.push_back(Point(OpKind::kStore, 0, 1, 200, 10, 20));
  Op it = Point(OpKind::kIterate, 1, 0, 0, 30, 40);
  it.first_entry = 0;
  it.entry_count = 1;
  h.ops.push_back(it);
  it = Point(OpKind::kIterate, 1, 0, 0, 50, 60);
  it.first_entry = 1;
  it.entry_count = 2;
  h.ops.push_back(it);
  h.ops.push_back(Point(OpKind::kLoad, 0, 1, 200, 70, 80, true));
  h.entries = {{1, 100}, {1, 200}, {2, 300}};
  return h;
}

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(DrillDownTest, KeyShowsEveryWriteWindowAndEveryIteration) {
  std::string text = DescribeKey(Sample(), 1);
  EXPECT_TRUE(Has(text, "initial: value 100, in effect [start, 20]")) << text;
  EXPECT_TRUE(Has(text, "line 2 writer-1 store value 200 [10, 20], in effect [10, end]")) << text;
  EXPECT_TRUE(Has(text, "may be absent: never")) << text;
  EXPECT_TRUE(Has(text,
                  "iteration 1 (line 3 iterator-1) [30, 40]: value 100 -> WRONG: the initial value, in effect "
                  "only [start, 20]"))
      << text;
  EXPECT_TRUE(Has(text, "iteration 2 (line 4 iterator-1) [50, 60]: value 200 -> ok: written by line 2")) << text;
  EXPECT_TRUE(Has(text, "line 5 writer-1 load [70, 80]: value 200 -> ok")) << text;
  EXPECT_TRUE(Has(DescribeKey(Sample(), 9), "key 9: not prefilled and never written"));
}

TEST(DrillDownTest, KeyShowsMissesOfKeysPresentThroughout) {
  std::string text = DescribeKey(Sample(), 2);
  EXPECT_TRUE(Has(text, "iteration 1 (line 3 iterator-1) [30, 40]: MISSED: the key was present throughout")) << text;
  EXPECT_TRUE(Has(text, "iteration 2 (line 4 iterator-1) [50, 60]: value 300 -> ok")) << text;
}

TEST(DrillDownTest, KeyJudgesEachEraseResult) {
  History h = Sample();
  h.ops.push_back(Point(OpKind::kErase, 0, 1, 0, 90, 95, true));    // removes 200: ok
  h.ops.push_back(Point(OpKind::kErase, 0, 1, 0, 100, 105, true));  // nothing left to remove
  h.ops.push_back(Point(OpKind::kErase, 0, 2, 0, 90, 95, false));   // key 2 holds 300 throughout
  std::string text = DescribeKey(h, 1);
  EXPECT_TRUE(Has(text, "line 6 writer-1 erase [90, 95]: removed -> ok: may be present")) << text;
  EXPECT_TRUE(Has(text, "line 7 writer-1 erase [100, 105]: removed -> WRONG: no store may be in effect")) << text;
  text = DescribeKey(h, 2);
  EXPECT_TRUE(Has(text, "line 8 writer-1 erase [90, 95]: nothing removed -> WRONG: must be present")) << text;
  // Two overlapping removals of 300, each possible alone, with no store between them.
  h.ops.push_back(Point(OpKind::kErase, 0, 2, 0, 92, 99, true));
  h.ops.push_back(Point(OpKind::kErase, 0, 2, 0, 93, 97, true));
  text = DescribeKey(h, 2);
  EXPECT_TRUE(Has(text, "line 9 writer-1 erase [92, 99]: removed -> ok: may be present")) << text;
  EXPECT_TRUE(Has(text,
                  "line 10 writer-1 erase [93, 97]: removed -> WRONG: so did the erase on line 9 writer-1, "
                  "and no order of the writes lets both remove it"))
      << text;
}

TEST(DrillDownTest, IterationGivesTheCheckersVerdictAndEachKey) {
  bool found = false;
  std::string text = DescribeIteration(Sample(), 1, &found);
  ASSERT_TRUE(found);
  EXPECT_TRUE(Has(text, "iteration 1 of 2 (line 3 iterator-1) [30, 40]: 1 entries visited")) << text;
  EXPECT_TRUE(Has(text, "checker: anomalous; missing 1 stale_value 1")) << text;
  EXPECT_TRUE(Has(text, "key 1 must (possible values: 200): 100 -> WRONG")) << text;
  EXPECT_TRUE(Has(text, "key 2 must (possible values: 300): MISSED")) << text;
  text = DescribeIteration(Sample(), 2, &found);
  EXPECT_TRUE(Has(text, "checker: a snapshot")) << text;
  DescribeIteration(Sample(), 3, &found);
  EXPECT_FALSE(found);
}

}  // namespace
}  // namespace mapstress
