// Strict loading of scenario files: each file loads exactly as meant or is rejected with
// where (line:col for syntax, a JSON pointer for content) and why.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.h"

namespace mapstress {

struct LoadError {
  std::string file;
  std::string where;  // "12:5" (syntax) or "/threads/1/count" (content); may be empty
  std::string message;
  // "file:12:5: message" or "file: /threads/1/count: message" or "file: message"
  std::string ToString() const;
};

// Parses scenario JSON text; `file` is only used in messages and Scenario::path.
bool ParseScenario(std::string_view text, const std::string& file, Scenario* out, LoadError* error);
bool LoadScenarioFile(const std::string& file, Scenario* out, LoadError* error);

// Expands files and folders into scenario files: a folder means its *.json files, sorted,
// recursing when `recursive`; *.schema.json files are never scenarios. A path that does
// not exist is an error.
bool CollectScenarioFiles(const std::vector<std::string>& paths, bool recursive, std::vector<std::string>* files,
                          LoadError* error);

}  // namespace mapstress
