// The subcommands. `run` is a RunSession driven step by step from main.cpp; the others are
// one function each.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend_registry.h"
#include "cli/case_plan.h"
#include "cli/history_saver.h"
#include "cli/options.h"
#include "engine/engine.h"
#include "report/case_report.h"
#include "report/run_context.h"
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
  LiveProgress progress_;
  std::vector<CaseReport> cases_;
  std::vector<std::string> warnings_;
  std::unique_ptr<ReportWriter> writer_;
  std::unique_ptr<ProgressLine> progress_line_;
  std::shared_ptr<HistorySaver> history_saver_;  // --save-history
  bool color_ = false;
};

int ValidateCommand(const Options& options);
int ListCommand(const Options& options);
int CheckCommand(const Options& options);
int MergeCommand(const Options& options);
int ExportCommand(const Options& options);

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

}  // namespace mapstress
