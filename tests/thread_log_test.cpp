#include "engine/thread_log.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace mapstress {
namespace {

History Decode(const ThreadLog& log, std::array<LatencyHistogram, kOpKindCount>* latency = nullptr) {
  History h;
  AppendThreadLog(log, 3, 1.0, &h, latency);
  return h;
}

TEST(ThreadLogTest, PointOpsKeepTheirOwnIntervals) {
  ThreadLog log(16);
  log.Point(kRecStore, 7, 70, false, 100, 130);
  log.Point(kRecErase, 7, 0, true, 130, 150);
  History h = Decode(log);
  ASSERT_EQ(h.ops.size(), 2u);
  EXPECT_EQ(h.ops[0].kind, OpKind::kStore);
  EXPECT_EQ(h.ops[0].call, 100);
  EXPECT_EQ(h.ops[0].ret, 130);
  EXPECT_EQ(h.ops[0].value, 70u);
  EXPECT_EQ(h.ops[1].kind, OpKind::kErase);
  EXPECT_TRUE(h.ops[1].found);
  EXPECT_EQ(h.ops[1].call, 130);
  EXPECT_EQ(h.ops[1].ret, 150);
  EXPECT_EQ(h.ops[1].thread, 3u);
}

TEST(ThreadLogTest, LongDurationUsesAnExtensionRecord) {
  ThreadLog log(16);
  const uint64_t ret = 100 + (uint64_t{1} << 33);
  log.Point(kRecLoad, 9, 90, true, 100, ret);
  EXPECT_EQ(log.size(), 3u);  // the call record (100 is not the last fenced tick, 0), the op, the extension
  History h = Decode(log);
  ASSERT_EQ(h.ops.size(), 1u);
  EXPECT_EQ(h.ops[0].ret, static_cast<int64_t>(ret));
}

// Pending ops take the return of the record that closes their batch; their latency is their
// estimate, and the closing op gets what the estimates leave of the interval.
TEST(ThreadLogTest, BatchSharesTheClosingReturn) {
  ThreadLog log(16);
  log.PendingPoint(kRecStore, 1, 10, false, 1000, 0);  // no clock read after it
  log.SetEstimates(1, 40);                             // a read: 80 ticks for the two ops,
  log.PendingPoint(kRecLoad, 2, 0, false, 1000, 40);   // ... shared with the unread one
  log.PendingPoint(kRecLoad, 3, 30, true, 1000, 40);
  log.Point(kRecErase, 4, 0, true, 1000, 1200);
  std::array<LatencyHistogram, kOpKindCount> latency;
  History h = Decode(log, &latency);
  ASSERT_EQ(h.ops.size(), 4u);
  for (const Op& op : h.ops) {
    EXPECT_EQ(op.call, 1000);
    EXPECT_EQ(op.ret, 1200);
  }
  EXPECT_EQ(h.ops[2].value, 30u);
  EXPECT_TRUE(h.ops[2].found);
  EXPECT_EQ(latency[static_cast<int>(OpKind::kStore)].Count(), 1u);
  EXPECT_EQ(latency[static_cast<int>(OpKind::kLoad)].Count(), 2u);
  EXPECT_EQ(latency[static_cast<int>(OpKind::kErase)].Count(), 1u);
  // 200 ticks in all, 120 estimated for the pending ops: the erase gets the other 80.
  EXPECT_GE(latency[static_cast<int>(OpKind::kErase)].Max(), 78u);
  EXPECT_LE(latency[static_cast<int>(OpKind::kErase)].Max(), 83u);
  EXPECT_LE(latency[static_cast<int>(OpKind::kStore)].Max(), 42u);
}

TEST(ThreadLogTest, ClosePendingEndsABatchBeforeAnIteration) {
  ThreadLog log(16);
  log.PendingPoint(kRecStore, 1, 10, false, 500, 5);
  log.PendingPoint(kRecStore, 2, 20, false, 500, 5);
  log.ClosePending(700);
  LogRecord* begin = log.BeginIteration(700);
  ASSERT_TRUE(log.Entry(1, 10));
  log.EndIteration(begin, 900, true);
  History h = Decode(log);
  ASSERT_EQ(h.ops.size(), 3u);
  EXPECT_EQ(h.ops[0].ret, 700);
  EXPECT_EQ(h.ops[1].ret, 700);
  EXPECT_EQ(h.ops[2].kind, OpKind::kIterate);
  EXPECT_EQ(h.ops[2].call, 700);
  EXPECT_EQ(h.ops[2].ret, 900);
  ASSERT_EQ(h.entries.size(), 1u);
  EXPECT_EQ(h.entries[0].value, 10u);
}

TEST(ThreadLogTest, ClosePendingWithALongWaitAppendsAnExtension) {
  ThreadLog log(16);
  log.PendingPoint(kRecStore, 1, 10, false, 500, 5);
  const uint64_t ret = 500 + (uint64_t{1} << 32);
  log.ClosePending(ret);
  History h = Decode(log);
  ASSERT_EQ(h.ops.size(), 1u);
  EXPECT_EQ(h.ops[0].ret, static_cast<int64_t>(ret));
}

// A batch closed by an op that waited past the inline duration: the extension record comes
// after the estimates were set, so they stay on the pending ops.
TEST(ThreadLogTest, LongClosingOpKeepsTheBatchEstimates) {
  ThreadLog log(16);
  log.PendingPoint(kRecStore, 1, 10, false, 500, 0);
  log.SetEstimates(1, 7);
  const uint64_t ret = 500 + (uint64_t{1} << 32);
  log.Point(kRecLoad, 2, 0, false, 500, ret);
  std::array<LatencyHistogram, kOpKindCount> latency;
  History h = Decode(log, &latency);
  ASSERT_EQ(h.ops.size(), 2u);
  EXPECT_EQ(h.ops[0].ret, static_cast<int64_t>(ret));
  EXPECT_EQ(h.ops[1].ret, static_cast<int64_t>(ret));
  EXPECT_EQ(latency[static_cast<int>(OpKind::kStore)].Max(), 7u);
}

// 16 bytes per op: an op whose call is the thread's last fenced tick (the previous op's return)
// takes one record; any other call costs one more record and still decodes exactly.
TEST(ThreadLogTest, OpsCallingAtTheLastFencedTickTakeOneRecordEach) {
  static_assert(sizeof(LogRecord) == 16);
  ThreadLog log(16);
  log.Point(kRecStore, 1, 10, false, 0, 50);
  log.Point(kRecLoad, 0xFFFFFFFFu, ~uint64_t{0}, true, 50, 90);
  EXPECT_EQ(log.size(), 2u);
  log.Point(kRecErase, 2, 0, true, 95, 120);  // a fresh call read (togglers, think time)
  EXPECT_EQ(log.size(), 4u);
  History h = Decode(log);
  ASSERT_EQ(h.ops.size(), 3u);
  EXPECT_EQ(h.ops[1].call, 50);
  EXPECT_EQ(h.ops[1].ret, 90);
  EXPECT_EQ(h.ops[1].key, 0xFFFFFFFFu);
  EXPECT_EQ(h.ops[1].value, ~uint64_t{0});
  EXPECT_TRUE(h.ops[1].found);
  EXPECT_EQ(h.ops[2].call, 95);
  EXPECT_EQ(h.ops[2].ret, 120);
  EXPECT_TRUE(h.ops[2].found);
  EXPECT_FALSE(h.ops[0].found);
}

// Iteration entries keep full 64-bit keys and values; the entry count and call are exact.
TEST(ThreadLogTest, IterationEntriesKeepWideKeys) {
  ThreadLog log(16);
  LogRecord* begin = log.BeginIteration(uint64_t{1} << 40);
  ASSERT_TRUE(log.Entry(~uint64_t{0} - 5, 7));
  ASSERT_TRUE(log.Entry(uint64_t{1} << 33, ~uint64_t{0}));
  log.EndIteration(begin, (uint64_t{1} << 40) + 9, true);
  log.Point(kRecLoad, 3, 0, false, (uint64_t{1} << 40) + 9, (uint64_t{1} << 40) + 12);
  EXPECT_EQ(log.size(), 5u);
  History h = Decode(log);
  ASSERT_EQ(h.ops.size(), 2u);
  EXPECT_EQ(h.ops[0].call, int64_t{1} << 40);
  EXPECT_EQ(h.ops[0].entry_count, 2u);
  ASSERT_EQ(h.entries.size(), 2u);
  EXPECT_EQ(h.entries[0].key, ~uint64_t{0} - 5);
  EXPECT_EQ(h.entries[1].key, uint64_t{1} << 33);
  EXPECT_EQ(h.entries[1].value, ~uint64_t{0});
  EXPECT_EQ(h.ops[1].call, (int64_t{1} << 40) + 9);
  EXPECT_EQ(h.ops[1].ret, (int64_t{1} << 40) + 12);
}

// Pending ops recorded without an estimate (the engine's batches take no unfenced reads) get
// the previous batch's typical op time, at most an even share; the closing op the rest.
TEST(ThreadLogTest, UnmeasuredBatchOpsShareTheBatchTime) {
  ThreadLog log(16);
  for (int i = 0; i < 3; ++i) log.PendingPoint(kRecLoad, 1, 0, false, 0, 0);
  log.Point(kRecLoad, 1, 0, false, 0, 400);  // 4 ops in 400 ticks: 100 each
  for (int i = 0; i < 3; ++i) log.PendingPoint(kRecStore, 2, 20 + i, false, 400, 0);
  log.Point(kRecErase, 2, 0, true, 400, 1400);  // a 1000-tick batch: the erase keeps the spike
  std::array<LatencyHistogram, kOpKindCount> latency;
  History h = Decode(log, &latency);
  ASSERT_EQ(h.ops.size(), 8u);
  EXPECT_EQ(h.ops[0].ret, 400);
  EXPECT_EQ(h.ops[4].call, 400);
  EXPECT_EQ(h.ops[6].ret, 1400);
  const auto& load = latency[static_cast<int>(OpKind::kLoad)];
  EXPECT_GE(load.Max(), 97u);
  EXPECT_LE(load.Max(), 104u);
  EXPECT_LE(latency[static_cast<int>(OpKind::kStore)].Max(), 104u);
  EXPECT_GE(latency[static_cast<int>(OpKind::kErase)].Max(), 680u);  // 1000 - 3 * 100
}

// A batch that was never closed has no provable return: decoding must refuse it rather than
// invent one.
TEST(ThreadLogTest, UnclosedBatchIsAnError) {
  ThreadLog log(16);
  log.PendingPoint(kRecStore, 1, 10, false, 500, 5);
  EXPECT_THROW(Decode(log), std::logic_error);
  ThreadLog before_iteration(16);
  before_iteration.PendingPoint(kRecStore, 1, 10, false, 500, 5);
  LogRecord* begin = before_iteration.BeginIteration(600);
  before_iteration.EndIteration(begin, 700, true);
  EXPECT_THROW(Decode(before_iteration), std::logic_error);
}

}  // namespace
}  // namespace mapstress
