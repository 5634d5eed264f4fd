// --trace-dir DIR on `run` and `check`: a chrome trace (see `export --to chrome-trace`) of every
// trial whose check found a FORBIDDEN anomaly, as DIR/<history name>.trace.json.
#pragma once

#include <string>

#include "core/check_result.h"
#include "core/contract.h"
#include "core/history.h"

namespace mapstress {

// Creates `dir` and checks that a file can be written there; false with a message if not.
bool OpenTraceDir(const std::string& dir, std::string* error);

// True when `check` holds an anomaly that `grading` forbids.
bool AnyForbidden(const CheckResult& check, const ContractProfile& grading);

// Writes DIR/<file_name less .jsonl[.gz]>.trace.json, the trace of `history` with `check`'s
// examples marked, when the trial failed; says so on stderr ("trace: PATH", or a warning).
void TraceIfFailing(const std::string& dir, std::string file_name, const History& history, const CheckResult& check,
                    const ContractProfile& grading);

}  // namespace mapstress
