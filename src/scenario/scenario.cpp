#include "scenario/scenario.h"

namespace mapstress {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kWriter: return "writer";
    case Role::kUpdater: return "updater";
    case Role::kDeleter: return "deleter";
    case Role::kReader: return "reader";
    case Role::kIterator: return "iterator";
    case Role::kMixed: return "mixed";
    case Role::kToggler: return "toggler";
  }
  return "?";
}

uint32_t Scenario::TotalThreads() const {
  uint32_t n = 0;
  for (const auto& g : threads) n += g.count;
  return n;
}

bool Scenario::HasRole(Role role) const {
  for (const auto& g : threads) {
    if (g.role == role) return true;
  }
  return false;
}

bool Scenario::Erases() const {
  for (const auto& g : threads) {
    if (g.role == Role::kDeleter || g.role == Role::kToggler) return true;
    if (g.role == Role::kMixed && g.mix.erase > 0) return true;
  }
  return false;
}

uint32_t Scenario::WritingThreads() const {
  uint32_t n = 0;
  for (const auto& g : threads) {
    bool writes = g.role == Role::kWriter || g.role == Role::kUpdater || g.role == Role::kToggler ||
                  g.role == Role::kDeleter ||
                  (g.role == Role::kMixed && (g.mix.store + g.mix.update + g.mix.erase) > 0);
    if (writes) n += g.count;
  }
  return n;
}

WorkloadTraits Scenario::Traits() const { return WorkloadTraits{TotalThreads(), WritingThreads(), Erases()}; }

}  // namespace mapstress
