#include "cli/commands.h"

#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "check/checker.h"
#include "cli/suggest.h"
#include "engine/clock.h"
#include "history/history_file.h"
#include "history/jepsen_export.h"
#include "plugin/plugin_loader.h"
#include "report/exit_code.h"
#include "report/progress_line.h"
#include "report/report_merge.h"
#include "report/report_writer.h"
#include "report/reporter.h"
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

// The case line, and under a failing case its anomaly table: what `run` and `check` print.
std::string RenderCaseResult(const CaseReport& report, size_t index, size_t total, bool color) {
  std::string text = RenderCaseLine(report, index, total, color);
  if (report.status == CaseStatus::kFail) text += RenderFailureTable(report, color);
  return text;
}

std::string IsoTimeNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void SaveHistory(const std::string& dir, const History& history) {
  std::string error;
  std::string path = dir + "/" + HistoryFileName(history);
  if (!WriteHistoryFile(path, history, &error)) {
    std::cerr << "warning: could not save history: " << error << "\n";
  }
}

}  // namespace

std::string DefaultScenarioDir() {
  std::error_code ec;
  if (std::filesystem::is_directory("scenarios", ec)) return "scenarios";
  return MAPSTRESS_SCENARIO_DIR;
}

bool LoadScenarios(const std::vector<std::string>& paths, bool recursive, std::vector<Scenario>* scenarios) {
  std::vector<std::string> files;
  LoadError error;
  if (!CollectScenarioFiles(paths, recursive, &files, &error)) {
    std::cerr << "error " << error.ToString() << "\n";
    return false;
  }
  bool ok = true;
  for (const auto& file : files) {
    Scenario s;
    if (!LoadScenarioFile(file, &s, &error)) {
      std::cerr << "error " << error.ToString() << "\n";
      ok = false;
      continue;
    }
    scenarios->push_back(std::move(s));
  }
  if (ok && scenarios->empty()) {
    std::cerr << "error: no scenario files found in " << fmt::format("{}", fmt::join(paths, ", ")) << "\n";
    return false;
  }
  return ok;
}

bool BuildRegistry(const std::vector<std::string>& plugins, BackendRegistry* registry) {
  *registry = BackendRegistry::BuiltIn();
  for (const auto& path : plugins) {
    std::string error = AddPluginBackends(path, registry);
    if (!error.empty()) {
      std::cerr << "error: " << error << "\n";
      return false;
    }
  }
  return true;
}

RunContext MakeRunContext(const std::string& command_line) {
  RunContext c;
  c.tool_version = MAPSTRESS_VERSION;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  c.host = host;
  c.cpus = std::thread::hardware_concurrency();
#if defined(__clang__)
  c.compiler = fmt::format("clang {}.{}.{}", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
  c.compiler = fmt::format("g++ {}.{}.{}", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#endif
  c.build_type = MAPSTRESS_BUILD_TYPE;
#ifdef MAPSTRESS_SANITIZED
  c.sanitized = true;
  c.build_type += std::string(" (") + MAPSTRESS_SANITIZED + " sanitizer)";
#endif
  c.start_time = IsoTimeNow();
  c.command_line = command_line;
  return c;
}

bool ParseExpectFlags(const std::vector<std::string>& flags, GradeOverrides* out, std::string* error) {
  std::vector<std::string> kinds;
  for (int i = 0; i < kAnomalyCount; ++i) kinds.push_back(AnomalyName(static_cast<Anomaly>(i)));
  kinds.push_back("crashed");
  kinds.push_back("hung");
  for (const auto& flag : flags) {
    size_t eq = flag.find('=');
    std::string kind = flag.substr(0, eq);
    Grade grade;
    if (eq == std::string::npos || !ParseGrade(flag.substr(eq + 1), &grade)) {
      *error = fmt::format("--expect: expected KIND=ACCEPTABLE|INTERESTING|FORBIDDEN, got '{}'", flag);
      return false;
    }
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) {
      *error = fmt::format("--expect: unknown anomaly kind '{}'{}", kind, DidYouMean(kind, kinds));
      return false;
    }
    (*out)[kind] = grade;
  }
  return true;
}

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

int ValidateCommand(const Options& options) {
  std::vector<std::string> files;
  LoadError error;
  if (!CollectScenarioFiles(options.paths, options.recursive, &files, &error)) {
    std::printf("error %s\n", error.ToString().c_str());
    return kExitError;
  }
  bool ok = true;
  for (const auto& file : files) {
    Scenario s;
    if (LoadScenarioFile(file, &s, &error)) {
      std::printf("ok  %s\n", file.c_str());
    } else {
      std::printf("error %s\n", error.ToString().c_str());
      ok = false;
    }
  }
  return ok ? 0 : kExitError;
}

int ListCommand(const Options& options) {
  if (options.list_what == "formats") {
    for (const auto& r : Reporters()) std::printf("%-10s .%-5s %s\n", r.name, r.extension, r.description);
    return 0;
  }
  if (options.list_what == "scenarios") {
    std::vector<std::string> paths = options.paths;
    if (paths.empty()) paths.push_back(DefaultScenarioDir());
    std::vector<Scenario> scenarios;
    if (!LoadScenarios(paths, options.recursive, &scenarios)) return kExitError;
    for (const auto& s : scenarios) {
      std::printf("%-32s %s\n", s.name.c_str(), s.path.c_str());
      if (options.verbose) std::printf("    %s\n", s.description.c_str());
    }
    return 0;
  }
  BackendRegistry registry;
  if (!BuildRegistry(options.plugins, &registry)) return kExitError;
  std::vector<std::string> defaults = registry.DefaultSet();
  for (const auto& b : registry.All()) {
    if (b.testing_only && !options.verbose) continue;
    bool is_default = std::find(defaults.begin(), defaults.end(), b.name) != defaults.end();
    std::printf("%-22s %-8s %-9s %s%s\n", b.name.c_str(), GuaranteeName(b.guarantee),
                is_default ? "default" : (b.testing_only ? "testing" : "-"), b.description.c_str(),
                b.always_isolate ? " [isolated]" : "");
    if (options.verbose) {
      ContractProfile p = b.Profile();
      std::string grades;
      for (int i = 0; i < kAnomalyCount; ++i) {
        grades += fmt::format("{}={} ", AnomalyName(static_cast<Anomaly>(i)), GradeName(p.anomaly[i]));
      }
      grades += fmt::format("crashed={} hung={}", GradeName(p.crashed), GradeName(p.hung));
      std::printf("    promise: %s\n    concurrency: %s\n    grading: %s\n", b.promise.c_str(),
                  b.concurrency.empty() ? "-" : b.concurrency.c_str(), grades.c_str());
    }
  }
  if (!options.verbose)
    std::printf("(--verbose: each promise with its source; also the deliberately faulty testing backends)\n");
  return 0;
}

int CheckCommand(const Options& options) {
  ReportWriter writer;
  std::string error;
  GradeOverrides overrides;
  if (!AddReportTargets(options.formats, options.outs, options.report_dir, &writer, &error) ||
      !ParseExpectFlags(options.expect, &overrides, &error) || !writer.Open(&error)) {
    std::cerr << "error: " << error << "\n";
    return kExitError;
  }
  std::vector<std::string> files;
  for (const auto& p : options.paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::string> found;
      for (const auto& e : std::filesystem::directory_iterator(p)) {
        std::string name = e.path().string();
        if (name.ends_with(".jsonl") || name.ends_with(".jsonl.gz")) found.push_back(name);
      }
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(p);
    }
  }
  bool color = !options.no_color && UseColor(stdout);
  RunContext context = MakeRunContext(options.command_line);
  context.clock.source = "recorded history";
  context.clock.trusted = true;
  std::vector<CaseReport> cases;
  // One case per scenario x backend; trials of the same case are merged in file order.
  for (const auto& file : files) {
    History h;
    if (!ReadHistoryFile(file, &h, &error)) {
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
    report->check.Merge(Check(h, check_options), options.examples);
    report->trials = ++report->trials_completed;
    report->truncated |= h.truncated;
    for (const Op& op : h.ops) ++report->ops[static_cast<int>(op.kind)].count;
    report->status = Verdict(*report);
  }
  for (size_t i = 0; i < cases.size(); ++i) {
    std::fputs(RenderCaseResult(cases[i], i + 1, cases.size(), color).c_str(), stdout);
  }
  std::fputs(("\n" + RenderMatrix(cases, color)).c_str(), stdout);
  if (!writer.Write(ReportInput{context, cases, false}, &error)) std::cerr << "warning: " << error << "\n";
  return ExitCodeFor(cases, false);
}

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

int ExportCommand(const Options& options) {
  History h;
  std::string error;
  if (!ReadHistoryFile(options.paths[0], &h, &error)) {
    std::cerr << "error " << error << "\n";
    return kExitError;
  }
  std::string edn = ExportJepsenEdn(h);
  if (options.export_out.empty()) {
    std::fwrite(edn.data(), 1, edn.size(), stdout);
    return 0;
  }
  std::ofstream out(options.export_out, std::ios::binary);
  out << edn;
  if (!out) {
    std::cerr << "error: " << options.export_out << ": cannot write: " << strerror(errno) << "\n";
    return kExitError;
  }
  return 0;
}

}  // namespace mapstress
