#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include "check/checker.h"
#include "cli/command_support.h"
#include "cli/commands.h"
#include "core/atomic_file.h"
#include "history/chrome_trace_export.h"
#include "history/history_file.h"
#include "history/jepsen_export.h"
#include "report/exit_code.h"

namespace mapstress {

namespace {

// Examples marked in a trace: more than a report keeps, so more of the failure is marked.
constexpr size_t kTraceExamples = 20;

}  // namespace

bool WriteTraceFile(const std::string& path, const History& h, const std::vector<Example>& examples,
                    const ChromeTraceOptions& window, std::string* error) {
  AtomicFile file;
  std::FILE* out = nullptr;
  int fd = -1;
  if (!file.Open(path) || (fd = dup(file.fd())) < 0 || (out = fdopen(fd, "w")) == nullptr) {
    if (fd >= 0) close(fd);
    *error = fmt::format("{}: cannot write: {}", path, strerror(file.error_number() ? file.error_number() : errno));
    return false;
  }
  bool ok = WriteChromeTrace(h, examples, window, out);
  ok &= std::fclose(out) == 0;
  if (!ok || !file.Commit()) {
    *error = fmt::format("{}: cannot write: {}", path, strerror(errno));
    return false;
  }
  return true;
}

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
  if (options.export_to == "chrome-trace") {
    CheckOptions check_options;
    check_options.max_examples = kTraceExamples;
    std::vector<Example> examples = Check(h, check_options).examples;
    ChromeTraceOptions window;
    if (!options.window.empty() && !ParseTraceWindow(options.window, examples, &window, &error)) {
      std::cerr << "error: " << error << "\n";
      return kExitError;
    }
    if (options.export_out.empty()) {
      if (!WriteChromeTrace(h, examples, window, stdout) || std::fflush(stdout) != 0) {
        std::cerr << "error: standard output: cannot write: " << strerror(errno) << "\n";
        return kExitError;
      }
      return 0;
    }
    if (!WriteTraceFile(options.export_out, h, examples, window, &error)) {
      std::cerr << "error: " << error << "\n";
      return kExitError;
    }
    return 0;
  }
  if (!options.window.empty()) {
    std::cerr << "error: --window: only for --to chrome-trace\n";
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
  if (!WriteFileAtomically(options.export_out, edn, &error)) {
    std::cerr << "error: " << error << "\n";
    return kExitError;
  }
  return 0;
}

}  // namespace mapstress
