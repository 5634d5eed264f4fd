// mapstress: parse -> load -> run -> check -> report -> exit code.
#include <cstdio>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/run_session.h"
#include "engine/engine.h"
#include "report/exit_code.h"

using namespace mapstress;

int main(int argc, char** argv) {
  Options options;
  if (int code = ParseCommandLine(argc, argv, &options); code >= 0) return code;
  switch (options.command) {
    case Command::kValidate: return ValidateCommand(options);
    case Command::kList: return ListCommand(options);
    case Command::kCheck: return CheckCommand(options);
    case Command::kMerge: return MergeCommand(options);
    case Command::kExport: return ExportCommand(options);
    case Command::kRun: break;
    case Command::kNone: return 2;
  }

  // Parse and load: backends (plus plugins), scenarios, the case plan, the report files.
  RunSession session;
  if (!session.Prepare(options)) return kExitError;
  session.PrintSettings();

  // Run and check each case; reports are rewritten after every case.
  for (const PlannedCase& planned : session.plan().cases) {
    if (session.Interrupted()) break;
    CaseReport report =
        RunCase(session.ScenarioOf(planned), *session.Backend(planned), session.settings(), session.context().clock);
    session.Record(std::move(report));
  }

  // Report: the matrix, failure tables, files; the exit code CI uses.
  session.Finish();
  return ExitCodeFor(session.cases(), session.Interrupted());
}
