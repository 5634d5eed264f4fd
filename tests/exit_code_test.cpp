#include "report/exit_code.h"

#include <gtest/gtest.h>

namespace mapstress {
namespace {

std::vector<CaseReport> With(std::initializer_list<CaseStatus> statuses) {
  std::vector<CaseReport> cases;
  for (CaseStatus s : statuses) {
    CaseReport c;
    c.status = s;
    cases.push_back(c);
  }
  return cases;
}

TEST(ExitCodeTest, FollowsTheDocumentedOrder) {
  using S = CaseStatus;
  EXPECT_EQ(ExitCodeFor({}, false), 0);
  EXPECT_EQ(ExitCodeFor(With({S::kPass, S::kPass}), false), 0);
  EXPECT_EQ(ExitCodeFor(With({S::kPass, S::kFail}), false), 1);
  EXPECT_EQ(ExitCodeFor(With({S::kFail, S::kError, S::kInconclusive}), false), 1);  // fail beats error
  EXPECT_EQ(ExitCodeFor(With({S::kPass, S::kError}), false), 2);
  EXPECT_EQ(ExitCodeFor(With({S::kInconclusive, S::kError}), false), 2);
  EXPECT_EQ(ExitCodeFor(With({S::kInconclusive, S::kUnsupported}), false), 3);
  EXPECT_EQ(ExitCodeFor(With({S::kInconclusive, S::kPass}), false), 0);  // something was checked
  EXPECT_EQ(ExitCodeFor(With({S::kUnsupported}), false), 0);
  EXPECT_EQ(ExitCodeFor(With({S::kFail}), true), 130);
  EXPECT_EQ(ExitCodeFor({}, true), 130);
}

}  // namespace
}  // namespace mapstress
