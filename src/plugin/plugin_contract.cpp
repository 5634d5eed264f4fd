#include "plugin/plugin_contract.h"

#include <dlfcn.h>

#include <sstream>
#include <vector>

#include "mapstress/plugin_contract.h"

namespace mapstress {
namespace {

// Splits "kind=GRADE kind=GRADE" into (kind, grade text) pairs.
std::vector<std::pair<std::string, std::string>> SplitGrades(const std::string& grades) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(grades);
  std::string word;
  while (in >> word) {
    size_t eq = word.find('=');
    out.emplace_back(word.substr(0, eq), eq == std::string::npos ? "" : word.substr(eq + 1));
  }
  return out;
}

bool KnownKind(const std::string& kind) {
  Anomaly a;
  return ParseAnomaly(kind, &a) || kind == "crashed" || kind == "hung";
}

}  // namespace

PluginContract ReadPluginContract(const std::string& real_path, const char* backend_name) {
  PluginContract contract;
  // The probe already loaded the library: RTLD_NOLOAD only fetches its handle.
  void* handle = dlopen(real_path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  if (handle == nullptr) return contract;
  using ContractFn = const mapstress_contract* (*)(const char*);
  auto fn = reinterpret_cast<ContractFn>(dlsym(handle, "mapstress_backend_contract"));
  const mapstress_contract* c = fn != nullptr ? fn(backend_name) : nullptr;
  if (c != nullptr) {
    if (c->promise != nullptr) contract.promise = c->promise;
    if (c->concurrency != nullptr) contract.concurrency = c->concurrency;
    if (c->grades != nullptr) contract.grades = c->grades;
  }
  return contract;
}

std::string ValidatePluginContract(const PluginContract& contract) {
  if (contract.promise.find('\n') != std::string::npos) return "contract: promise must be one line";
  if (contract.concurrency.find('\n') != std::string::npos) return "contract: concurrency must be one line";
  for (const auto& [kind, grade_text] : SplitGrades(contract.grades)) {
    Grade grade;
    if (!KnownKind(kind)) return "contract: unknown anomaly kind '" + kind + "' in grades '" + contract.grades + "'";
    if (!ParseGrade(grade_text, &grade)) {
      return "contract: expected " + kind + "=ACCEPTABLE|INTERESTING|FORBIDDEN in grades '" + contract.grades +
             "', got '" + grade_text + "'";
    }
  }
  return "";
}

void ApplyContractGrades(const std::string& grades, ContractProfile* profile) {
  GradeOverrides overrides;
  for (const auto& [kind, grade_text] : SplitGrades(grades)) {
    Grade grade;
    if (KnownKind(kind) && ParseGrade(grade_text, &grade)) overrides[kind] = grade;
  }
  ApplyOverrides(overrides, profile);
}

}  // namespace mapstress
