#include "scenario/scenario.h"

#include "core/name_table.h"

namespace mapstress {

namespace {

constexpr NameTable<Role, 7> kRoleNames{{"writer", "updater", "deleter", "reader", "iterator", "mixed", "toggler"}};

}  // namespace

const char* RoleName(Role role) { return kRoleNames.Name(role); }
const std::vector<std::string>& RoleNames() {
  static const std::vector<std::string> names = kRoleNames.All();
  return names;
}

uint32_t Scenario::TotalThreads() const {
  uint32_t n = 0;
  for (const auto& g : threads) n += g.count;
  return n;
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
