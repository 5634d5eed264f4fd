// The progress line's ETA: planned times scaled by what finished cases took, smoothed; it never
// vanishes while cases remain, and it does not jump.
#include "report/eta_estimate.h"

#include <gtest/gtest.h>

#include <cmath>

namespace mapstress {
namespace {

// Ten cases planned at 1 s each that really take 2 s (setup and checking double them): redrawn
// every 0.2 s, the ETA is always shown, moves less than 1 s per redraw besides counting down,
// and from 6 s on is within 20% of the true time left. The old ETA (planned total minus
// elapsed) was gone from 10 s on, with 10 s still to run.
TEST(EtaEstimateTest, CountsDownSteadilyWhenCasesTakeLongerThanPlanned) {
  EtaEstimate eta(std::vector<double>(10, 1.0));
  double last = -1;
  for (int tick = 0; tick < 100; ++tick) {
    const double t = tick * 0.2;
    const size_t index = static_cast<size_t>(t / 2) + 1;
    eta.CaseStarted(index, std::floor(t / 2) * 2);
    const double left = eta.SecondsLeft(t);
    ASSERT_GE(left, 0) << "t " << t;
    if (last >= 0) {
      EXPECT_LT(std::abs(left - (last - 0.2)), 1.0) << "jumped at t " << t;
    }
    if (t >= 6) {
      EXPECT_NEAR(left, 20 - t, 0.2 * (20 - t) + 0.3) << "t " << t;
    }
    last = left;
  }
  EXPECT_GT(eta.SecondsLeft(15), 0) << "still 5 s to go";
}

// A case that runs past its plan leaves the ETA at the rest of the plan, not below zero or gone.
TEST(EtaEstimateTest, AnOverrunningCaseKeepsTheRestOfThePlan) {
  EtaEstimate eta({1, 3, 3});
  eta.CaseStarted(1, 0);
  EXPECT_NEAR(eta.RawSecondsLeft(0.5), 6.5, 1e-9);
  EXPECT_NEAR(eta.RawSecondsLeft(5), 6, 1e-9);  // case 1 overran: what is left is cases 2 and 3
}

// A case that ended at once (a crash, an unsupported case) does not make the rest look faster
// than planned; one that took twice its plan makes the rest twice as long.
TEST(EtaEstimateTest, LearnsFromFinishedCasesButNeverBelowThePlan) {
  EtaEstimate early({2, 2, 2});
  early.CaseStarted(1, 0);
  early.CaseStarted(2, 0.01);
  EXPECT_NEAR(early.RawSecondsLeft(0.01), 4, 1e-9);
  EtaEstimate slow({2, 2, 2});
  slow.CaseStarted(1, 0);
  slow.CaseStarted(2, 4);
  EXPECT_NEAR(slow.RawSecondsLeft(4), 8, 1e-9);
}

// The shown figure moves towards a new estimate gradually, counting down meanwhile.
TEST(EtaEstimateTest, SmoothsASuddenChange) {
  EtaEstimate eta({10, 10});
  eta.CaseStarted(1, 0);
  for (double t = 0; t < 1.1; t += 0.2) EXPECT_NEAR(eta.SecondsLeft(t), 20 - t, 1e-6);
  eta.CaseStarted(2, 1);                      // case 1 ended 9 s early: the raw estimate falls by 9
  const double shown = eta.SecondsLeft(1.2);  // counted down to 18.8, then a tenth of the way
  EXPECT_GT(shown, 15) << "moved too far in one 0.2 s redraw";
  EXPECT_LT(shown, 19);
  double later = shown;
  for (double t = 1.4; t < 12; t += 0.2) later = eta.SecondsLeft(t);
  EXPECT_NEAR(later, eta.RawSecondsLeft(12), 0.5);
}

}  // namespace
}  // namespace mapstress
