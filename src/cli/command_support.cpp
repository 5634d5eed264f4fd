#include "cli/command_support.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <thread>

#include "core/duration.h"
#include "core/suggest.h"
#include "plugin/bundled_plugins.h"
#include "plugin/plugin_loader.h"
#include "report/crash_text.h"
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

bool MakeInputLimits(const Options& options, InputLimits* limits, std::string* error) {
  if (options.max_line_mb) limits->max_line_bytes = options.max_line_mb << 20;
  if (options.max_input_mb) limits->max_total_bytes = options.max_input_mb << 20;
  if (!options.input_timeout.empty()) {
    Nanos wait;
    if (!ParseDuration(options.input_timeout, &wait, error)) {
      *error = "--input-timeout: " + *error;
      return false;
    }
    limits->fifo_idle =
        std::max(std::chrono::milliseconds(1), std::chrono::duration_cast<std::chrono::milliseconds>(wait));
  }
  return true;
}

// The case line, under a failing case its anomaly table, and a crash's details: what `run` and
// `check` print.
std::string RenderCaseResult(const CaseReport& report, size_t index, size_t total, bool color, size_t width) {
  std::string text = RenderCaseLine(report, index, total, color, width);
  if (report.status == CaseStatus::kFail) text += RenderFailureTable(report, color, width);
  text += RenderCrashDetails(report);
  return text;
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

bool BuildRegistry(const std::vector<std::string>& plugins, bool bundled, BackendRegistry* registry) {
  *registry = BackendRegistry::BuiltIn();
  if (bundled) {
    std::vector<std::string> warnings;
    AddBundledPlugins(plugins, registry, &warnings);
    for (const auto& w : warnings) std::cerr << "warning: " << w << "\n";
  }
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
  const std::vector<std::string>& kinds = GradedKindNames();
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
