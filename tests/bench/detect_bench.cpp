// detect_bench: detection power, not speed. For each narrow-window faulty backend and each
// --noise mode, many seeded runs of the bundled scenarios with a fixed total stress time (split
// evenly over their trials, in file order, like `mapstress run scenarios --time-budget`). A run
// ends at its first trial with a proven anomaly. Prints the share of runs that caught the bug,
// the median stress time to the first proven anomaly, and ops/s (the noise's throughput cost:
// the modes of each seed run back to back, so their ops/s compare within one run).
//   detect_bench [--seeds N] [--budget-ms MS] [--scenarios DIR] [--backends a,b] [--modes off,light]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "backend/backend_registry.h"
#include "check/checker.h"
#include "engine/clock.h"
#include "engine/engine.h"
#include "scenario/scenario_loader.h"

using namespace mapstress;

namespace {

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

struct Row {
  uint32_t runs = 0;
  uint32_t caught = 0;
  std::vector<double> first_ms;
  std::map<std::string, uint32_t> first_by;  // scenario that caught it first
  uint64_t ops = 0;
  double seconds = 0;
};

double Median(std::vector<double> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  uint32_t seeds = 20;
  uint64_t budget_ms = 1000;
  std::string dir = std::string(MAPSTRESS_SOURCE_DIR) + "/scenarios";
  std::vector<std::string> backends = {"faulty-torn-store", "faulty-early-present", "faulty-torn-store-w64",
                                       "faulty-early-present-w64", "slots"};
  std::vector<std::string> modes = {"off", "light", "heavy", "pct"};
  if (argc % 2 == 0) {  // a flag without its value, or --help
    fmt::print(
        stderr,
        "usage: detect_bench [--seeds N] [--budget-ms MS] [--scenarios DIR] [--backends a,b] [--modes off,light]\n");
    return std::string(argv[argc - 1]) == "--help" ? 0 : 2;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--seeds") {
      seeds = static_cast<uint32_t>(std::stoul(value));
    } else if (flag == "--budget-ms") {
      budget_ms = std::stoull(value);
    } else if (flag == "--scenarios") {
      dir = value;
    } else if (flag == "--backends") {
      backends = Split(value);
    } else if (flag == "--modes") {
      modes = Split(value);
    } else {
      fmt::print(stderr, "detect_bench: unknown flag {}\n", flag);
      return 2;
    }
  }
  ClockCheck clock = InitClock();
  std::vector<std::string> files;
  LoadError error;
  if (!CollectScenarioFiles({dir}, false, &files, &error)) {
    fmt::print(stderr, "{}\n", error.ToString());
    return 2;
  }
  std::vector<Scenario> scenarios;
  for (const auto& f : files) {
    Scenario s;
    if (!LoadScenarioFile(f, &s, &error)) {
      fmt::print(stderr, "{}\n", error.ToString());
      return 2;
    }
    scenarios.push_back(std::move(s));
  }
  const BackendRegistry registry = BackendRegistry::BuiltIn();
  fmt::print("detect_bench: {} scenarios from {}, {} ms of stress per run, {} seeds, clock {}\n", scenarios.size(), dir,
             budget_ms, seeds, clock.source);
  fmt::print("\n| backend | noise | caught | median time to first anomaly | first caught by | ops/s |\n");
  fmt::print("|---|---|---|---|---|---|\n");
  for (const auto& name : backends) {
    const BackendInfo* backend = registry.Find(name);
    if (backend == nullptr) {
      fmt::print(stderr, "detect_bench: unknown backend {}\n", name);
      return 2;
    }
    std::vector<const Scenario*> runnable;
    uint32_t trials = 0;
    for (const auto& s : scenarios) {
      if (backend->unsupported_reason && !backend->unsupported_reason(s.Traits()).empty()) continue;
      runnable.push_back(&s);
      trials += s.trials;
    }
    const Nanos per_trial{static_cast<int64_t>(budget_ms * 1000000 / std::max(1u, trials))};
    std::vector<NoiseMode> parsed(modes.size());
    for (size_t m = 0; m < modes.size(); ++m) {
      if (!ParseNoiseMode(modes[m], &parsed[m])) {
        fmt::print(stderr, "detect_bench: unknown noise mode {}\n", modes[m]);
        return 2;
      }
    }
    // Seeds outside, modes inside: the modes of one seed run back to back, so a change in the
    // machine's load shifts every mode's figures alike and the ops/s compare within one run.
    std::vector<Row> rows(modes.size());
    for (uint32_t seed = 1; seed <= seeds; ++seed) {
      for (size_t m = 0; m < modes.size(); ++m) {
        Row& row = rows[m];
        RunSettings settings;
        settings.duration = per_trial;
        settings.seed = seed;
        settings.noise = parsed[m];
        double elapsed_ms = 0;
        bool caught = false;
        for (const Scenario* s : runnable) {
          for (uint32_t t = 0; t < s->trials && !caught; ++t) {
            auto start = std::chrono::steady_clock::now();
            History h = RunTrial(*s, *backend, settings, t);
            row.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            row.ops += h.ops.size();
            CheckResult c = Check(h);
            if (c.first_anomaly_ns >= 0) {
              caught = true;
              row.first_ms.push_back(elapsed_ms + static_cast<double>(c.first_anomaly_ns) / 1e6);
              ++row.first_by[s->name];
            }
            elapsed_ms += static_cast<double>(per_trial.count()) / 1e6;
          }
          if (caught) break;
        }
        ++row.runs;
        if (caught) ++row.caught;
      }
      fmt::print(stderr, "\r{} seed {}/{}   ", name, seed, seeds);
    }
    fmt::print(stderr, "\r\033[K");
    for (size_t m = 0; m < modes.size(); ++m) {
      const Row& row = rows[m];
      std::string by;
      uint32_t best = 0;
      for (const auto& [scenario, n] : row.first_by) {
        if (n > best) {
          best = n;
          by = fmt::format("{} ({}x)", scenario, n);
        }
      }
      double median = Median(row.first_ms);
      fmt::print("| {} | {} | {}/{} ({:.0f}%) | {} | {} | {:.2f}M |\n", name, modes[m], row.caught, row.runs,
                 100.0 * row.caught / std::max(1u, row.runs), median < 0 ? "-" : fmt::format("{:.0f} ms", median),
                 by.empty() ? "-" : by, row.seconds > 0 ? static_cast<double>(row.ops) / row.seconds / 1e6 : 0);
    }
    std::fflush(stdout);
  }
  return 0;
}
