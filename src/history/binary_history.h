// The compact binary history format's operation stream (src/history/README.md, "Binary
// format"): varint records that predict times, values and iteration keys from what came before.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/history.h"

namespace mapstress {

// The first 8 bytes of a binary history file (PNG-style: a high byte, the name, a newline).
inline constexpr std::string_view kBinaryHistoryMagic{"\x89mshist\n", 8};
inline constexpr int kBinaryHistoryVersion = 1;

// Appends the records of `history.ops` (and their entries). `history.initial` seeds the value
// predictions, so the decoder must be given the same initial state. False (nothing appended) when
// an iteration's entries lie beyond `history.entries`; `*bad_op` is its index.
bool EncodeBinaryOps(const History& history, std::string* out, size_t* bad_op);

// Decodes what EncodeBinaryOps wrote into history->ops and history->entries (history->initial
// must already hold the header's state). False with `*message` and `*record` (1-based op
// number) on malformed input; never allocates more than a small multiple of the input's size.
bool DecodeBinaryOps(std::string_view data, History* history, std::string* message, uint64_t* record);

}  // namespace mapstress
