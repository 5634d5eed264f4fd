#include "engine/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace mapstress {

int LatencyHistogram::BucketOf(uint64_t ns) {
  if (ns < (uint64_t{1} << kSubBits)) return static_cast<int>(ns);
  int exp = 63 - std::countl_zero(ns);  // >= kSubBits
  int shift = exp - kSubBits;
  uint64_t mantissa = (ns >> shift) & ((uint64_t{1} << kSubBits) - 1);
  return ((shift + 1) << kSubBits) + static_cast<int>(mantissa);
}

uint64_t LatencyHistogram::BucketUpper(int bucket) {
  int group = bucket >> kSubBits;
  uint64_t mantissa = static_cast<uint64_t>(bucket & ((1 << kSubBits) - 1));
  if (group == 0) return mantissa;
  int shift = group - 1;
  uint64_t base = (uint64_t{1} << kSubBits) | mantissa;
  if (shift >= 64 - kSubBits - 1) return UINT64_MAX;
  return ((base + 1) << shift) - 1;
}

void LatencyHistogram::Add(uint64_t ns) {
  ++counts_[BucketOf(ns)];
  ++count_;
  max_ = std::max(max_, ns);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

uint64_t LatencyHistogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  uint64_t rank = static_cast<uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count_)));
  rank = std::max<uint64_t>(rank, 1);
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(BucketUpper(i), max_);
  }
  return max_;
}

}  // namespace mapstress
