// What one scenario x backend case produced: plain data that every reporter renders.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/check_result.h"
#include "core/contract.h"
#include "core/history.h"

namespace mapstress {

enum class CaseStatus : uint8_t { kPass, kFail, kInconclusive, kError, kUnsupported };
const char* CaseStatusName(CaseStatus s);  // "pass", "fail", "inconclusive", "error", "unsupported"
bool ParseCaseStatus(const std::string& text, CaseStatus* out);

enum class Outcome : uint8_t { kCompleted, kCrashed, kHung };
const char* OutcomeName(Outcome o);  // "completed", "crashed", "hung"
bool ParseOutcome(const std::string& text, Outcome* out);

struct OpStats {
  uint64_t count = 0;
  double per_sec = 0;
  uint64_t p50_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;
};

// A proportion with its 95% interval: Wilson when count > 0, "< 3/N" (rule of three) when 0.
struct Rate {
  uint64_t count = 0;
  uint64_t total = 0;
  double value = 0;  // count / total (0 when total == 0)
  double lo = 0;     // 95% interval
  double hi = 0;     // when count == 0: the 95% upper bound 3/total (1 when total == 0)
};
Rate MakeRate(uint64_t count, uint64_t total);

struct Rates {
  Rate iteration_deviation;  // anomalous iterations / iterations
  Rate snapshot_deviation;   // iterations that are not snapshot / iterations
  Rate key_deviation;        // wrong entries / entries produced or owed
};
Rates ComputeRates(const CheckResult& check);

struct CaseReport {
  std::string scenario;
  std::string scenario_path;
  std::string backend;
  Guarantee guarantee = Guarantee::kWeak;
  CaseStatus status = CaseStatus::kPass;
  Outcome outcome = Outcome::kCompleted;
  std::string signal;             // "SIGSEGV" when crashed
  std::string message;            // why error/unsupported/inconclusive; a crashed child's last stderr lines
  uint32_t trials = 0;            // requested
  uint32_t trials_completed = 0;  // checked
  uint32_t threads = 0;
  uint64_t seed = 0;
  double duration_s = 0;   // wall time of the trials (sum)
  bool truncated = false;  // a trial ended early because the history cap was hit
  bool isolated = false;
  std::array<OpStats, kOpKindCount> ops{};  // indexed by OpKind
  CheckResult check;
  ContractProfile grading;

  // The grades of the kinds actually observed, worst first.
  Grade WorstObservedGrade() const;
};

// pass/fail/inconclusive from outcome, counts and grading (error/unsupported are left alone).
CaseStatus Verdict(const CaseReport& report);

}  // namespace mapstress
