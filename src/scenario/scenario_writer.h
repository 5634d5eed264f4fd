// Writes a Scenario back as scenario JSON that the strict loader reads to the same Scenario
// (`shrink` writes its minimal scenario with it, and validates each candidate by reloading).
#pragma once

#include <string>

#include "scenario/scenario.h"

namespace mapstress {

// Pretty-printed JSON text (2-space indent), only the keys that differ from the defaults.
std::string ScenarioToJson(const Scenario& scenario);

}  // namespace mapstress
