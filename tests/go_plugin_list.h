// The bundled Go plugins CMake built, one per toolchain, oldest first: MAPSTRESS_GO_PLUGINS is
// their paths joined with ':' (src/plugin/plugins.cmake); empty when no Go toolchain was found.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace mapstress {

inline std::vector<std::string> GoPluginList() {
  std::vector<std::string> out;
  std::string list = MAPSTRESS_GO_PLUGINS;
  for (size_t start = 0; start < list.size();) {
    size_t colon = std::min(list.find(':', start), list.size());
    if (colon > start) out.push_back(list.substr(start, colon - start));
    start = colon + 1;
  }
  return out;
}

}  // namespace mapstress
