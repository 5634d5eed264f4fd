// Whole-file replacement that a crash or SIGKILL cannot leave half written.
#pragma once

#include <string>
#include <string_view>

namespace mapstress {

// "<path>.tmp.<pid>": where the next version of `path` is written before it is renamed.
std::string TempPathFor(const std::string& path);

// Writes `content` to TempPathFor(path), fsyncs it, renames it over `path` and fsyncs the folder.
// Readers see either the old file or the new one. On failure the temp file is removed.
// A symlink is followed (its target is replaced); a target that is not a regular file (a device,
// a FIFO, /dev/stdout, /proc/self/fd/N) is written directly and never renamed over.
bool WriteFileAtomically(const std::string& path, std::string_view content, std::string* error);

// Checks up front that WriteFileAtomically(path) can work: the folder exists and a temp file can
// be created in it (it is removed again), and `path` is not a folder.
bool CheckWritable(const std::string& path, std::string* error);

// True when `path` is written directly (see WriteFileAtomically): a stream, written once at the end.
bool IsStreamPath(const std::string& path);

}  // namespace mapstress
