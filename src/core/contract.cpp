#include "core/contract.h"

#include <algorithm>
#include <cctype>

namespace mapstress {
namespace {

struct AnomalyInfo {
  const char* name;
  const char* description;
};
constexpr AnomalyInfo kAnomalies[kAnomalyCount] = {
    {"missing", "a key present for the whole iteration was not visited"},
    {"phantom", "a key absent for the whole iteration was visited"},
    {"duplicate", "a key was visited more than once in one iteration"},
    {"stale_value", "a key was visited with a value superseded before, or written after, the iteration"},
    {"unknown_value", "a value that no write ever produced for that key (torn or garbage)"},
    {"stale_read", "a point load returned a result not possible during the load"},
    {"not_snapshot", "the iteration matches no single instant of the map"},
};

}  // namespace

const char* AnomalyName(Anomaly a) { return kAnomalies[static_cast<int>(a)].name; }
const char* AnomalyDescription(Anomaly a) { return kAnomalies[static_cast<int>(a)].description; }

bool ParseAnomaly(const std::string& text, Anomaly* out) {
  for (int i = 0; i < kAnomalyCount; ++i) {
    if (text == kAnomalies[i].name) {
      *out = static_cast<Anomaly>(i);
      return true;
    }
  }
  return false;
}

const char* GradeName(Grade g) {
  switch (g) {
    case Grade::kAcceptable: return "ACCEPTABLE";
    case Grade::kInteresting: return "INTERESTING";
    case Grade::kForbidden: return "FORBIDDEN";
  }
  return "?";
}

bool ParseGrade(const std::string& text, Grade* out) {
  std::string upper = text;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (Grade g : {Grade::kAcceptable, Grade::kInteresting, Grade::kForbidden}) {
    if (upper == GradeName(g)) {
      *out = g;
      return true;
    }
  }
  return false;
}

ContractProfile ProfileFor(Guarantee g) {
  ContractProfile p;
  switch (g) {
    case Guarantee::kSnapshot: p.anomaly.fill(Grade::kForbidden); break;
    case Guarantee::kWeak:
      p.anomaly.fill(Grade::kForbidden);
      p.Set(Anomaly::kNotSnapshot, Grade::kAcceptable);
      break;
    case Guarantee::kNone:
      p.anomaly.fill(Grade::kInteresting);
      p.crashed = Grade::kInteresting;
      p.hung = Grade::kInteresting;
      break;
  }
  return p;
}

void ApplyOverrides(const GradeOverrides& overrides, ContractProfile* profile) {
  for (const auto& [kind, grade] : overrides) {
    Anomaly a;
    if (ParseAnomaly(kind, &a)) {
      profile->Set(a, grade);
    } else if (kind == "crashed") {
      profile->crashed = grade;
    } else if (kind == "hung") {
      profile->hung = grade;
    }
  }
}

std::map<std::string, std::string> ProfileToNames(const ContractProfile& profile) {
  std::map<std::string, std::string> names;
  for (int i = 0; i < kAnomalyCount; ++i) names[AnomalyName(static_cast<Anomaly>(i))] = GradeName(profile.anomaly[i]);
  names["crashed"] = GradeName(profile.crashed);
  names["hung"] = GradeName(profile.hung);
  return names;
}

GradeOverrides NamesToOverrides(const std::map<std::string, std::string>& names) {
  GradeOverrides overrides;
  for (const auto& [kind, name] : names) {
    Grade g;
    if (ParseGrade(name, &g)) overrides[kind] = g;
  }
  return overrides;
}

}  // namespace mapstress
