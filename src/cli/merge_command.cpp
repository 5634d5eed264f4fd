#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "report/exit_code.h"
#include "report/report_merge.h"
#include "report/report_writer.h"
#include "report/terminal.h"

namespace mapstress {

int MergeCommand(const Options& options) {
  ReportWriter writer;
  std::string error;
  MergedReport merged;
  if (!AddReportTargets(options.formats, options.outs, options.report_dir, &writer, &error) || !writer.Open(&error) ||
      !MergeReports(options.paths, &merged, &error) ||
      !writer.Write(ReportInput{merged.context, merged.cases, merged.interrupted}, &error)) {
    std::cerr << "error: " << error << "\n";
    return kExitError;
  }
  for (const auto& note : merged.notes) std::cerr << "note: " << note << "\n";
  bool color = !options.no_color && UseColor(stdout);
  std::fputs(RenderMatrix(merged.cases, color).c_str(), stdout);
  return ExitCodeFor(merged.cases, merged.interrupted);
}

}  // namespace mapstress
