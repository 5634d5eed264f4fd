#include "cli/run_session.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "check/checker.h"
#include "cli/command_support.h"
#include "cli/trace_dir.h"
#include "core/suggest.h"
#include "engine/clock.h"
#include "history/history_file.h"
#include "report/exit_code.h"
#include "report/number_format.h"
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

std::string GiB(uint64_t bytes) { return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / (1ull << 30)); }

// Refuses a plan holding a case that would need more memory than the machine has, naming the
// estimate and the knobs, before anything runs (an OOM kill reports nothing).
bool CheckMemory(const std::vector<Scenario>& scenarios, const CasePlan& plan, const RunSettings& settings,
                 std::string* error) {
  uint64_t phys = PhysicalMemoryBytes();
  std::vector<bool> seen(scenarios.size());
  for (const PlannedCase& c : plan.cases) {
    if (seen[c.scenario]) continue;
    seen[c.scenario] = true;
    const Scenario& s = scenarios[c.scenario];
    MemoryEstimate e = EstimateCaseMemory(s, settings);
    if (e.Total() <= phys) continue;
    *error = fmt::format(
        "{}: a case of this scenario needs about {} ({} for keys.count {} / keys.prefill {}, {} for the history "
        "budget), more than this machine's {}: lower keys.count or keys.prefill in the scenario, or "
        "--max-history-mb",
        s.path, GiB(e.Total()), GiB(e.map_bytes), s.keys.count, s.keys.prefill, GiB(e.history_bytes), GiB(phys));
    return false;
  }
  return true;
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
  if (!BuildRegistry(options.plugins, !options.no_bundled_plugins, &registry_)) return false;
  std::string error;
  std::vector<std::string> paths = options.paths;
  if (!DefaultScenarioPaths(&paths, &error)) return fail(error);
  if (!LoadScenarios(paths, options.recursive, &scenarios_)) return false;

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
  settings_.batch_calls = !options.no_batch_calls;
  if (!options.noise.empty() && !ParseNoiseMode(options.noise, &settings_.noise)) {
    return fail("--noise: expected off, light, heavy or pct, got '" + options.noise + "'" +
                DidYouMean(options.noise, {"off", "light", "heavy", "pct"}));
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
  settings_.check_threads = options.check_threads;
  settings_.interrupted = &g_interrupted;
  settings_.progress = progress_.get();
  if (!options.save_history.empty()) {
    history_saver_ = std::make_shared<HistorySaver>();
    if (!history_saver_->Open(options.save_history, &error)) return fail(error);
  }
  if (!options.trace_dir.empty() && !OpenTraceDir(options.trace_dir, &error)) return fail(error);
  if (history_saver_ || !options.trace_dir.empty()) {
    // --trace-dir checks the trial's history once more (the engine keeps only the merged result).
    settings_.on_history = [saver = history_saver_, dir = options.trace_dir,
                            examples = options.examples](const History& h) {
      if (saver) saver->Save(h);
      if (dir.empty()) return;
      CheckOptions check_options;
      check_options.max_examples = examples;
      ContractProfile grading = ProfileFor(h.guarantee);
      ApplyOverrides(NamesToOverrides(h.grading), &grading);
      TraceIfFailing(dir, HistoryFileName(h), h, Check(h, check_options), grading);
    };
  }

  if (!CheckMemory(scenarios_, plan_, settings_, &error)) return fail(error);

  writer_ = std::make_unique<ReportWriter>();
  if (!AddReportTargets(options.formats, options.outs, options.report_dir, writer_.get(), &error) ||
      !writer_->Open(&error)) {
    return fail(error);
  }

  color_ = !options.no_color && UseColor(stdout);
  width_ = TerminalWidth(stdout);
  context_ = MakeRunContext(options.command_line);
  context_.clock = InitClock();
  context_.clock.fence_window_ns =
      CurrentClockSource() == ClockSource::kTsc ? static_cast<uint64_t>(settings_.fence_window.count()) : 0;
  context_.seed = options.seed ? *options.seed : kDefaultSeed;
  context_.duration = settings_.duration ? FormatDuration(*settings_.duration) : "";
  context_.trials = options.trials ? *options.trials : 0;
  context_.noise = NoiseModeName(settings_.noise);
  for (const auto& c : plan_.cases) {
    const BackendInfo* b = registry_.Find(c.backend);
    if (b != nullptr && !b->build.empty()) context_.backend_builds[b->name] = b->build;
  }
  context_.shard_index = plan_.shard_index;
  context_.shard_count = plan_.shard_count;
  context_.plan_cases = plan_.all_cases;
  context_.plan = PlanFingerprint(
      plan_,
      {fmt::format("seed {}", context_.seed), "duration " + options.duration, fmt::format("trials {}", context_.trials),
       "noise " + context_.noise, "time-budget " + options.time_budget,
       "fence-window " + options.fence_window + (options.no_batch_calls ? " no-batch-calls" : ""),
       fmt::format("expect {}", fmt::join(options.expect, ",")),
       fmt::format("isolate {} allow-unsafe {}", options.isolate, options.allow_unsafe),
       fmt::format("max-history-mb {} shards {}", options.max_history_mb, options.shards)});

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
  std::fputs(RenderSettings(context_, warnings_, color_, width_).c_str(), stdout);
  if (!plan_.summary.empty()) std::fputs(plan_.summary.c_str(), stdout);
  std::fflush(stdout);
  std::vector<double> planned;  // per case: the ETA's basis
  for (const auto& c : plan_.cases) {
    const Scenario& s = scenarios_[c.scenario];
    planned.push_back(std::chrono::duration<double>(EffectiveDuration(s, settings_)).count() *
                      EffectiveTrials(s, settings_));
  }
  if (!options_.no_progress) {
    progress_line_ = std::make_unique<ProgressLine>(progress_.get());
    progress_line_->Start(std::move(planned));
    if (!plan_.cases.empty()) {
      progress_line_->SetCase(1, scenarios_[plan_.cases[0].scenario].name + " × " + plan_.cases[0].backend);
    }
  }
}

void RunSession::Record(CaseReport report) {
  cases_.push_back(std::move(report));
  const CaseReport& r = cases_.back();
  if (history_saver_) history_saver_->CaseDone(r);
  std::string text = RenderCaseResult(r, cases_.size(), plan_.cases.size(), color_, width_);
  {
    std::unique_lock<std::mutex> hold;
    if (progress_line_) hold = progress_line_->Hold();
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
  }
  std::string error;
  if (!writer_->Write(ReportInput{context_, cases_, Interrupted(), plan_.cases.size()}, &error, /*last=*/false)) {
    std::cerr << "warning: " << error << "\n";
  }
  if (progress_line_ && cases_.size() < plan_.cases.size()) {
    const PlannedCase& next = plan_.cases[cases_.size()];
    progress_line_->SetCase(cases_.size() + 1, scenarios_[next.scenario].name + " × " + next.backend);
  }
}

void RunSession::Finish() {
  if (progress_line_) progress_line_->Stop();
  std::string text = "\n" + RenderMatrix(cases_, color_, width_) + "\n" + RenderSnapshotMatrix(cases_, color_, width_) +
                     "\n" + RenderPerformance(cases_, color_);
  if (history_saver_) text += history_saver_->SizeNote();
  if (Interrupted()) {
    text += fmt::format("interrupted: {} of {} finished; reports hold those\n", cases_.size(),
                        CountOf(plan_.cases.size(), "case"));
  }
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
  std::string error;
  if (!writer_->Write(ReportInput{context_, cases_, Interrupted(), plan_.cases.size()}, &error)) {
    std::cerr << "error: " << error << "\n";
  }
  stale_ = writer_->Stale();
  if (!stale_.empty()) {
    std::cerr << fmt::format("error: these report files could not be written and are stale or missing: {}\n",
                             fmt::join(stale_, ", "));
  }
}

int RunSession::ExitCode() const {
  int code = ExitCodeFor(cases_, Interrupted());
  return stale_.empty() ? code : ExitCodeWithStaleReports(code);
}

bool RunSession::Interrupted() const { return g_interrupted.load(); }

}  // namespace mapstress
