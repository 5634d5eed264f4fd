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
  InputLimits limits;
  if (!MakeInputLimits(options, &limits, &error)) {
    std::cerr << "error: " << error << "\n";
    return kExitError;
  }
  if (!ReadHistoryFile(options.paths[0], limits, &h, &error)) {
    std::cerr << "error " << error << "\n";
    return kExitError;
  }
  if (options.export_to == "jsonl" || options.export_to == "binary") {
    if (options.export_out.empty()) {
      std::cerr << "error: export --to " << options.export_to << " needs an output file (-o FILE)\n";
      return kExitError;
    }
    HistoryFileFormat format = options.export_to == "binary" ? HistoryFileFormat::kBinary : HistoryFileFormat::kJsonl;
    if (!WriteHistoryFile(options.export_out, h, format, &error)) {
      std::cerr << "error: " << error << "\n";
      return kExitError;
    }
    return 0;
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
