#include "cli/run_session.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "cli/command_support.h"
#include "engine/clock.h"
#include "history/history_file.h"
#include "report/progress_line.h"
#include "report/report_writer.h"
#include "report/terminal.h"
#include "scenario/scenario_loader.h"

namespace mapstress {
namespace {

std::atomic<bool> g_interrupted{false};

void OnInterrupt(int) { g_interrupted.store(true); }

void InstallInterruptHandler() {
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  action.sa_flags = SA_RESETHAND;  // a second Ctrl-C kills at once
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

void SaveHistory(const std::string& dir, const History& history) {
  std::string error;
  std::string path = dir + "/" + HistoryFileName(history);
  if (!WriteHistoryFile(path, history, &error)) {
    std::cerr << "warning: could not save history: " << error << "\n";
  }
}

}  // namespace

RunSession::RunSession() = default;
RunSession::~RunSession() {
  if (progress_line_) progress_line_->Stop();
}

bool RunSession::Prepare(const Options& options) {
  options_ = options;
  auto fail = [](const std::string& message) {
    std::cerr << "error: " << message << "\n";
    return false;
  };
  if (!BuildRegistry(options.plugins, &registry_)) return false;
  std::vector<std::string> paths = options.paths;
  if (paths.empty()) paths.push_back(DefaultScenarioDir());
  if (!LoadScenarios(paths, options.recursive, &scenarios_)) return false;

  std::string error;
  PlanRequest request;
  request.backends = options.backends;
  request.filter = options.filter;
  request.shard = options.shard;
  request.trials = options.trials;
  if (!options.time_budget.empty()) {
    Nanos budget;
    if (!ParseDuration(options.time_budget, &budget, &error)) return fail("--time-budget: " + error);
    request.time_budget = budget;
  }
  if (!PlanCases(scenarios_, registry_, request, &plan_, &error)) return fail(error);

  if (!options.duration.empty()) {
    Nanos d;
    if (!ParseDuration(options.duration, &d, &error)) return fail("--duration: " + error);
    if (d.count() <= 0 || d > kMaxDuration)
      return fail("--duration: expected more than 0 and at most 24h, got " + options.duration);
    settings_.duration = d;
  }
  if (plan_.trial_duration) settings_.duration = plan_.trial_duration;
  Nanos grace;
  if (!ParseDuration(options.hang_grace, &grace, &error)) return fail("--hang-grace: " + error);
  settings_.hang_grace = grace;
  if (options.fence_window.empty()) {
    settings_.fence_window = kDefaultFenceWindow;
  } else if (options.fence_window == "0") {
    settings_.fence_window = Nanos{0};
  } else if (!ParseDuration(options.fence_window, &settings_.fence_window, &error)) {
    return fail("--fence-window: " + error);
  } else if (settings_.fence_window > std::chrono::milliseconds(100)) {
    return fail("--fence-window: expected at most 100ms, got " + options.fence_window);
  }
  settings_.trials = options.trials;
  settings_.seed = options.seed;
  settings_.max_history_bytes = options.max_history_mb << 20;
  settings_.isolate = options.isolate;
  settings_.allow_unsafe = options.allow_unsafe;
  settings_.backend_options.shards = options.shards;
  settings_.backend_options.redis_url = options.redis;
  settings_.backend_options.redis_force_hashtable = options.redis_force_hashtable;
  if (!ParseExpectFlags(options.expect, &settings_.expect, &error)) return fail(error);
  settings_.max_examples = options.examples;
  settings_.interrupted = &g_interrupted;
  settings_.progress = &progress_;
  if (!options.save_history.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.save_history, ec);
    if (ec || access(options.save_history.c_str(), W_OK) != 0) {
      return fail(fmt::format("--save-history: cannot write to folder '{}': {}", options.save_history,
                              ec ? ec.message() : std::string(strerror(errno))));
    }
    std::string dir = options.save_history;
    settings_.on_history = [dir](const History& h) { SaveHistory(dir, h); };
  }

  writer_ = std::make_unique<ReportWriter>();
  if (!AddReportTargets(options.formats, options.outs, options.report_dir, writer_.get(), &error) ||
      !writer_->Open(&error)) {
    return fail(error);
  }

  color_ = !options.no_color && UseColor(stdout);
  context_ = MakeRunContext(options.command_line);
  context_.clock = InitClock();
  context_.clock.fence_window_ns =
      CurrentClockSource() == ClockSource::kTsc ? static_cast<uint64_t>(settings_.fence_window.count()) : 0;
  context_.seed = options.seed ? *options.seed : kDefaultSeed;
  context_.duration = settings_.duration ? FormatDuration(*settings_.duration) : "";
  context_.trials = options.trials ? *options.trials : 0;

  uint32_t max_threads = 0;
  for (const auto& c : plan_.cases) max_threads = std::max(max_threads, scenarios_[c.scenario].TotalThreads());
  if (max_threads > context_.cpus) {
    warnings_.push_back(
        fmt::format("up to {} threads on {} CPUs: threads take turns, so races are rarer", max_threads, context_.cpus));
  }
  if (std::string(MAPSTRESS_BUILD_TYPE) == "Debug") {
    warnings_.push_back("Debug build: maps run slower than in production (use the release preset)");
  }
  if (context_.sanitized) warnings_.push_back("sanitized build: timings and race windows are distorted");
  if (!context_.clock.trusted) {
    warnings_.push_back("clock could not be trusted (" + context_.clock.note + "): cases will be inconclusive");
  } else if (!context_.clock.note.empty()) {
    warnings_.push_back("clock: " + context_.clock.note);
  }
  InstallInterruptHandler();
  return true;
}

void RunSession::PrintSettings() {
  std::fputs(RenderSettings(context_, warnings_, color_).c_str(), stdout);
  if (!plan_.summary.empty()) std::fputs(plan_.summary.c_str(), stdout);
  std::fflush(stdout);
  double expected = 0;
  for (const auto& c : plan_.cases) {
    const Scenario& s = scenarios_[c.scenario];
    expected += std::chrono::duration<double>(EffectiveDuration(s, settings_)).count() * EffectiveTrials(s, settings_);
  }
  if (!options_.no_progress) {
    progress_line_ = std::make_unique<ProgressLine>(&progress_);
    progress_line_->Start(plan_.cases.size(), expected);
    if (!plan_.cases.empty()) {
      progress_line_->SetCase(1, scenarios_[plan_.cases[0].scenario].name + " × " + plan_.cases[0].backend);
    }
  }
}

void RunSession::Record(CaseReport report) {
  cases_.push_back(std::move(report));
  const CaseReport& r = cases_.back();
  std::string text = RenderCaseResult(r, cases_.size(), plan_.cases.size(), color_);
  {
    std::unique_lock<std::mutex> hold;
    if (progress_line_) hold = progress_line_->Hold();
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
  }
  std::string error;
  if (!writer_->Write(ReportInput{context_, cases_, Interrupted()}, &error)) {
    std::cerr << "warning: " << error << "\n";
  }
  if (progress_line_ && cases_.size() < plan_.cases.size()) {
    const PlannedCase& next = plan_.cases[cases_.size()];
    progress_line_->SetCase(cases_.size() + 1, scenarios_[next.scenario].name + " × " + next.backend);
  }
}

void RunSession::Finish() {
  if (progress_line_) progress_line_->Stop();
  std::string text = "\n" + RenderMatrix(cases_, color_) + "\n" + RenderSnapshotMatrix(cases_, color_) + "\n" +
                     RenderPerformance(cases_, color_);
  if (Interrupted()) {
    text +=
        fmt::format("interrupted: {} of {} cases finished; reports hold those\n", cases_.size(), plan_.cases.size());
  }
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
  std::string error;
  if (!writer_->Write(ReportInput{context_, cases_, Interrupted()}, &error)) std::cerr << "warning: " << error << "\n";
}

bool RunSession::Interrupted() const { return g_interrupted.load(); }

}  // namespace mapstress
