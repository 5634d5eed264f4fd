// Loads backends from a plugin shared library (src/plugin/include/mapstress/plugin.h) without ever
// dlopen()ing it in this process: a forked probe child reads and validates the metadata.
#pragma once

#include <string>
#include <vector>

#include "backend/backend.h"
#include "backend/backend_registry.h"

namespace mapstress {

// How long the probe child may take to load the plugin before it counts as hung.
inline constexpr int kPluginProbeTimeoutMs = 10000;

// Appends the plugin's backends to *backends; on failure returns false, sets *error to
// "plugin <path>: ..." and leaves *backends unchanged. Each BackendInfo has always_isolate
// set; its create() dlopen()s the plugin in the calling process (meant: an isolated child)
// and throws std::runtime_error when that fails. A probe that crashes, or takes longer than
// timeout_ms, is an error too.
bool LoadPlugin(const std::string& path, std::vector<BackendInfo>* backends, std::string* error,
                int timeout_ms = kPluginProbeTimeoutMs);

// LoadPlugin, then adds every backend to *registry (all or none). Returns "" on success or
// the error, e.g. "plugin <path>: backend name 'x' is already taken by another backend".
std::string AddPluginBackends(const std::string& path, BackendRegistry* registry);

}  // namespace mapstress
