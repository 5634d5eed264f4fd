// What several subcommands share: finding and loading scenarios, the backend registry, the run
// context, --expect flags, and the case result lines.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "backend/backend_registry.h"
#include "cli/options.h"
#include "cli/scenario_dir.h"
#include "core/case_report.h"
#include "core/contract.h"
#include "core/run_context.h"
#include "history/line_reader.h"
#include "scenario/scenario.h"

namespace mapstress {

// Loads every scenario file under `paths`; prints each error as "error <file...>" and returns
// false if any failed.
bool LoadScenarios(const std::vector<std::string>& paths, bool recursive, std::vector<Scenario>* scenarios);

// A registry of built-ins, the bundled plugins (unless `bundled` is false; one that fails to
// load is a warning) and the user's plugins; prints the error and returns false on failure.
bool BuildRegistry(const std::vector<std::string>& plugins, bool bundled, BackendRegistry* registry);

// Facts about this machine and build for the run context.
RunContext MakeRunContext(const std::string& command_line);

// "kind=GRADE" flags into overrides; false (with a message) on a bad one.
bool ParseExpectFlags(const std::vector<std::string>& flags, GradeOverrides* out, std::string* error);

// The case line, and under a failing case its anomaly table: what `run` and `check` print.
// --max-line-mb, --max-input-mb and --input-timeout into caps for each history file read.
bool MakeInputLimits(const Options& options, InputLimits* limits, std::string* error);

std::string RenderCaseResult(const CaseReport& report, size_t index, size_t total, bool color, size_t width);

}  // namespace mapstress
