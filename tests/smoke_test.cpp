#include <gtest/gtest.h>

#include "backend/backend_registry.h"

namespace mapstress {
namespace {

TEST(Smoke, RegistryHasLocked) {
  auto registry = BackendRegistry::BuiltIn();
  ASSERT_NE(registry.Find("locked"), nullptr);
}

}  // namespace
}  // namespace mapstress
