#include "core/case_report.h"

#include <algorithm>
#include <cmath>

#include "core/name_table.h"

namespace mapstress {

namespace {

constexpr NameTable<CaseStatus, 5> kCaseStatusNames{{"pass", "fail", "inconclusive", "error", "unsupported"}};
constexpr NameTable<Outcome, 3> kOutcomeNames{{"completed", "crashed", "hung"}};

}  // namespace

const char* CaseStatusName(CaseStatus s) { return kCaseStatusNames.Name(s); }
bool ParseCaseStatus(const std::string& text, CaseStatus* out) { return kCaseStatusNames.Parse(text, out); }
const char* OutcomeName(Outcome o) { return kOutcomeNames.Name(o); }
bool ParseOutcome(const std::string& text, Outcome* out) { return kOutcomeNames.Parse(text, out); }

Rate MakeRate(uint64_t count, uint64_t total) {
  Rate r;
  r.count = count;
  r.total = total;
  if (total == 0) {
    r.hi = 1;
    return r;
  }
  double n = static_cast<double>(total);
  double p = static_cast<double>(count) / n;
  r.value = p;
  if (count == 0) {
    r.lo = 0;
    r.hi = std::min(1.0, 3.0 / n);  // rule of three: 0 in N => < 3/N at 95%
    return r;
  }
  constexpr double z = 1.959963984540054;
  double denom = 1 + z * z / n;
  double center = (p + z * z / (2 * n)) / denom;
  double half = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom;
  r.lo = std::max(0.0, center - half);
  r.hi = std::min(1.0, center + half);
  return r;
}

Rates ComputeRates(const CheckResult& check) {
  Rates rates;
  rates.iteration_deviation = MakeRate(check.anomalous, check.iterations);
  rates.snapshot_deviation = MakeRate(check.iterations - check.snapshot, check.iterations);
  rates.key_deviation = MakeRate(check.key_wrong, check.key_total);
  return rates;
}

Grade CaseReport::WorstObservedGrade() const {
  Grade worst = Grade::kAcceptable;
  for (int i = 0; i < kAnomalyCount; ++i) {
    if (check.anomalies[i] > 0) worst = std::max(worst, grading.anomaly[i]);
  }
  if (outcome == Outcome::kCrashed) worst = std::max(worst, grading.crashed);
  if (outcome == Outcome::kHung) worst = std::max(worst, grading.hung);
  return worst;
}

void AddTrial(const CheckResult& check, const History& history, CaseReport* report, size_t max_examples) {
  report->check.Merge(check, max_examples);
  for (const Op& op : history.ops) ++report->ops[static_cast<int>(op.kind)].count;
  report->truncated |= history.truncated;
  ++report->trials_completed;
}

CaseStatus Verdict(const CaseReport& report) {
  if (report.status == CaseStatus::kError || report.status == CaseStatus::kUnsupported) {
    return report.status;
  }
  if (report.WorstObservedGrade() == Grade::kForbidden) return CaseStatus::kFail;
  if (report.outcome == Outcome::kCompleted && report.check.iterations == 0 && report.check.loads == 0) {
    return CaseStatus::kInconclusive;  // nothing checkable was recorded
  }
  return CaseStatus::kPass;
}

}  // namespace mapstress
