// `mapstress check FILE --key K` / `--iteration N`: one key's or one iteration's story in a
// saved history (check/drill_down.h), printed instead of the case report.
#pragma once

#include "cli/options.h"

namespace mapstress {

// Exit 0 after printing; 2 when a file cannot be read or the iteration does not exist.
int DrillDownCommand(const Options& options);

}  // namespace mapstress
