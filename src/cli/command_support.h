// What several subcommands share: finding and loading scenarios, the backend registry, the run
// context, --expect flags, and the case result lines.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "backend/backend_registry.h"
#include "core/case_report.h"
#include "core/contract.h"
#include "core/run_context.h"
#include "scenario/scenario.h"

namespace mapstress {

// The folder `run` and `list scenarios` use when given no path: ./scenarios when it exists,
// else the installed copy.
std::string DefaultScenarioDir();

// Loads every scenario file under `paths`; prints each error as "error <file...>" and returns
// false if any failed.
bool LoadScenarios(const std::vector<std::string>& paths, bool recursive, std::vector<Scenario>* scenarios);

// A registry of built-ins plus the plugins; prints the error and returns false on failure.
bool BuildRegistry(const std::vector<std::string>& plugins, BackendRegistry* registry);

// Facts about this machine and build for the run context.
RunContext MakeRunContext(const std::string& command_line);

// "kind=GRADE" flags into overrides; false (with a message) on a bad one.
bool ParseExpectFlags(const std::vector<std::string>& flags, GradeOverrides* out, std::string* error);

// The case line, and under a failing case its anomaly table: what `run` and `check` print.
std::string RenderCaseResult(const CaseReport& report, size_t index, size_t total, bool color);

}  // namespace mapstress
