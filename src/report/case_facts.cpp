#include "report/case_facts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "report/anomaly_share.h"
#include "report/number_format.h"

namespace mapstress {

double AnomalyRate(const CaseReport& report, Anomaly kind) { return ShareOf(report.check, kind).Fraction(); }

bool WorstAnomaly(const CaseReport& report, Anomaly* kind) {
  bool found = false;
  for (int i = 0; i < kAnomalyCount; ++i) {
    Anomaly a = static_cast<Anomaly>(i);
    if (report.check.Count(a) == 0) continue;
    if (!found || report.grading.Of(a) > report.grading.Of(*kind) ||
        (report.grading.Of(a) == report.grading.Of(*kind) && AnomalyRate(report, a) > AnomalyRate(report, *kind))) {
      *kind = a;
      found = true;
    }
  }
  return found;
}

std::vector<const Example*> ExamplesWorstFirst(const CaseReport& report) {
  std::vector<const Example*> out;
  for (const Example& e : report.check.examples) out.push_back(&e);
  std::stable_sort(out.begin(), out.end(), [&](const Example* a, const Example* b) {
    return report.grading.Of(a->kind) > report.grading.Of(b->kind);
  });
  return out;
}

const char* VerdictWord(CaseStatus status) {
  switch (status) {
    case CaseStatus::kPass: return "PASS";
    case CaseStatus::kFail: return "FAIL";
    case CaseStatus::kInconclusive: return "INCONCLUSIVE";
    case CaseStatus::kError: return "ERROR";
    case CaseStatus::kUnsupported: return "UNSUPPORTED";
  }
  return "?";
}

std::string GradeWord(Grade grade) {
  std::string word = GradeName(grade);
  std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::tolower(c); });
  return word;
}

std::vector<std::string> SettingsFacts(const RunContext& c) {
  std::vector<std::string> tokens;
  tokens.push_back("mapstress " + (c.tool_version.empty() ? std::string("?") : c.tool_version));
  tokens.push_back(fmt::format("seed {}", c.seed));
  tokens.push_back("duration " + (c.duration.empty() ? std::string("scenario's") : c.duration));
  tokens.push_back(c.trials == 0 ? std::string("trials scenario's") : fmt::format("trials {}", c.trials));
  if (!c.noise.empty()) tokens.push_back("noise " + c.noise);
  tokens.push_back(fmt::format("CPUs {}", c.cpus));
  tokens.push_back("build " + (c.build_type.empty() ? std::string("?") : c.build_type));
  std::vector<std::string> clock_facts;
  if (c.clock.resolution_ns > 0) clock_facts.push_back("res " + FormatNanos(c.clock.resolution_ns));
  if (c.clock.cross_core_samples == 0) {
    clock_facts.push_back("cross-core unchecked");
  } else if (c.clock.cross_core_violations > 0) {
    clock_facts.push_back(
        fmt::format("cross-core {}/{} backwards", c.clock.cross_core_violations, c.clock.cross_core_samples));
  } else {
    clock_facts.push_back("cross-core ok");
  }
  if (!c.clock.trusted) clock_facts.push_back("NOT TRUSTED");
  std::string facts;
  for (const std::string& f : clock_facts) facts += (facts.empty() ? "" : ", ") + f;
  tokens.push_back("clock " + (c.clock.source.empty() ? std::string("?") : c.clock.source) + " (" + facts + ")");
  tokens.push_back(c.clock.fence_window_ns == 0
                       ? std::string("fence every op")
                       : "fence window " + FormatNanos(static_cast<double>(c.clock.fence_window_ns)));
  return tokens;
}

}  // namespace mapstress
