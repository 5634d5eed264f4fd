#include "cli/trace_dir.h"

#include <cstring>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "core/atomic_file.h"

namespace mapstress {

bool OpenTraceDir(const std::string& dir, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string why;
  if (!ec && CheckWritable(dir + "/probe.trace.json", &why)) return true;
  *error = "--trace-dir: cannot write to folder '" + dir + "'" +
           (ec            ? ": " + ec.message()
            : why.empty() ? ""
                          : ": " + why);
  return false;
}

bool AnyForbidden(const CheckResult& check, const ContractProfile& grading) {
  for (int i = 0; i < kAnomalyCount; ++i) {
    if (check.anomalies[i] > 0 && grading.anomaly[i] == Grade::kForbidden) return true;
  }
  return false;
}

void TraceIfFailing(const std::string& dir, std::string file_name, const History& history, const CheckResult& check,
                    const ContractProfile& grading) {
  if (!AnyForbidden(check, grading)) return;
  for (const char* ext : {".gz", ".jsonl"}) {
    if (file_name.ends_with(ext)) file_name.resize(file_name.size() - std::strlen(ext));
  }
  std::string path = dir + "/" + file_name + ".trace.json", error;
  if (WriteTraceFile(path, history, check.examples, ChromeTraceOptions{}, &error)) {
    std::cerr << "trace: " << path << "\n";
  } else {
    std::cerr << "warning: " << error << "\n";
  }
}

}  // namespace mapstress
