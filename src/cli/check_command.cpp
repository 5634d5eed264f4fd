#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "check/checker.h"
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/drill_down_command.h"
#include "cli/trace_dir.h"
#include "core/atomic_file.h"
#include "history/chrome_trace_export.h"
#include "history/history_file.h"
#include "report/exit_code.h"
#include "report/report_writer.h"
#include "report/terminal.h"

namespace mapstress {
namespace {

// The history files `check` reads: files as given, folders as their *.mshist, *.jsonl and *.jsonl.gz files
// (sorted). A folder without any is an input error, not a silent pass.
bool CollectHistoryFiles(const std::vector<std::string>& paths, std::vector<std::string>* files, std::string* error) {
  for (const auto& p : paths) {
    std::error_code ec;
    if (!std::filesystem::is_directory(p, ec)) {
      files->push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (std::filesystem::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
      std::string name = it->path().string();
      if (name.ends_with(".jsonl") || name.ends_with(".jsonl.gz") || name.ends_with(kBinaryHistoryExtension)) {
        found.push_back(name);
      }
    }
    if (ec) {
      *error = fmt::format("{}: cannot list the folder: {}", p, ec.message());
      return false;
    }
    if (found.empty()) {
      *error = fmt::format("{}: no history files (*.mshist, *.jsonl, *.jsonl.gz) in this folder", p);
      return false;
    }
    std::sort(found.begin(), found.end());
    files->insert(files->end(), found.begin(), found.end());
  }
  return true;
}

}  // namespace

int CheckCommand(const Options& options) {
  if (options.check_key || options.check_iteration) return DrillDownCommand(options);
  ReportWriter writer;
  std::string error;
  GradeOverrides overrides;
  if (!AddReportTargets(options.formats, options.outs, options.report_dir, &writer, &error) ||
      !ParseExpectFlags(options.expect, &overrides, &error) || !writer.Open(&error)) {
    std::cerr << "error: " << error << "\n";
    return kExitError;
  }
  if (!options.trace_dir.empty() && !OpenTraceDir(options.trace_dir, &error)) {
    std::cerr << "error: " << error << "\n";
    return kExitError;
  }
  std::vector<std::string> files;
  InputLimits limits;
  if (!MakeInputLimits(options, &limits, &error) || !CollectHistoryFiles(options.paths, &files, &error)) {
    std::cerr << "error: " << error << "\n";
    return kExitError;
  }
  bool color = !options.no_color && UseColor(stdout);
  RunContext context = MakeRunContext(options.command_line);
  context.clock.source = "recorded history";
  context.clock.trusted = true;
  std::vector<CaseReport> cases;
  // One case per scenario x backend; trials of the same case are merged in file order.
  for (const auto& file : files) {
    History h;
    if (!ReadHistoryFile(file, limits, &h, &error)) {
      std::cerr << "error " << error << "\n";
      return kExitError;
    }
    Guarantee g = h.guarantee;
    if (!options.guarantee.empty()) ParseGuarantee(options.guarantee, &g);
    CaseReport* report = nullptr;
    for (auto& c : cases) {
      if (c.scenario == h.scenario && c.backend == h.backend) report = &c;
    }
    if (report == nullptr) {
      cases.emplace_back();
      report = &cases.back();
      report->scenario = h.scenario;
      report->scenario_path = file;
      report->backend = h.backend;
      report->seed = h.seed;
      report->threads = static_cast<uint32_t>(h.thread_names.size());
    }
    report->guarantee = g;
    // The grading recorded by `run` (the backend's own profile plus the scenario's expect),
    // unless --guarantee asks for another contract; --expect applies last.
    report->grading = ProfileFor(g);
    if (options.guarantee.empty()) ApplyOverrides(NamesToOverrides(h.grading), &report->grading);
    ApplyOverrides(overrides, &report->grading);
    CheckOptions check_options;
    check_options.max_examples = options.examples;
    check_options.threads = options.check_threads != 0 ? options.check_threads : DefaultCheckThreads();
    CheckResult trial = Check(h, check_options);
    if (!options.trace_dir.empty()) {
      TraceIfFailing(options.trace_dir, std::filesystem::path(file).filename().string(), h, trial, report->grading);
    }
    AddTrial(trial, h, report, options.examples);
    report->trials = report->trials_completed;
    report->status = Verdict(*report);
  }
  for (size_t i = 0; i < cases.size(); ++i) {
    std::fputs(RenderCaseResult(cases[i], i + 1, cases.size(), color, TerminalWidth(stdout)).c_str(), stdout);
  }
  std::fputs(("\n" + RenderMatrix(cases, color, TerminalWidth(stdout))).c_str(), stdout);
  if (!writer.Write(ReportInput{context, cases, false}, &error)) {
    std::cerr << "error: " << error << "\n";
    return ExitCodeWithStaleReports(ExitCodeFor(cases, false));
  }
  return ExitCodeFor(cases, false);
}

}  // namespace mapstress
