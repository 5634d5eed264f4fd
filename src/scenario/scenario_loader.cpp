// STUB (to be replaced by the strict loader).
#include "scenario/scenario_loader.h"

namespace mapstress {

std::string LoadError::ToString() const { return file + ": " + message; }
bool ParseScenario(std::string_view, const std::string& file, Scenario*, LoadError* error) {
  error->file = file;
  error->message = "not implemented";
  return false;
}
bool LoadScenarioFile(const std::string& file, Scenario* out, LoadError* error) {
  return ParseScenario("", file, out, error);
}
bool CollectScenarioFiles(const std::vector<std::string>& paths, bool, std::vector<std::string>* files,
                          LoadError*) {
  *files = paths;
  return true;
}
bool ParseDuration(std::string_view, Nanos*, std::string* error) {
  *error = "not implemented";
  return false;
}
std::string FormatDuration(Nanos d) { return std::to_string(d.count()) + "ns"; }

}  // namespace mapstress
