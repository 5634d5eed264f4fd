#include "report/anomaly_share.h"

#include <gtest/gtest.h>

#include "report/number_format.h"
#include "report_fixtures.h"

namespace mapstress {
namespace {

TEST(AnomalyShareTest, IterationKindsCountIterationsNotOccurrences) {
  CheckResult c = fixtures::FixtureFailingCase().check;
  // 12 missing keys in 11 of the 800 iterations: the share is of iterations, not 12/800.
  EXPECT_EQ(ShareText(ShareOf(c, Anomaly::kMissing)), "in 11 of 800 iterations (1.4%)");
  EXPECT_EQ(CountAndShareText(ShareOf(c, Anomaly::kMissing)), "12 missing, in 11 of 800 iterations (1.4%)");
  EXPECT_DOUBLE_EQ(ShareOf(c, Anomaly::kMissing).Fraction(), 11.0 / 800);
}

TEST(AnomalyShareTest, StaleReadIsAShareOfLoads) {
  CheckResult c = fixtures::FixtureFailingCase().check;
  EXPECT_EQ(CountAndShareText(ShareOf(c, Anomaly::kStaleRead)), "4 stale_read, in 4 of 4,000 loads (0.1%)");
  EXPECT_DOUBLE_EQ(ShareOf(c, Anomaly::kStaleRead).Fraction(), 4.0 / 4000);
}

TEST(AnomalyShareTest, WrongEraseResultsAreAShareOfErases) {
  CheckResult c = fixtures::FixtureFailingCase().check;  // 4 stale loads of 4,000
  const int i = static_cast<int>(Anomaly::kStaleRead);
  c.erases = 900;  // none wrong yet: the share is still of loads alone
  EXPECT_DOUBLE_EQ(ShareOf(c, Anomaly::kStaleRead).Fraction(), 4.0 / 4000);
  EXPECT_EQ(CountAndShareText(ShareOf(c, Anomaly::kStaleRead)), "4 stale_read, in 4 of 4,000 loads (0.1%)");
  c.erases_with[i] = 2;
  c.anomalies[i] += 2;
  EXPECT_EQ(CountAndShareText(ShareOf(c, Anomaly::kStaleRead)),
            "6 stale_read, in 4 of 4,000 loads (0.1%) and 2 of 900 erases (0.2%)");
  EXPECT_DOUBLE_EQ(ShareOf(c, Anomaly::kStaleRead).Fraction(), 6.0 / 4900);
  c.anomalies[i] -= c.loads_with[i];
  c.loads_with[i] = 0;  // only erases
  EXPECT_EQ(CountAndShareText(ShareOf(c, Anomaly::kStaleRead)), "2 stale_read, in 2 of 900 erases (0.2%)");
}

TEST(AnomalyShareTest, NeverMoreThanAll) {
  // The old text divided occurrences by iterations ("phantom 72101 126493.0%"); a share cannot pass 100%.
  CheckResult c;
  c.iterations = 57;
  c.anomalies[static_cast<int>(Anomaly::kPhantom)] = 72101;
  c.iterations_with[static_cast<int>(Anomaly::kPhantom)] = 57;
  EXPECT_EQ(CountAndShareText(ShareOf(c, Anomaly::kPhantom)), "72,101 phantom, in 57 of 57 iterations (100.0%)");
}

TEST(AnomalyShareTest, UnknownValueNamesIterationsAndLoadsThatHadIt) {
  CheckResult c;
  c.iterations = 10;
  c.loads = 5000;
  int k = static_cast<int>(Anomaly::kUnknownValue);
  c.anomalies[k] = 3;
  c.loads_with[k] = 3;
  EXPECT_EQ(ShareText(ShareOf(c, Anomaly::kUnknownValue)), "in 3 of 5,000 loads (0.1%)");
  c.anomalies[k] = 5;
  c.iterations_with[k] = 1;
  EXPECT_EQ(ShareText(ShareOf(c, Anomaly::kUnknownValue)), "in 1 of 10 iterations (10.0%) and 3 of 5,000 loads (0.1%)");
}

TEST(AnomalyShareTest, ReportsWithoutSharesSayWhatIsUnknown) {
  CheckResult c = fixtures::FixtureFailingCase().check;
  c.shares_known = false;
  EXPECT_EQ(ShareText(ShareOf(c, Anomaly::kMissing)), "in ? of 800 iterations");
  // One per load / per iteration: exact without the per-kind counts.
  EXPECT_EQ(ShareText(ShareOf(c, Anomaly::kStaleRead)), "in 4 of 4,000 loads (0.1%)");
  EXPECT_EQ(ShareText(ShareOf(c, Anomaly::kNotSnapshot)), "in 86 of 800 iterations (10.8%)");
}

TEST(AnomalyShareTest, Thousands) {
  EXPECT_EQ(FormatThousands(0), "0");
  EXPECT_EQ(FormatThousands(999), "999");
  EXPECT_EQ(FormatThousands(5000), "5,000");
  EXPECT_EQ(FormatThousands(1234567), "1,234,567");
  EXPECT_EQ(CountOf(1, "case"), "1 case");
  EXPECT_EQ(CountOf(0, "case"), "0 cases");
  EXPECT_EQ(CountOf(5000, "load"), "5,000 loads");
}

}  // namespace
}  // namespace mapstress
