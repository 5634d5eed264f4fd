// libFuzzer target: any bytes through the history parsers (JSON Lines, and the binary format
// when the input starts with its magic: the corpus has .mshist seeds) must give a history or a
// "file:..." error, never a crash; an accepted history must survive the checker.
#include <cstddef>
#include <cstdint>
#include <string>

#include "check/checker.h"
#include "history/history_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;  // the checker's cost grows with the history; keep runs fast
  mapstress::History history;
  std::string error;
  std::string text(reinterpret_cast<const char*>(data), size);
  if (mapstress::ParseHistoryText("fuzz.jsonl", text, &history, &error)) {
    (void)mapstress::Check(history);
  } else if (error.rfind("fuzz.jsonl:", 0) != 0) {
    __builtin_trap();  // every error names the file and the line
  }
  return 0;
}
