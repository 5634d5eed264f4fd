// Where `run` and `list scenarios` look when no scenario path is given.
#pragma once

#include <string>
#include <vector>

namespace mapstress {

// ./scenarios when it is a folder; else the scenarios installed beside this executable
// (<prefix>/share/mapstress/scenarios, found from the executable's own path, so a DESTDIR or
// --prefix install works); else the configured install folder (which may not exist).
std::string DefaultScenarioDir();

// Puts DefaultScenarioDir() in an empty `paths`. False, with `error` saying how to pass scenarios
// instead, when that folder cannot be read.
bool DefaultScenarioPaths(std::vector<std::string>* paths, std::string* error);

}  // namespace mapstress
