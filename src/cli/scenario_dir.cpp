#include "cli/scenario_dir.h"

#include <fmt/format.h>

#include <filesystem>

namespace mapstress {

std::string DefaultScenarioDir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory("scenarios", ec)) return "scenarios";
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path beside = (exe.parent_path() / MAPSTRESS_SCENARIO_DIR_FROM_BIN).lexically_normal();
    if (fs::is_directory(beside, ec)) return beside.string();
  }
  return MAPSTRESS_SCENARIO_DIR;
}

bool DefaultScenarioPaths(std::vector<std::string>* paths, std::string* error) {
  if (!paths->empty()) return true;
  std::string dir = DefaultScenarioDir();
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) {
    paths->push_back(dir);
    return true;
  }
  *error = fmt::format(
      "no scenario folder was given, and the default one ({}) cannot be read. Pass scenario files or "
      "folders: `mapstress run path/to/scenarios` (the bundled ones are in the source tree's scenarios/, "
      "and `./build.sh install` installs them where an installed mapstress finds them)",
      dir);
  return false;
}

}  // namespace mapstress
