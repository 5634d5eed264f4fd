// Exports a History's point operations as a Jepsen history (EDN) for Knossos-style checkers.
#pragma once

#include <string>

#include "core/history.h"

namespace mapstress {

// One EDN vector of op maps, one per line, preceded by ';' comments. Per-key register model:
// store -> {:f :write :value [k v]}, erase -> {:f :write :value [k nil]},
// load -> {:f :read :value [k v-or-nil]}; each op is an :invoke at its call and an :ok at its
// return, :process = thread, :time = ns, ordered by time. Iterations are omitted. The initial
// state becomes writes completed by an extra process before every other op.
std::string ExportJepsenEdn(const History& history);

}  // namespace mapstress
