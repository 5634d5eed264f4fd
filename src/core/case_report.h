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

// One thread of a crashed or hung case's child, as its crash handler found it.
struct ThreadDump {
  std::string thread;        // "writer-1"; "main" for the child's main thread
  uint64_t ops_started = 0;  // ops this worker had started in the trial
  std::vector<std::string>
      last_ops;  // the last ones started, oldest first ("store key=17"); the last may not have returned
  std::vector<std::string> stack;  // its symbolised stack, innermost first (hung cases)
};

// What the child reported when it died of a signal or was found hung (empty otherwise).
struct CrashDetails {
  std::string thread;                  // the thread that received the signal ("" when hung)
  std::vector<std::string> backtrace;  // its symbolised frames, innermost first
  std::vector<ThreadDump> threads;     // every worker (and, when hung, the main thread)
  bool empty() const { return thread.empty() && backtrace.empty() && threads.empty(); }
};

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
  CrashDetails crash;  // crashed or hung isolated cases

  // The grades of the kinds actually observed, worst first.
  Grade WorstObservedGrade() const;
};

// Adds one checked trial to the case: its check result (at most max_examples examples
// per kind), its op counts per kind, whether its history was truncated; trials_completed + 1.
// The one aggregation `run` (the engine) and `check` (recorded histories) share.
void AddTrial(const CheckResult& check, const History& history, CaseReport* report,
              size_t max_examples = kDefaultExamples);

// pass/fail/inconclusive from outcome, counts and grading (error/unsupported are left alone).
CaseStatus Verdict(const CaseReport& report);

}  // namespace mapstress
