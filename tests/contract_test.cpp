// The vocabulary's name tables: every value prints and parses back through the one table, and
// crashed/hung are graded kinds like the anomalies.
#include "core/contract.h"

#include <gtest/gtest.h>

#include "core/case_report.h"
#include "core/guarantee.h"
#include "core/history.h"

namespace mapstress {
namespace {

TEST(ContractTest, GradedKindsAreTheAnomaliesThenCrashedAndHung) {
  const std::vector<std::string>& names = GradedKindNames();
  ASSERT_EQ(names.size(), static_cast<size_t>(kGradedKindCount));
  for (int i = 0; i < kAnomalyCount; ++i) EXPECT_EQ(names[i], AnomalyName(static_cast<Anomaly>(i)));
  EXPECT_EQ(names[kAnomalyCount], "crashed");
  EXPECT_EQ(names[kAnomalyCount + 1], "hung");
  for (int i = 0; i < kGradedKindCount; ++i) {
    GradedKind k;
    ASSERT_TRUE(ParseGradedKind(names[i], &k));
    EXPECT_EQ(static_cast<int>(k), i);
  }
  Anomaly a;
  EXPECT_FALSE(ParseAnomaly("crashed", &a));  // an outcome, not an anomaly
  GradedKind k;
  EXPECT_FALSE(ParseGradedKind("crash", &k));
}

TEST(ContractTest, OverridesReachCrashedAndHungThroughTheirKinds) {
  ContractProfile p = ProfileFor(Guarantee::kSnapshot);
  ApplyOverrides({{"crashed", Grade::kAcceptable}, {"hung", Grade::kInteresting}, {"missing", Grade::kInteresting}},
                 &p);
  EXPECT_EQ(p.crashed, Grade::kAcceptable);
  EXPECT_EQ(p.Of(GradedKind::kHung), Grade::kInteresting);
  EXPECT_EQ(p.Of(Anomaly::kMissing), Grade::kInteresting);
  std::map<std::string, std::string> names = ProfileToNames(p);
  EXPECT_EQ(names.size(), static_cast<size_t>(kGradedKindCount));
  EXPECT_EQ(names["crashed"], "ACCEPTABLE");
  ContractProfile back = ProfileFor(Guarantee::kSnapshot);
  ApplyOverrides(NamesToOverrides(names), &back);
  for (int i = 0; i < kGradedKindCount; ++i) {
    EXPECT_EQ(back.Of(static_cast<GradedKind>(i)), p.Of(static_cast<GradedKind>(i))) << i;
  }
}

TEST(ContractTest, EveryEnumRoundTripsThroughItsNameTable) {
  for (const auto& name : GuaranteeNames()) {
    Guarantee g;
    ASSERT_TRUE(ParseGuarantee(name, &g)) << name;
    EXPECT_EQ(GuaranteeName(g), name);
  }
  EXPECT_EQ(GuaranteeNames(), (std::vector<std::string>{"snapshot", "weak", "none"}));
  for (const auto& name : OpKindNames()) {
    OpKind o;
    ASSERT_TRUE(ParseOpKind(name, &o)) << name;
    EXPECT_EQ(OpKindName(o), name);
  }
  for (const char* name : {"completed", "crashed", "hung"}) {
    Outcome o;
    ASSERT_TRUE(ParseOutcome(name, &o)) << name;
    EXPECT_STREQ(OutcomeName(o), name);
  }
  Grade g;
  ASSERT_TRUE(ParseGrade("forbidden", &g));  // grades parse case-insensitively
  EXPECT_EQ(g, Grade::kForbidden);
  EXPECT_STREQ(GradeName(g), "FORBIDDEN");
  EXPECT_STREQ(GradeName(static_cast<Grade>(7)), "?");
}

}  // namespace
}  // namespace mapstress
