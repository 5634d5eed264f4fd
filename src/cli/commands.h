// The subcommands other than `run` (see run_session.h): one function and one file each.
#pragma once

#include "cli/options.h"
#include "history/chrome_trace_export.h"

namespace mapstress {

int ValidateCommand(const Options& options);  // validate_command.cpp
int ListCommand(const Options& options);      // list_command.cpp
int CheckCommand(const Options& options);     // check_command.cpp
int MergeCommand(const Options& options);     // merge_command.cpp
int ExportCommand(const Options& options);

// The chrome trace of `history` with `examples` marked, written atomically to `path`.
bool WriteTraceFile(const std::string& path, const History& history, const std::vector<Example>& examples,
                    const ChromeTraceOptions& window, std::string* error);  // export_command.cpp

}  // namespace mapstress
