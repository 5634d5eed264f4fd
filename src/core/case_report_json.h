// JSON form of CaseReport / RunContext / CheckResult (lossless round trip). The field list is
// documented in src/report/README.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/case_report.h"
#include "core/check_result.h"
#include "core/run_context.h"
#include "core/text_width.h"

namespace mapstress {

nlohmann::json CaseReportToJson(const CaseReport& report);
bool CaseReportFromJson(const nlohmann::json& json, CaseReport* report, std::string* error);
nlohmann::json RunContextToJson(const RunContext& context);
bool RunContextFromJson(const nlohmann::json& json, RunContext* context, std::string* error);
nlohmann::json CheckResultToJson(const CheckResult& check);
bool CheckResultFromJson(const nlohmann::json& json, CheckResult* check, std::string* error);

}  // namespace mapstress
