// JSON form of CaseReport / RunContext / CheckResult (lossless round trip). The field list is
// documented in src/report/README.md.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "check/checker.h"
#include "report/case_report.h"
#include "report/run_context.h"

namespace mapstress {

nlohmann::json CaseReportToJson(const CaseReport& report);
bool CaseReportFromJson(const nlohmann::json& json, CaseReport* report, std::string* error);
nlohmann::json RunContextToJson(const RunContext& context);
bool RunContextFromJson(const nlohmann::json& json, RunContext* context, std::string* error);
nlohmann::json CheckResultToJson(const CheckResult& check);
bool CheckResultFromJson(const nlohmann::json& json, CheckResult* check, std::string* error);

// `text` with every invalid UTF-8 sequence replaced by U+FFFD, so dump() cannot throw.
// Strings are passed through it on the way into JSON (a crashed child's stderr is arbitrary bytes).
std::string ValidUtf8(std::string_view text);

}  // namespace mapstress
