#include "cli/shrink_command.h"

#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>

#include "cli/command_support.h"
#include "core/atomic_file.h"
#include "core/duration.h"
#include "core/suggest.h"
#include "core/text_width.h"
#include "engine/clock.h"
#include "engine/engine.h"
#include "report/exit_code.h"
#include "scenario/scenario_loader.h"
#include "scenario/scenario_shrinker.h"
#include "scenario/scenario_writer.h"

namespace mapstress {
namespace {

using Clock = std::chrono::steady_clock;

std::atomic<bool> g_shrink_interrupted{false};

void OnShrinkInterrupt(int) { g_shrink_interrupted.store(true); }

// "3/4 (95% ≥ 0.30)": k of N with the Wilson interval's lower bound.
std::string FailedOf(const FailureCount& c) {
  Rate rate = MakeRate(c.failed, c.runs);
  return fmt::format("{}/{} runs (Wilson 95% {:.2f}..{:.2f})", c.failed, c.runs, rate.lo, rate.hi);
}

std::string ShellQuote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:+,") ==
                        std::string::npos) {
    return s;
  }
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The kinds a failing case shows, in the order the tool grades them.
std::vector<std::string> FailureKinds(const CaseReport& r) {
  std::vector<std::string> kinds;
  if (ShowsFailure(r, "crashed", false)) kinds.push_back("crashed");
  if (ShowsFailure(r, "hung", false)) kinds.push_back("hung");
  for (int i = 0; i < kAnomalyCount; ++i) {
    std::string name = AnomalyName(static_cast<Anomaly>(i));
    if (ShowsFailure(r, name, false)) kinds.push_back(name);
  }
  return kinds;
}

struct ShrinkSetup {
  Scenario scenario;
  const BackendInfo* backend = nullptr;
  RunSettings settings;
  ClockCheck clock;
  uint32_t runs = 0;
  uint32_t min_failing = 0;
  Nanos budget{0};
  std::string kind;  // "" until chosen
  bool any_grade = false;
  std::string out;
};

// Up to `runs` cases of `s`; with `early`, stops as soon as the verdict is certain.
FailureCount Measure(const ShrinkSetup& setup, const Scenario& s, bool early, std::vector<CaseReport>* reports) {
  FailureCount count;
  for (uint32_t i = 0; i < setup.runs && !g_shrink_interrupted.load(); ++i) {
    CaseReport r = RunCase(s, *setup.backend, setup.settings, setup.clock);
    ++count.runs;
    bool failed = setup.kind.empty() ? r.status == CaseStatus::kFail : ShowsFailure(r, setup.kind, setup.any_grade);
    count.failed += failed;
    if (reports) reports->push_back(std::move(r));
    if (early && (count.failed >= setup.min_failing || count.runs - count.failed > setup.runs - setup.min_failing)) {
      break;
    }
  }
  count.fails = count.failed >= setup.min_failing;
  return count;
}

bool Prepare(const Options& o, BackendRegistry* registry, ShrinkSetup* setup) {
  auto fail = [](const std::string& message) {
    std::cerr << "error: " << message << "\n";
    return false;
  };
  if (!BuildRegistry(o.plugins, /*bundled=*/true, registry)) return false;
  LoadError load_error;
  if (!LoadScenarioFile(o.paths[0], &setup->scenario, &load_error)) return fail(load_error.ToString());
  if (o.backends.size() != 1) return fail("shrink: expected exactly one --backend");
  setup->backend = registry->Find(o.backends[0]);
  if (setup->backend == nullptr) {
    return fail(fmt::format("unknown backend '{}'{}; see `mapstress list backends --verbose`", o.backends[0],
                            DidYouMean(o.backends[0], registry->Names(true))));
  }
  std::string error;
  if (!o.shrink_kind.empty()) {
    std::vector<std::string> kinds = {"crashed", "hung"};
    for (int i = 0; i < kAnomalyCount; ++i) kinds.push_back(AnomalyName(static_cast<Anomaly>(i)));
    if (std::find(kinds.begin(), kinds.end(), o.shrink_kind) == kinds.end()) {
      return fail(fmt::format("--kind: unknown kind '{}'{}", o.shrink_kind, DidYouMean(o.shrink_kind, kinds)));
    }
    setup->kind = o.shrink_kind;
    setup->any_grade = true;
  }
  setup->runs = o.shrink_runs;
  setup->min_failing = o.shrink_min_failing;
  if (setup->min_failing > setup->runs) {
    return fail(fmt::format("--min-failing: expected at most --runs ({}), got {}", setup->runs, setup->min_failing));
  }
  if (!ParseDuration(o.shrink_budget, &setup->budget, &error)) return fail("--budget: " + error);
  Scenario& s = setup->scenario;
  if (!o.duration.empty()) {
    Nanos d;
    if (!ParseDuration(o.duration, &d, &error)) return fail("--duration: " + error);
    if (d.count() <= 0 || d > kMaxDuration) return fail("--duration: expected more than 0 and at most 24h");
    s.duration = d;
  }
  if (o.trials) s.trials = *o.trials;
  // The search cuts the scenario's own duration and seed, so both are written into it.
  if (!s.duration && EffectiveDuration(s, RunSettings{}).count() > 0) s.duration = kDefaultDuration;
  s.seed = o.seed ? *o.seed : EffectiveSeed(s, RunSettings{});
  Nanos grace;
  if (!ParseDuration(o.hang_grace, &grace, &error)) return fail("--hang-grace: " + error);
  setup->settings.hang_grace = grace;
  setup->settings.allow_unsafe = o.allow_unsafe;
  setup->settings.isolate = o.isolate;
  setup->settings.interrupted = &g_shrink_interrupted;
  if (!ParseExpectFlags(o.expect, &setup->settings.expect, &error)) return fail(error);
  setup->out = o.shrink_out.empty() ? s.name + ".min.json" : o.shrink_out;
  if (!CheckWritable(setup->out, &error)) return fail("--out: " + error);
  setup->clock = InitClock();
  if (!setup->clock.trusted) return fail("the clock could not be trusted: " + setup->clock.note);
  return true;
}

// Picks the failure to keep: the kind most of the failing runs show.
std::string ChooseKind(const std::vector<CaseReport>& reports) {
  std::map<std::string, uint32_t> seen;
  std::vector<std::string> order;
  for (const auto& r : reports) {
    for (const auto& k : FailureKinds(r)) {
      if (seen[k]++ == 0) order.push_back(k);
    }
  }
  std::string best;
  for (const auto& k : order) {
    if (best.empty() || seen[k] > seen[best]) best = k;
  }
  return best;
}

std::string RunCommandFor(const Options& o, const std::string& file, const Scenario& s, const std::string& backend) {
  std::string cmd = "mapstress run " + ShellQuote(file) + " --backend " + ShellQuote(backend);
  cmd += fmt::format(" --seed {}", s.seed.value_or(kDefaultSeed));
  for (const auto& p : o.plugins) cmd += " --plugin " + ShellQuote(p);
  for (const auto& e : o.expect) cmd += " --expect " + ShellQuote(e);
  if (o.allow_unsafe) cmd += " --allow-unsafe";
  if (o.isolate) cmd += " --isolate";
  return cmd;
}

}  // namespace

bool ShowsFailure(const CaseReport& r, const std::string& kind, bool any_grade) {
  if (kind == "crashed") return r.outcome == Outcome::kCrashed;
  if (kind == "hung") return r.outcome == Outcome::kHung;
  Anomaly a;
  if (!ParseAnomaly(kind, &a) || r.check.Count(a) == 0) return false;
  return any_grade || r.grading.Of(a) == Grade::kForbidden;
}

int ShrinkCommand(const Options& o) {
  BackendRegistry registry;
  ShrinkSetup setup;
  if (!Prepare(o, &registry, &setup)) return kExitError;
  struct sigaction action {};
  action.sa_handler = OnShrinkInterrupt;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  const auto start = Clock::now();
  const Scenario& original = setup.scenario;
  std::printf("shrink %s × %s: seed %llu, keep a failure seen in ≥ %u of %u runs, budget %s\n", original.path.c_str(),
              setup.backend->name.c_str(), static_cast<unsigned long long>(*original.seed), setup.min_failing,
              setup.runs, FormatDuration(setup.budget).c_str());
  std::printf("start: %s\n", DescribeSize(SizeOf(original)).c_str());
  std::fflush(stdout);

  std::vector<CaseReport> first;
  FailureCount initial = Measure(setup, original, false, &first);
  if (g_shrink_interrupted.load()) {
    std::printf("interrupted before the first measurement finished\n");
    return kExitInterrupted;
  }
  if (initial.failed == 0) {
    std::printf("did not fail in %u runs, nothing to shrink%s\n", initial.runs,
                setup.kind.empty() ? "" : (" (looked for " + setup.kind + ")").c_str());
    return 0;
  }
  if (setup.kind.empty()) setup.kind = ChooseKind(first);
  if (setup.kind.empty()) {
    std::printf("failed in %u of %u runs, but with no crash, hang or FORBIDDEN anomaly to keep; nothing to shrink\n",
                initial.failed, initial.runs);
    return 0;
  }
  initial.failed = 0;
  for (const auto& r : first) initial.failed += ShowsFailure(r, setup.kind, setup.any_grade);
  initial.fails = initial.failed >= setup.min_failing;
  std::printf("failure to keep: %s, seen in %s\n", setup.kind.c_str(), FailedOf(initial).c_str());
  if (!initial.fails) {
    std::printf(
        "fewer than %u of %u runs show it: too rare to shrink reliably (raise --runs, or lower "
        "--min-failing)\n",
        setup.min_failing, setup.runs);
    return kExitInconclusive;
  }

  ShrinkOptions options;
  options.out_of_budget = [&] { return g_shrink_interrupted.load() || Clock::now() - start >= setup.budget; };
  options.on_step = [](const ShrinkStep& step) {
    std::string what = TruncateToWidth(step.what, 60);
    what += std::string(60 - std::min<size_t>(60, DisplayWidth(what)), ' ');
    std::printf("  step %-3zu %s fails %u/%u  %s\n", step.index, what.c_str(), step.result.failed, step.result.runs,
                step.kept ? "kept" : "-");
    std::fflush(stdout);
  };
  ShrinkResult result = Shrink(
      original, [&](const Scenario& s) { return Measure(setup, s, true, nullptr); }, options);

  // "Still fails" is measured again over all --runs: the last kept scenario first, stepping back
  // along the kept ones (at most kMaxFallbacks) while one fails too rarely to count.
  constexpr size_t kMaxFallbacks = 3;
  Scenario minimal = result.minimal;
  FailureCount confirmed;
  for (size_t back = 0; back < result.kept_chain.size() && back <= kMaxFallbacks; ++back) {
    minimal = result.kept_chain[result.kept_chain.size() - 1 - back];
    minimal.name = original.name + "-min";
    minimal.description = fmt::format("Shrunk by `mapstress shrink` from {} against {}: keeps '{}'. {}", original.path,
                                      setup.backend->name, setup.kind, original.description);
    minimal.backends = {setup.backend->name};
    confirmed = Measure(setup, minimal, false, nullptr);
    if (confirmed.fails || g_shrink_interrupted.load()) break;
    std::printf("confirming: %s shows %s in only %s; one kept step back\n", DescribeSize(SizeOf(minimal)).c_str(),
                setup.kind.c_str(), FailedOf(confirmed).c_str());
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (result.budget_exhausted) {
    std::printf("%s after %zu steps (%.0fs): the scenario below is the smallest found so far\n",
                g_shrink_interrupted.load() ? "interrupted" : "budget spent", result.steps.size(), seconds);
  } else {
    std::printf("no smaller candidate fails: done after %zu steps (%.0fs)\n", result.steps.size(), seconds);
  }
  std::printf("minimal: %s (from %s)\n", DescribeSize(SizeOf(minimal)).c_str(), DescribeSize(SizeOf(original)).c_str());
  std::printf("confirmed: %s shows %s in %s\n", minimal.name.c_str(), setup.kind.c_str(), FailedOf(confirmed).c_str());

  std::string error;
  if (!WriteFileAtomically(setup.out, ScenarioToJson(minimal), &error)) {
    std::cerr << "error: " << error << "\n";
    return kExitError;
  }
  std::printf("wrote %s\nreproduce: %s\n", setup.out.c_str(),
              RunCommandFor(o, setup.out, minimal, setup.backend->name).c_str());
  if (g_shrink_interrupted.load()) return kExitInterrupted;
  if (!confirmed.fails) {
    std::printf(
        "fewer than %u of its %u confirming runs failed: the failure is rare at this size (raise --runs "
        "and --min-failing)\n",
        setup.min_failing, confirmed.runs);
    return kExitInconclusive;
  }
  return kExitFail;
}

}  // namespace mapstress
