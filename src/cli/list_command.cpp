#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "report/exit_code.h"
#include "report/reporter.h"

namespace mapstress {

int ListCommand(const Options& options) {
  if (options.list_what == "formats") {
    for (const auto& r : Reporters()) std::printf("%-10s .%-10s %s\n", r.name, r.extension, r.description);
    return 0;
  }
  if (options.list_what == "scenarios") {
    std::vector<std::string> paths = options.paths;
    std::string error;
    if (!DefaultScenarioPaths(&paths, &error)) {
      std::cerr << "error: " << error << "\n";
      return kExitError;
    }
    std::vector<Scenario> scenarios;
    if (!LoadScenarios(paths, options.recursive, &scenarios)) return kExitError;
    for (const auto& s : scenarios) {
      std::printf("%-32s %s\n", s.name.c_str(), s.path.c_str());
      if (options.verbose) std::printf("    %s\n", s.description.c_str());
    }
    return 0;
  }
  BackendRegistry registry;
  if (!BuildRegistry(options.plugins, !options.no_bundled_plugins, &registry)) return kExitError;
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
      if (!b.build.empty()) std::printf("    built with: %s\n", b.build.c_str());
      if (b.batch) std::printf("    calls: batches of point ops (mapstress_batch_for)\n");
    }
  }
  if (!options.verbose)
    std::printf("(--verbose: each promise with its source; also the deliberately faulty testing backends)\n");
  return 0;
}

}  // namespace mapstress
