#include "core/atomic_file.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "report_fixtures.h"

namespace mapstress {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

size_t FilesIn(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

TEST(AtomicFileTest, WritesAndReplacesLeavingNoTempFile) {
  fixtures::TempDir dir;
  std::string path = dir / "report.json";
  std::string error;
  ASSERT_TRUE(WriteFileAtomically(path, "first", &error)) << error;
  EXPECT_EQ(Slurp(path), "first");
  ASSERT_TRUE(WriteFileAtomically(path, "second, longer", &error)) << error;
  EXPECT_EQ(Slurp(path), "second, longer");
  ASSERT_TRUE(WriteFileAtomically(path, "", &error)) << error;
  EXPECT_EQ(Slurp(path), "");
  EXPECT_EQ(FilesIn(dir.path()), 1u);
  EXPECT_EQ(TempPathFor(path), path + ".tmp." + std::to_string(getpid()));
}

TEST(AtomicFileTest, FailsInAMissingFolder) {
  fixtures::TempDir dir;
  std::string error;
  EXPECT_FALSE(WriteFileAtomically(dir / "no/such/report.json", "x", &error));
  EXPECT_NE(error.find("no/such/report.json"), std::string::npos) << error;
}

TEST(AtomicFileTest, CheckWritableRejectsBadPathsAndLeavesNothing) {
  fixtures::TempDir dir;
  std::string error;
  EXPECT_TRUE(CheckWritable(dir / "report.json", &error)) << error;
  EXPECT_EQ(FilesIn(dir.path()), 0u);
  EXPECT_FALSE(CheckWritable(dir / "missing/report.json", &error));
  EXPECT_NE(error.find("does not exist"), std::string::npos) << error;
  std::filesystem::create_directory(dir / "sub");
  EXPECT_FALSE(CheckWritable(dir / "sub", &error));
  EXPECT_NE(error.find("is a folder"), std::string::npos) << error;
  EXPECT_FALSE(CheckWritable("", &error));
  std::ofstream(dir / "file") << "x";
  EXPECT_FALSE(CheckWritable(dir / "file/report.json", &error));  // a file where the folder should be
  if (geteuid() != 0) {                                           // root may write anywhere
    std::filesystem::create_directory(dir / "ro");
    chmod((dir / "ro").c_str(), 0555);
    EXPECT_FALSE(CheckWritable(dir / "ro/report.json", &error));
    EXPECT_NE(error.find("ro/report.json"), std::string::npos) << error;
    chmod((dir / "ro").c_str(), 0755);
  }
}

// The streaming form both writers use: nothing at `path` until Commit(); an abandoned file
// leaves nothing behind, and the old version stays.
TEST(AtomicFileTest, StreamsAndCommitsOrLeavesTheOldVersion) {
  fixtures::TempDir dir;
  std::string path = dir / "history.jsonl";
  {
    AtomicFile file;
    ASSERT_TRUE(file.Open(path));
    EXPECT_EQ(file.temp_path(), TempPathFor(path));
    ASSERT_TRUE(file.Write("one "));
    ASSERT_TRUE(file.Write("two"));
    EXPECT_FALSE(std::filesystem::exists(path));
    ASSERT_TRUE(file.Commit());
  }
  EXPECT_EQ(Slurp(path), "one two");
  {
    AtomicFile file;
    ASSERT_TRUE(file.Open(path));
    ASSERT_TRUE(file.Write("half"));
  }  // destroyed without Commit()
  EXPECT_EQ(Slurp(path), "one two");
  EXPECT_EQ(FilesIn(dir.path()), 1u);
  AtomicFile missing;
  EXPECT_FALSE(missing.Open(dir / "no/such/file"));
  EXPECT_EQ(missing.error_number(), ENOENT);
}

// A writer killed at a random moment leaves either an old or a new version, never a mix.
TEST(AtomicFileTest, SigkillLeavesAWholeVersion) {
  fixtures::TempDir dir;
  std::string path = dir / "report.txt";
  const std::string a(1 << 20, 'a'), b(1 << 19, 'b');
  for (int round = 0; round < 4; ++round) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      std::string error;
      for (int i = 0;; ++i) WriteFileAtomically(path, i % 2 ? a : b, &error);
    }
    usleep(20000 + round * 7000);
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    std::string content = Slurp(path);
    if (std::filesystem::exists(path)) {
      EXPECT_TRUE(content == a || content == b) << content.size();
    }
  }
}

}  // namespace
}  // namespace mapstress
