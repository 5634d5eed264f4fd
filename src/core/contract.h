// Anomaly kinds, grades, and the contract profile a backend declares.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>

#include "core/guarantee.h"

namespace mapstress {

enum class Anomaly : uint8_t {
  kMissing,
  kPhantom,
  kDuplicate,
  kStaleValue,
  kUnknownValue,
  kStaleRead,
  kNotSnapshot,
};
inline constexpr int kAnomalyCount = 7;
const char* AnomalyName(Anomaly a);         // "missing", "phantom", ...
const char* AnomalyDescription(Anomaly a);  // one line, for tables
bool ParseAnomaly(const std::string& text, Anomaly* out);

enum class Grade : uint8_t { kAcceptable, kInteresting, kForbidden };
const char* GradeName(Grade g);                        // "ACCEPTABLE", "INTERESTING", "FORBIDDEN"
bool ParseGrade(const std::string& text, Grade* out);  // case-insensitive

// How each anomaly kind, and a crash or hang of the case, is graded.
struct ContractProfile {
  std::array<Grade, kAnomalyCount> anomaly{};
  Grade crashed = Grade::kForbidden;
  Grade hung = Grade::kForbidden;

  Grade Of(Anomaly a) const { return anomaly[static_cast<int>(a)]; }
  void Set(Anomaly a, Grade g) { anomaly[static_cast<int>(a)] = g; }
};

// snapshot: everything FORBIDDEN; weak: not_snapshot ACCEPTABLE, rest FORBIDDEN;
// none: everything INTERESTING (crashes and hangs included).
ContractProfile ProfileFor(Guarantee g);

// Overrides from a scenario's `expect` or the command line: kind name ("missing", ...,
// "crashed", "hung") -> grade.
using GradeOverrides = std::map<std::string, Grade>;
void ApplyOverrides(const GradeOverrides& overrides, ContractProfile* profile);
// Every kind's grade by name, for History::grading; and back.
std::map<std::string, std::string> ProfileToNames(const ContractProfile& profile);
GradeOverrides NamesToOverrides(const std::map<std::string, std::string>& names);

}  // namespace mapstress
