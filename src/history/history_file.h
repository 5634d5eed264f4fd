// History files: newline-delimited JSON (optionally gzip), format described in src/history/README.md.
#pragma once

#include <string>

#include "core/history.h"

namespace mapstress {

inline constexpr int kHistoryFormatVersion = 1;

// Writes `history` to `path` (gzip when the name ends in ".gz") through an AtomicFile
// (core/atomic_file.h): fsynced, then renamed into place, so a reader never sees half a file.
// False and `*error` = "path: cannot write: why" on failure.
bool WriteHistoryFile(const std::string& path, const History& history, std::string* error);

// "<scenario>__<backend>__trial<N>.jsonl.gz" with every character outside [A-Za-z0-9._-] replaced by '_'.
std::string HistoryFileName(const History& history);

// Reads a history file strictly: any malformed line fails with `*error` = "file:line: message".
// Unknown fields are skipped (forward compatible); missing required fields are errors.
// On failure `*history` is left empty.
bool ReadHistoryFile(const std::string& path, History* history, std::string* error);

// The same parser on text already in memory; `name` is used in error messages.
bool ParseHistoryText(const std::string& name, const std::string& text, History* history, std::string* error);

}  // namespace mapstress
