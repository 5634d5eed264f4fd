#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "history/history_file.h"
#include "history/jepsen_export.h"
#include "report/exit_code.h"

namespace mapstress {

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
