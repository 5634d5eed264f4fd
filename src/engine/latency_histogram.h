// Log-linear latency histogram (about 3% relative error), mergeable across threads and trials.
#pragma once

#include <array>
#include <cstdint>

namespace mapstress {

class LatencyHistogram {
 public:
  static constexpr int kSubBits = 5;
  static constexpr int kBuckets = (64 - kSubBits + 1) << kSubBits;

  void Add(uint64_t ns);
  void Merge(const LatencyHistogram& other);
  uint64_t Count() const { return count_; }
  uint64_t Max() const { return max_; }
  // q in [0, 1]; returns an upper bound of the bucket holding that quantile (0 when empty).
  uint64_t Quantile(double q) const;

 private:
  static int BucketOf(uint64_t ns);
  static uint64_t BucketUpper(int bucket);

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

}  // namespace mapstress
