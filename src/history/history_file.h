// History files: newline-delimited JSON (optionally gzip) or the compact binary format, both
// described in src/history/README.md.
#pragma once

#include <string>
#include <string_view>

#include "core/history.h"
#include "history/line_reader.h"

namespace mapstress {

inline constexpr int kHistoryFormatVersion = 1;
inline constexpr std::string_view kBinaryHistoryExtension = ".mshist";

enum class HistoryFileFormat : uint8_t { kJsonl, kBinary };
// kBinary for a name ending in ".mshist", else kJsonl.
HistoryFileFormat FormatForPath(const std::string& path);

// Writes `history` to `path` in the format its name says (FormatForPath; JSONL is gzip when the
// name ends in ".gz") through an AtomicFile (core/atomic_file.h): fsynced, then renamed into
// place, so a reader never sees half a file. False and `*error` = "path: cannot write: why".
bool WriteHistoryFile(const std::string& path, const History& history, std::string* error);
bool WriteHistoryFile(const std::string& path, const History& history, HistoryFileFormat format, std::string* error);

// "<scenario>__<backend>__trial<N>.mshist" (binary) with every character outside [A-Za-z0-9._-] replaced by '_';
// a name part over 96 characters keeps its first 79 plus "-<16 hex digits of a hash of the name>".
std::string HistoryFileName(const History& history);

// Reads a history file strictly, JSONL or binary (a regular file starting with the binary magic):
// any malformed line fails with `*error` = "file:line: message" ("file:record N:" for binary).
// Unknown fields are skipped (forward compatible); missing required fields are errors.
// On failure `*history` is left empty.
bool ReadHistoryFile(const std::string& path, History* history, std::string* error);
// The same with caps on line length and total size (a regular file or a FIFO only; see LineReader).
bool ReadHistoryFile(const std::string& path, const InputLimits& limits, History* history, std::string* error);

// The same parsers on text already in memory (binary when it starts with the magic); `name` is
// used in error messages.
bool ParseHistoryText(const std::string& name, const std::string& text, History* history, std::string* error);

}  // namespace mapstress
