// The plugins built and installed with mapstress (one Go plugin per Go toolchain, the Rust and the
// Java plugin), found next to the running binary and loaded without --plugin.
#pragma once

#include <string>
#include <vector>

#include "backend/backend_registry.h"

namespace mapstress {

// The bundled plugin libraries (*.so) in <dir of exe>/plugins/KIND (build tree) and
// <dir of exe>/../<libdir>/mapstress/plugins/KIND (installed), KIND = go, rust, java in that order,
// sorted by name within a folder; missing folders are skipped.
std::vector<std::string> BundledPlugins(const std::string& exe_path);

// The <libdir> above, relative to the install prefix (CMAKE_INSTALL_LIBDIR, e.g. "lib").
extern const char* const kBundledPluginLibDir;

// Adds every bundled plugin's backends to *registry, skipping a library whose real path is in
// `explicit_plugins` (the user named it with --plugin). A plugin that fails to load is skipped
// with a line in *warnings: it is part of the installation, not of the user's input.
void AddBundledPlugins(const std::vector<std::string>& explicit_plugins, BackendRegistry* registry,
                       std::vector<std::string>* warnings);

}  // namespace mapstress
