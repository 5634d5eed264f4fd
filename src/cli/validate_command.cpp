#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "report/exit_code.h"
#include "scenario/scenario_loader.h"

namespace mapstress {

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

}  // namespace mapstress
