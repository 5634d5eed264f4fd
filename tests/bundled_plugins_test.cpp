#include "plugin/bundled_plugins.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace mapstress {
namespace {

namespace fs = std::filesystem;

class BundledPluginsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("mapstress_bundled_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "bin");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Touch(const fs::path& p) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << "x";
  }
  fs::path root_;
};

TEST_F(BundledPluginsTest, NoFolderMeansNoPlugins) {
  EXPECT_TRUE(BundledPlugins((root_ / "bin" / "mapstress").string()).empty());
}

TEST_F(BundledPluginsTest, FindsTheGoPluginsOfTheBuildTreeSortedByName) {
  Touch(root_ / "bin" / "plugins" / "go" / "libmapstress_go1.23.so");
  Touch(root_ / "bin" / "plugins" / "go" / "libmapstress_go1.19.so");
  Touch(root_ / "bin" / "plugins" / "go" / "libmapstress_go1.19.h");      // not a library
  fs::create_directories(root_ / "bin" / "plugins" / "go" / "cache.so");  // a folder, not a file
  std::string go = (root_ / "bin" / "plugins" / "go").string();
  EXPECT_EQ(BundledPlugins((root_ / "bin" / "mapstress").string()),
            (std::vector<std::string>{go + "/libmapstress_go1.19.so", go + "/libmapstress_go1.23.so"}));
}

TEST_F(BundledPluginsTest, FindsTheInstalledGoPlugins) {
  Touch(root_ / kBundledPluginLibDir / "mapstress" / "plugins" / "go" / "libmapstress_go1.21.so");
  std::vector<std::string> found = BundledPlugins((root_ / "bin" / "mapstress").string());
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(fs::path(found[0]).filename(), "libmapstress_go1.21.so");
}

}  // namespace
}  // namespace mapstress
