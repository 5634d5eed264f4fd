#include "core/contract.h"

#include <algorithm>
#include <cctype>

#include "core/name_table.h"

namespace mapstress {
namespace {

constexpr NameTable<GradedKind, kGradedKindCount> kGradedKindNames{{"missing", "phantom", "duplicate", "stale_value",
                                                                    "unknown_value", "stale_read", "not_snapshot",
                                                                    "crashed", "hung"}};
constexpr const char* kAnomalyDescriptions[kAnomalyCount] = {
    "a key present for the whole iteration was not visited",
    "a key absent for the whole iteration was visited",
    "a key was visited more than once in one iteration",
    "a key was visited with a value superseded before, or written after, the iteration",
    "a value that no write ever produced for that key (torn or garbage)",
    "a point load or erase returned a result no order of the writes allows",
    "the iteration matches no single instant of the map",
};
static_assert(static_cast<int>(GradedKind::kNotSnapshot) == static_cast<int>(Anomaly::kNotSnapshot) &&
                  static_cast<int>(GradedKind::kCrashed) == kAnomalyCount,
              "GradedKind starts with the anomaly kinds, in the same order");
constexpr NameTable<Grade, 3> kGradeNames{{"ACCEPTABLE", "INTERESTING", "FORBIDDEN"}};

}  // namespace

const char* AnomalyName(Anomaly a) { return kGradedKindNames.Name(KindOf(a)); }
const char* AnomalyDescription(Anomaly a) { return kAnomalyDescriptions[static_cast<int>(a)]; }

bool ParseAnomaly(const std::string& text, Anomaly* out) {
  GradedKind k;
  if (!ParseGradedKind(text, &k) || static_cast<int>(k) >= kAnomalyCount) return false;
  *out = static_cast<Anomaly>(k);
  return true;
}

const char* GradedKindName(GradedKind k) { return kGradedKindNames.Name(k); }
bool ParseGradedKind(std::string_view text, GradedKind* out) { return kGradedKindNames.Parse(text, out); }
const std::vector<std::string>& GradedKindNames() {
  static const std::vector<std::string> names = kGradedKindNames.All();
  return names;
}

const char* GradeName(Grade g) { return kGradeNames.Name(g); }

bool ParseGrade(const std::string& text, Grade* out) {
  std::string upper = text;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return kGradeNames.Parse(upper, out);
}

Grade ContractProfile::Of(GradedKind k) const {
  if (k == GradedKind::kCrashed) return crashed;
  if (k == GradedKind::kHung) return hung;
  return anomaly[static_cast<int>(k)];
}

void ContractProfile::Set(GradedKind k, Grade g) {
  if (k == GradedKind::kCrashed) {
    crashed = g;
  } else if (k == GradedKind::kHung) {
    hung = g;
  } else {
    anomaly[static_cast<int>(k)] = g;
  }
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
    GradedKind k;
    if (ParseGradedKind(kind, &k)) profile->Set(k, grade);
  }
}

std::map<std::string, std::string> ProfileToNames(const ContractProfile& profile) {
  std::map<std::string, std::string> names;
  for (int i = 0; i < kGradedKindCount; ++i) {
    auto k = static_cast<GradedKind>(i);
    names[GradedKindName(k)] = GradeName(profile.Of(k));
  }
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
