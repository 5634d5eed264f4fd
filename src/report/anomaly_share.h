// How widely one anomaly kind was seen in a case, and the one wording every format uses for it:
// "12 missing, in 7 of 800 iterations (0.9%)"; stale_read: "4 stale_read, in 4 of 4,000 loads (0.1%)",
// and " and 2 of 900 erases (0.2%)" when erases' results were wrong too.
#pragma once

#include <cstdint>
#include <string>

#include "core/check_result.h"

namespace mapstress {

struct AnomalyShare {
  Anomaly kind = Anomaly::kMissing;
  uint64_t count = 0;            // occurrences (entries for entry kinds, loads for stale_read)
  uint64_t iterations_with = 0;  // iterations with at least one
  uint64_t iterations = 0;       // iterations checked
  uint64_t loads_with = 0;       // loads that were one
  uint64_t loads = 0;            // loads checked
  uint64_t erases_with = 0;      // erases whose result was one (stale_read)
  uint64_t erases = 0;           // erase results checked
  bool known = true;             // false: the report predates per-kind shares
  bool in_iterations = true;     // the kind can occur in an iteration
  bool in_loads = false;         // the kind can occur in a point load
  double Fraction() const;       // the share of iterations (of loads and erases when only point ops can have it)
};
AnomalyShare ShareOf(const CheckResult& check, Anomaly kind);

// "in 7 of 800 iterations (0.9%)", "in 4 of 4,000 loads (0.1%)", "in 2 of 900 erases (0.2%)",
// those seen joined by " and "; "in ? of 800 iterations" when the report predates the shares.
std::string ShareText(const AnomalyShare& share);
// "12 missing, in 7 of 800 iterations (0.9%)": the count of occurrences, then the share.
std::string CountAndShareText(const AnomalyShare& share);

}  // namespace mapstress
