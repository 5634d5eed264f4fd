#include "core/check_result.h"

namespace mapstress {

void CheckResult::Merge(const CheckResult& other, size_t max_examples) {
  iterations += other.iterations;
  snapshot += other.snapshot;
  weak += other.weak;
  anomalous += other.anomalous;
  loads += other.loads;
  for (int i = 0; i < kAnomalyCount; ++i) anomalies[i] += other.anomalies[i];
  key_wrong += other.key_wrong;
  key_total += other.key_total;
  events += other.events;
  std::array<size_t, kAnomalyCount> have{};
  for (const auto& e : examples) ++have[static_cast<int>(e.kind)];
  for (const auto& e : other.examples) {
    if (have[static_cast<int>(e.kind)]++ < max_examples) examples.push_back(e);
  }
}

}  // namespace mapstress
