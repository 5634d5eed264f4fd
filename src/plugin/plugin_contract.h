// The optional mapstress_backend_contract() entry point (mapstress/plugin_contract.h): a plugin
// backend's documented promise and its grade overrides, read in the probe child.
#pragma once

#include <string>

#include "core/contract.h"

namespace mapstress {

struct PluginContract {
  std::string promise;      // "" when the plugin declares none
  std::string concurrency;  // may be ""
  std::string grades;       // "kind=GRADE ...", may be ""
};

// The contract `backend_name` declares in the already loaded library at `real_path`; all fields
// "" when it exports no mapstress_backend_contract() or returns NULL for that backend.
PluginContract ReadPluginContract(const std::string& real_path, const char* backend_name);

// "" when the contract is well formed (one-line texts, known kinds and grades), else why not.
std::string ValidatePluginContract(const PluginContract& contract);

// Applies "kind=GRADE ..." (validated) to *profile.
void ApplyContractGrades(const std::string& grades, ContractProfile* profile);

}  // namespace mapstress
