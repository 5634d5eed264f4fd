// STUB (to be replaced): the reporter table.
#include "report/reporter.h"

namespace mapstress {

const std::vector<ReporterInfo>& Reporters() {
  static const std::vector<ReporterInfo> kReporters;
  return kReporters;
}

const ReporterInfo* FindReporter(const std::string& name) {
  for (const auto& r : Reporters()) {
    if (name == r.name) return &r;
  }
  return nullptr;
}

}  // namespace mapstress
