// Report file formats: one small interface (a pure render function) and one explicit table.
#pragma once

#include <string>
#include <vector>

#include "core/case_report.h"
#include "core/run_context.h"

namespace mapstress {

struct ReportInput {
  const RunContext& context;
  const std::vector<CaseReport>& cases;
  bool interrupted = false;  // the run was stopped early (Ctrl-C); cases holds what finished
};

struct ReporterInfo {
  const char* name;         // "json", "junit", "markdown", "tsv"
  const char* extension;    // "json", "xml", "md", "tsv"
  const char* description;  // one line
  std::string (*render)(const ReportInput& input);
};

// The registry table (reporter_registry.cpp).
const std::vector<ReporterInfo>& Reporters();
const ReporterInfo* FindReporter(const std::string& name);

}  // namespace mapstress
