#include "report/exit_code.h"

namespace mapstress {

int ExitCodeFor(const std::vector<CaseReport>& cases, bool interrupted) {
  if (interrupted) return kExitInterrupted;
  bool any_fail = false, any_error = false, any_pass = false, any_inconclusive = false;
  for (const CaseReport& c : cases) {
    any_fail |= c.status == CaseStatus::kFail;
    any_error |= c.status == CaseStatus::kError;
    any_pass |= c.status == CaseStatus::kPass;
    any_inconclusive |= c.status == CaseStatus::kInconclusive;
  }
  if (any_fail) return kExitFail;
  if (any_error) return kExitError;
  if (!any_pass && any_inconclusive) return kExitInconclusive;
  return kExitPass;
}

}  // namespace mapstress
