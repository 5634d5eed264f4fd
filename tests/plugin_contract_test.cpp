// The optional plugin contract (mapstress/plugin_contract.h): validation and grade overrides.
#include "plugin/plugin_contract.h"

#include <gtest/gtest.h>

namespace mapstress {
namespace {

TEST(PluginContract, EmptyContractIsValidAndChangesNothing) {
  EXPECT_EQ(ValidatePluginContract(PluginContract{}), "");
  ContractProfile p = ProfileFor(Guarantee::kWeak);
  ApplyContractGrades("", &p);
  EXPECT_EQ(p.anomaly, ProfileFor(Guarantee::kWeak).anomaly);
}

TEST(PluginContract, GradesOverrideTheGuaranteeProfile) {
  PluginContract c{"a promise", "", "duplicate=INTERESTING  stale_read=interesting crashed=ACCEPTABLE"};
  EXPECT_EQ(ValidatePluginContract(c), "");
  ContractProfile p = ProfileFor(Guarantee::kWeak);
  ApplyContractGrades(c.grades, &p);
  EXPECT_EQ(p.Of(Anomaly::kDuplicate), Grade::kInteresting);
  EXPECT_EQ(p.Of(Anomaly::kStaleRead), Grade::kInteresting);
  EXPECT_EQ(p.Of(Anomaly::kMissing), Grade::kForbidden);
  EXPECT_EQ(p.Of(Anomaly::kNotSnapshot), Grade::kAcceptable);
  EXPECT_EQ(p.crashed, Grade::kAcceptable);
}

TEST(PluginContract, RejectsUnknownKindsBadGradesAndNewlines) {
  EXPECT_EQ(ValidatePluginContract({"", "", "duplicates=INTERESTING"}),
            "contract: unknown anomaly kind 'duplicates' in grades 'duplicates=INTERESTING'");
  EXPECT_EQ(ValidatePluginContract({"", "", "duplicate=MAYBE"}),
            "contract: expected duplicate=ACCEPTABLE|INTERESTING|FORBIDDEN in grades 'duplicate=MAYBE', got 'MAYBE'");
  EXPECT_EQ(ValidatePluginContract({"", "", "duplicate"}),
            "contract: expected duplicate=ACCEPTABLE|INTERESTING|FORBIDDEN in grades 'duplicate', got ''");
  EXPECT_EQ(ValidatePluginContract({"two\nlines", "", ""}), "contract: promise must be one line");
  EXPECT_EQ(ValidatePluginContract({"", "two\nlines", ""}), "contract: concurrency must be one line");
}

}  // namespace
}  // namespace mapstress
