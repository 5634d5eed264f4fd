#include "cli/command_support.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <thread>

#include "core/suggest.h"
#include "plugin/plugin_loader.h"
#include "report/terminal.h"
#include "scenario/scenario_loader.h"

namespace mapstress {
namespace {

std::string IsoTimeNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

// The case line, and under a failing case its anomaly table: what `run` and `check` print.
std::string RenderCaseResult(const CaseReport& report, size_t index, size_t total, bool color) {
  std::string text = RenderCaseLine(report, index, total, color);
  if (report.status == CaseStatus::kFail) text += RenderFailureTable(report, color);
  return text;
}

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

}  // namespace mapstress
