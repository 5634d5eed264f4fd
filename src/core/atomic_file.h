// Whole-file replacement that a crash or SIGKILL cannot leave half written.
#pragma once

#include <string>
#include <string_view>

namespace mapstress {

// "<path>.tmp.<pid>": where the next version of `path` is written before it is renamed.
std::string TempPathFor(const std::string& path);

// Writes `content` to TempPathFor(path), fsyncs it, renames it over `path` and fsyncs the folder.
// Readers see either the old file or the new one. On failure the temp file is removed.
bool WriteFileAtomically(const std::string& path, std::string_view content, std::string* error);

// Checks up front that WriteFileAtomically(path) can work: the folder exists and a temp file can
// be created in it (it is removed again), and `path` is not a folder.
bool CheckWritable(const std::string& path, std::string* error);

}  // namespace mapstress
