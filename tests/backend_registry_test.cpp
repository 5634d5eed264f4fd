#include "backend/backend_registry.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace mapstress {
namespace {

BackendInfo Named(const std::string& name, bool testing_only = false) {
  BackendInfo b;
  b.name = name;
  b.description = "test";
  b.testing_only = testing_only;
  return b;
}

TEST(BackendRegistryTest, PatternExpandsToTheMatchingBackendsInRegistryOrder) {
  BackendRegistry r;
  for (const char* n : {"go1.19-syncmap", "go1.19-map", "go1.23-syncmap", "syncmap"}) ASSERT_EQ(r.Add(Named(n)), "");
  ASSERT_EQ(r.Add(Named("go1.23-faulty-syncmap", /*testing_only=*/true)), "");
  EXPECT_EQ(r.Expand("go*-syncmap"), (std::vector<std::string>{"go1.19-syncmap", "go1.23-syncmap"}));
  EXPECT_EQ(r.Expand("go1.19-*"), (std::vector<std::string>{"go1.19-syncmap", "go1.19-map"}));
  EXPECT_EQ(r.Expand("go1.2?-syncmap"), (std::vector<std::string>{"go1.23-syncmap"}));
  EXPECT_TRUE(r.Expand("rust*").empty());
  EXPECT_EQ(r.Expand("syncmap"), (std::vector<std::string>{"syncmap"}));
  EXPECT_TRUE(BackendRegistry::IsPattern("go*"));
  EXPECT_FALSE(BackendRegistry::IsPattern("go1.22-map"));
}

TEST(BackendRegistryTest, NamesMayHoldDotsButNotStartWithOne) {
  BackendRegistry r;
  EXPECT_EQ(r.Add(Named("go1.22-syncmap")), "");
  EXPECT_EQ(r.Add(Named(".hidden")), "backend name '.hidden' must match [a-z0-9][a-z0-9._-]*");
  EXPECT_EQ(r.Add(Named("-flag")), "backend name '-flag' must match [a-z0-9][a-z0-9._-]*");
}

}  // namespace
}  // namespace mapstress
