#include "cli/drill_down_command.h"

#include <cstdio>
#include <iostream>

#include "check/drill_down.h"
#include "history/history_file.h"
#include "report/exit_code.h"

namespace mapstress {

int DrillDownCommand(const Options& options) {
  int code = 0;
  for (const auto& file : options.paths) {
    History h;
    std::string error;
    if (!ReadHistoryFile(file, &h, &error)) {
      std::cerr << "error " << error << "\n";
      return kExitError;
    }
    std::printf("%s: ", file.c_str());
    if (options.check_key) std::fputs(DescribeKey(h, *options.check_key).c_str(), stdout);
    if (options.check_iteration) {
      bool found = false;
      std::string text = DescribeIteration(h, *options.check_iteration, &found);
      if (!found) {
        std::cerr << "error " << file << ": --iteration: " << text;
        code = kExitError;
        continue;
      }
      std::fputs((options.check_key ? "\n" + text : text).c_str(), stdout);
    }
  }
  return code;
}

}  // namespace mapstress
