// The `json` report: the whole run, machine-readable (src/report/README.md), read back by `merge`.
#include <nlohmann/json.hpp>

#include "core/case_report_json.h"
#include "report/exit_code.h"
#include "report/report_merge.h"
#include "report/reporter.h"

namespace mapstress {

std::string RenderJsonReport(const ReportInput& input) {
  nlohmann::json summary = nlohmann::json::object();
  for (CaseStatus s : {CaseStatus::kPass, CaseStatus::kFail, CaseStatus::kInconclusive, CaseStatus::kError,
                       CaseStatus::kUnsupported}) {
    summary[CaseStatusName(s)] = 0;
  }
  nlohmann::json cases = nlohmann::json::array();
  for (const CaseReport& c : input.cases) {
    summary[CaseStatusName(c.status)] = summary[CaseStatusName(c.status)].get<int>() + 1;
    cases.push_back(CaseReportToJson(c));
  }
  summary["total"] = input.cases.size();
  summary["planned"] = input.Planned();
  // No exit code yet while a run is still going (or was killed before it finished).
  summary["exit_code"] = input.Complete() || input.interrupted
                             ? nlohmann::json(ExitCodeFor(input.cases, input.interrupted))
                             : nlohmann::json(nullptr);
  nlohmann::json report = {{"schema_version", kReportSchemaVersion},
                           {"tool", "mapstress"},
                           {"context", RunContextToJson(input.context)},
                           {"interrupted", input.interrupted},
                           {"complete", input.Complete()},
                           {"summary", std::move(summary)},
                           {"cases", std::move(cases)}};
  // Strings were made valid UTF-8 on the way in; `replace` is a second guard, never a throw.
  return report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace mapstress
