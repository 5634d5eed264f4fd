#include "plugin/bundled_plugins.h"

#include <limits.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "plugin/plugin_loader.h"

#ifndef MAPSTRESS_INSTALL_LIBDIR
#define MAPSTRESS_INSTALL_LIBDIR "lib"
#endif

namespace mapstress {

const char* const kBundledPluginLibDir = MAPSTRESS_INSTALL_LIBDIR;

namespace {

std::string RealPath(const std::string& path) {
  char resolved[PATH_MAX];
  return realpath(path.c_str(), resolved) != nullptr ? std::string(resolved) : path;
}

}  // namespace

std::vector<std::string> BundledPlugins(const std::string& exe_path) {
  namespace fs = std::filesystem;
  fs::path exe_dir = fs::path(exe_path).parent_path();
  std::vector<std::string> found;
  std::vector<fs::path> dirs;
  for (const char* kind : {"go", "rust", "java"}) {
    dirs.push_back(exe_dir / "plugins" / kind);
    dirs.push_back(exe_dir / ".." / kBundledPluginLibDir / "mapstress" / "plugins" / kind);
  }
  for (const fs::path& dir : dirs) {
    std::error_code ec;
    std::vector<std::string> here;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".so" && it->is_regular_file(ec)) here.push_back(it->path().string());
    }
    std::sort(here.begin(), here.end());
    found.insert(found.end(), here.begin(), here.end());
  }
  return found;
}

void AddBundledPlugins(const std::vector<std::string>& explicit_plugins, BackendRegistry* registry,
                       std::vector<std::string>* warnings) {
  std::vector<std::string> skip;
  for (const auto& p : explicit_plugins) skip.push_back(RealPath(p));
  for (const auto& path : BundledPlugins(RealPath("/proc/self/exe"))) {
    if (std::find(skip.begin(), skip.end(), RealPath(path)) != skip.end()) continue;
    std::string error = AddPluginBackends(path, registry);
    if (!error.empty()) warnings->push_back("bundled " + error + " (skipped)");
  }
}

}  // namespace mapstress
