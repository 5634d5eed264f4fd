// `run` as a session that main.cpp drives step by step: prepare, print the settings, record
// each case, finish.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backend/backend_registry.h"
#include "cli/case_plan.h"
#include "cli/history_saver.h"
#include "cli/options.h"
#include "core/case_report.h"
#include "core/live_progress.h"
#include "core/run_context.h"
#include "engine/engine.h"
#include "scenario/scenario.h"

namespace mapstress {

class ProgressLine;
class ReportWriter;

class RunSession {
 public:
  RunSession();
  ~RunSession();
  // Loads plugins, scenarios and the plan, opens report files, starts the clock check. On a
  // user error prints it and returns false (exit 2).
  bool Prepare(const Options& options);
  void PrintSettings();
  void Record(CaseReport report);  // prints the case line, rewrites the report files
  void Finish();                   // matrix, failure tables, final report files
  // The exit code CI uses: the cases' (ExitCodeFor), or 2 (unless 1) when a report file is stale.
  int ExitCode() const;

  bool Interrupted() const;
  const CasePlan& plan() const { return plan_; }
  const Scenario& ScenarioOf(const PlannedCase& c) const { return scenarios_[c.scenario]; }
  const BackendInfo* Backend(const PlannedCase& c) const { return registry_.Find(c.backend); }
  const RunSettings& settings() const { return settings_; }
  const RunContext& context() const { return context_; }
  const std::vector<CaseReport>& cases() const { return cases_; }

 private:
  Options options_;
  BackendRegistry registry_;
  std::vector<Scenario> scenarios_;
  CasePlan plan_;
  RunSettings settings_;
  RunContext context_;
  SharedLiveProgress progress_;  // children of isolated cases count into it
  std::vector<CaseReport> cases_;
  std::vector<std::string> warnings_;
  std::unique_ptr<ReportWriter> writer_;
  std::vector<std::string> stale_;  // report files whose final write failed
  std::unique_ptr<ProgressLine> progress_line_;
  std::shared_ptr<HistorySaver> history_saver_;  // --save-history
  bool color_ = false;
  size_t width_ = 80;  // of stdout: TerminalWidth
};

}  // namespace mapstress
