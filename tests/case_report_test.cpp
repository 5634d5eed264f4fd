// AddTrial and Verdict: the case aggregation `run` and `check` share.
#include "core/case_report.h"

#include <gtest/gtest.h>

namespace mapstress {
namespace {

CheckResult OneTrialCheck(uint64_t missing, size_t examples) {
  CheckResult c;
  c.iterations = 10;
  c.anomalous = missing > 0 ? 1 : 0;
  c.snapshot = 10 - c.anomalous;
  c.anomalies[static_cast<int>(Anomaly::kMissing)] = missing;
  for (size_t i = 0; i < examples; ++i) {
    Example e;
    e.key = i;
    e.explanation = "why";
    c.examples.push_back(e);
  }
  return c;
}

History OneTrialHistory(bool truncated) {
  History h;
  h.ops.push_back(Op{.kind = OpKind::kStore});
  h.ops.push_back(Op{.kind = OpKind::kStore});
  h.ops.push_back(Op{.kind = OpKind::kIterate});
  h.truncated = truncated;
  return h;
}

TEST(CaseReportTest, AddTrialSumsCountsAndOpsAndCapsExamples) {
  CaseReport r;
  r.grading = ProfileFor(Guarantee::kWeak);
  AddTrial(OneTrialCheck(2, 2), OneTrialHistory(false), &r);
  EXPECT_EQ(r.trials_completed, 1u);
  EXPECT_FALSE(r.truncated);
  AddTrial(OneTrialCheck(3, 2), OneTrialHistory(true), &r);
  EXPECT_EQ(r.trials_completed, 2u);
  EXPECT_TRUE(r.truncated);  // one truncated trial marks the case
  EXPECT_EQ(r.check.iterations, 20u);
  EXPECT_EQ(r.check.Count(Anomaly::kMissing), 5u);
  EXPECT_EQ(r.check.examples.size(), kDefaultExamples);
  EXPECT_EQ(r.ops[static_cast<int>(OpKind::kStore)].count, 4u);
  EXPECT_EQ(r.ops[static_cast<int>(OpKind::kIterate)].count, 2u);
  EXPECT_EQ(r.ops[static_cast<int>(OpKind::kLoad)].count, 0u);
  EXPECT_EQ(Verdict(r), CaseStatus::kFail);  // missing is FORBIDDEN for weak
}

TEST(CaseReportTest, NothingCheckableIsInconclusive) {
  CaseReport r;
  r.grading = ProfileFor(Guarantee::kWeak);
  AddTrial(CheckResult{}, History{}, &r);
  EXPECT_EQ(Verdict(r), CaseStatus::kInconclusive);
}

}  // namespace
}  // namespace mapstress
