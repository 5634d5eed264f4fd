#include "engine/workload.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace mapstress {

uint64_t ThreadSeed(uint64_t seed, size_t group, uint32_t thread_in_group, uint32_t trial) {
  uint64_t s = MixHash(seed ^ 0x6D61707374726573ull);
  s = MixHash(s ^ (uint64_t{group} << 32) ^ thread_in_group);
  return MixHash(s ^ (uint64_t{trial} * 0x9E3779B97F4A7C15ull));
}

namespace {

// Zeta(n, theta) = sum_{i=1..n} i^-theta; exact up to a million terms, then an integral tail.
double Zeta(uint64_t n, double theta) {
  constexpr uint64_t kExact = 1000000;
  double sum = 0;
  uint64_t exact = std::min(n, kExact);
  for (uint64_t i = 1; i <= exact; ++i) sum += std::pow(static_cast<double>(i), -theta);
  if (n > exact) {
    auto integral = [theta](double x) {
      return std::abs(theta - 1) < 1e-9 ? std::log(x) : std::pow(x, 1 - theta) / (1 - theta);
    };
    sum += integral(static_cast<double>(n) + 0.5) - integral(static_cast<double>(exact) + 0.5);
  }
  return sum;
}

}  // namespace

KeyPicker::KeyPicker(const KeySpec& spec, uint64_t lo, uint64_t hi, KeyOrder order, uint32_t thread_in_group,
                     uint32_t threads_in_group)
    : spec_(spec), lo_(lo), n_(std::max<uint64_t>(1, hi - lo)), order_(order) {
  step_ = std::max<uint32_t>(1, threads_in_group);
  next_seq_ = thread_in_group % n_;
  if (spec.distribution == Distribution::kZipf && n_ > 1) {
    // Gray et al., "Quickly generating billion-record synthetic databases" (the YCSB method).
    double theta = spec.theta;
    zipf_zetan_ = Zeta(n_, theta);
    double zeta2 = Zeta(2, theta);
    zipf_alpha_ = 1.0 / (1.0 - theta);
    zipf_eta_ = (1 - std::pow(2.0 / static_cast<double>(n_), 1 - theta)) / (1 - zeta2 / zipf_zetan_);
    zipf_half_pow_ = 1 + std::pow(0.5, theta);
  }
  if (spec.distribution == Distribution::kHotset) {
    hot_n_ = std::clamp<uint64_t>(static_cast<uint64_t>(spec.hot_fraction * static_cast<double>(n_)), 1, n_);
  }
}

uint64_t KeyPicker::Scatter(uint64_t rank) const {
  // Multiplying by a prime coprime with n is a bijection on [0, n): hot ranks spread out.
  constexpr uint64_t kPrime = 2654435761ull;
  uint64_t p = (n_ % kPrime == 0) ? 1 : kPrime;
  return lo_ + static_cast<uint64_t>((static_cast<unsigned __int128>(rank) * p) % n_);
}

uint64_t KeyPicker::Next(Rng& rng) {
  if (order_ == KeyOrder::kSequential) {
    uint64_t key = lo_ + next_seq_;
    next_seq_ += step_;
    if (next_seq_ >= n_) next_seq_ %= n_;  // the division only on wrapping: it costs more than a fast op
    return key;
  }
  switch (spec_.distribution) {
    case Distribution::kUniform: return lo_ + rng.Below(n_);
    case Distribution::kZipf: {
      if (n_ == 1) return lo_;
      double u = rng.Unit();
      double uz = u * zipf_zetan_;
      uint64_t rank;
      if (uz < 1.0) {
        rank = 0;
      } else if (uz < zipf_half_pow_) {
        rank = 1;
      } else {
        rank = static_cast<uint64_t>(static_cast<double>(n_) * std::pow(zipf_eta_ * u - zipf_eta_ + 1, zipf_alpha_));
      }
      return Scatter(std::min(rank, n_ - 1));
    }
    case Distribution::kHotset: {
      if (rng.Unit() < spec_.hot_probability || hot_n_ == n_) return Scatter(rng.Below(hot_n_));
      return Scatter(hot_n_ + rng.Below(n_ - hot_n_));
    }
  }
  return lo_;
}

void GroupKeyRange(const Scenario& scenario, const ThreadGroup& group, uint64_t* lo, uint64_t* hi) {
  *lo = 0;
  *hi = scenario.keys.count;
  if (group.role == Role::kUpdater) *hi = std::max<uint64_t>(1, scenario.keys.prefill);
  if (group.key_lo) *lo = *group.key_lo;
  if (group.key_hi) *hi = *group.key_hi;
}

OpStream::OpStream(const Scenario& scenario, size_t group_index, uint32_t thread_in_group, uint64_t seed,
                   uint32_t trial)
    : role_(scenario.threads[group_index].role),
      mix_(scenario.threads[group_index].mix),
      rng_(ThreadSeed(seed, group_index, thread_in_group, trial)),
      picker_([&] {
        const ThreadGroup& g = scenario.threads[group_index];
        uint64_t lo, hi;
        GroupKeyRange(scenario, g, &lo, &hi);
        return KeyPicker(scenario.keys, lo, hi, g.order, thread_in_group, g.count);
      }()),
      update_picker_(scenario.keys, 0, std::max<uint64_t>(1, scenario.keys.prefill), KeyOrder::kRandom, 0, 1) {
  if (role_ == Role::kToggler) {
    uint64_t lo, hi;
    GroupKeyRange(scenario, scenario.threads[group_index], &lo, &hi);
    toggle_a_ = lo + 2 * uint64_t{thread_in_group};
    toggle_b_ = toggle_a_ + 1;
  }
}

PlannedOp OpStream::Next() {
  switch (role_) {
    case Role::kWriter:
    case Role::kUpdater: return {OpKind::kStore, picker_.Next(rng_)};
    case Role::kDeleter: return {OpKind::kErase, picker_.Next(rng_)};
    case Role::kReader: return {OpKind::kLoad, picker_.Next(rng_)};
    case Role::kIterator: return {OpKind::kIterate, 0};
    case Role::kToggler: {
      // store b, erase a, store a, erase b: at every instant a or b is present.
      uint32_t step = toggle_step_++ % 4;
      switch (step) {
        case 0: return {OpKind::kStore, toggle_b_};
        case 1: return {OpKind::kErase, toggle_a_};
        case 2: return {OpKind::kStore, toggle_a_};
        default: return {OpKind::kErase, toggle_b_};
      }
    }
    case Role::kMixed: {
      uint64_t roll = rng_.Below(100);
      if (roll < mix_.store) return {OpKind::kStore, picker_.Next(rng_)};
      roll -= mix_.store;
      if (roll < mix_.update) return {OpKind::kStore, update_picker_.Next(rng_)};
      roll -= mix_.update;
      if (roll < mix_.erase) return {OpKind::kErase, picker_.Next(rng_)};
      roll -= mix_.erase;
      if (roll < mix_.load) return {OpKind::kLoad, picker_.Next(rng_)};
      return {OpKind::kIterate, 0};
    }
  }
  return {OpKind::kLoad, 0};
}

std::vector<std::string> ThreadNames(const Scenario& scenario) {
  std::vector<std::string> names;
  std::map<Role, int> numbers;
  for (const auto& g : scenario.threads) {
    for (uint32_t i = 0; i < g.count; ++i) {
      names.push_back(std::string(RoleName(g.role)) + "-" + std::to_string(++numbers[g.role]));
    }
  }
  return names;
}

}  // namespace mapstress
