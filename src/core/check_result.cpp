#include "core/check_result.h"

#include <algorithm>

namespace mapstress {

void AnomalyTally::Summarize() {
  distinct_keys = by_key.size();
  top_key = top_key_occasions = 0;
  for (const auto& [key, count] : by_key) {
    if (count > top_key_occasions) top_key = key, top_key_occasions = count;
  }
}

void AnomalyTally::Merge(const AnomalyTally& other) {
  bool exact = by_key.size() == distinct_keys && other.by_key.size() == other.distinct_keys;
  occasions += other.occasions;
  partial |= other.partial;
  if (exact) {
    for (const auto& [key, count] : other.by_key) by_key[key] += count;
    Summarize();
    return;
  }
  // Read back from reports: only the summaries are known.
  partial |= other.occasions > 0 && occasions > other.occasions;
  by_key.clear();
  if (top_key == other.top_key) {
    top_key_occasions += other.top_key_occasions;
  } else if (other.top_key_occasions > top_key_occasions) {
    top_key = other.top_key;
    top_key_occasions = other.top_key_occasions;
  }
  distinct_keys = std::max(distinct_keys, other.distinct_keys);
}

void CheckResult::Merge(const CheckResult& other, size_t max_examples) {
  iterations += other.iterations;
  snapshot += other.snapshot;
  weak += other.weak;
  anomalous += other.anomalous;
  loads += other.loads;
  erases += other.erases;
  for (int i = 0; i < kAnomalyCount; ++i) {
    anomalies[i] += other.anomalies[i];
    iterations_with[i] += other.iterations_with[i];
    loads_with[i] += other.loads_with[i];
    erases_with[i] += other.erases_with[i];
    tallies[i].Merge(other.tallies[i]);
  }
  shares_known = shares_known && other.shares_known;
  key_wrong += other.key_wrong;
  key_total += other.key_total;
  events += other.events;
  if (other.first_anomaly_ns >= 0 && (first_anomaly_ns < 0 || other.first_anomaly_ns < first_anomaly_ns)) {
    first_anomaly_ns = other.first_anomaly_ns;
  }
  // Per kind, up to max_examples: first those with a key and an iteration no earlier pick
  // has, then the rest, in the order they come (this result's first).
  std::vector<Example> all = std::move(examples);
  all.insert(all.end(), other.examples.begin(), other.examples.end());
  std::vector<bool> keep(all.size(), false);
  for (int kind = 0; kind < kAnomalyCount; ++kind) {
    size_t kept = 0;
    for (int pass = 0; pass < 2; ++pass) {
      for (size_t i = 0; i < all.size() && kept < max_examples; ++i) {
        if (keep[i] || static_cast<int>(all[i].kind) != kind) continue;
        bool novel = true;
        for (size_t j = 0; j < all.size() && pass == 0; ++j) {
          if (!keep[j] || static_cast<int>(all[j].kind) != kind) continue;
          bool same_iteration =
              all[j].iteration != 0 && all[j].iteration == all[i].iteration && all[j].trial == all[i].trial;
          novel &= all[j].key != all[i].key && !same_iteration;
        }
        if (novel) keep[i] = true, ++kept;
      }
    }
  }
  examples.clear();
  for (size_t i = 0; i < all.size(); ++i) {
    if (keep[i]) examples.push_back(std::move(all[i]));
  }
}

}  // namespace mapstress
