#include "core/atomic_file.h"

#include <fcntl.h>
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
  EXPECT_EQ(TempPathFor(path), path + ".tmp." + std::to_string(getpid()) + ".");
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

// A FIFO (like a device) is written into, never renamed over; nothing is created beside it.
TEST(AtomicFileTest, WritesIntoAFifoWithoutReplacingIt) {
  fixtures::TempDir dir;
  std::string fifo = dir / "report.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  std::string error;
  EXPECT_TRUE(IsStreamPath(fifo));
  EXPECT_TRUE(CheckWritable(fifo, &error)) << error;
  ASSERT_TRUE(WriteFileAtomically(fifo, "streamed", &error)) << error;
  char buf[64] = {};
  EXPECT_EQ(read(reader, buf, sizeof buf), 8);
  EXPECT_EQ(std::string(buf), "streamed");
  close(reader);
  struct stat st {};
  ASSERT_EQ(lstat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(FilesIn(dir.path()), 1u);
}

TEST(AtomicFileTest, DevicesAndOwnDescriptorsAreStreams) {
  ASSERT_TRUE(IsStreamPath("/dev/null"));  // else the write below would replace /dev/null
  EXPECT_TRUE(IsStreamPath("/dev/stdout"));
  EXPECT_TRUE(IsStreamPath("/proc/self/fd/2"));
  EXPECT_FALSE(IsStreamPath("/proc/self/fd/2x"));
  std::string error;
  EXPECT_TRUE(WriteFileAtomically("/dev/null", "gone", &error)) << error;
  struct stat st {};
  ASSERT_EQ(stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_FALSE(CheckWritable("/dev/full/mapstress.json", &error));
  EXPECT_NE(error.find("/dev/full is not a folder"), std::string::npos) << error;
}

// A symlink to a report: the file it points to gets the new version, the link stays a link.
TEST(AtomicFileTest, ReplacesTheTargetOfASymlink) {
  fixtures::TempDir dir;
  std::string real = dir / "real.json", link = dir / "link.json";
  std::ofstream(real) << "old";
  ASSERT_EQ(symlink(real.c_str(), link.c_str()), 0);
  std::string error;
  ASSERT_TRUE(WriteFileAtomically(link, "new", &error)) << error;
  struct stat st {};
  ASSERT_EQ(lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(Slurp(real), "new");
}

// The streaming form both writers use: nothing at `path` until Commit(); an abandoned file
// leaves nothing behind, and the old version stays.
TEST(AtomicFileTest, StreamsAndCommitsOrLeavesTheOldVersion) {
  fixtures::TempDir dir;
  std::string path = dir / "history.jsonl";
  {
    AtomicFile file;
    ASSERT_TRUE(file.Open(path));
    EXPECT_EQ(file.temp_path().rfind(TempPathFor(path), 0), 0u);
    EXPECT_EQ(file.temp_path().size(), TempPathFor(path).size() + 8);  // 8 random letters
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

// A name planted in a shared folder (a symlink to another file, at any temp name a writer might
// pick) is never followed: temp names are random and opened with O_EXCL | O_NOFOLLOW.
TEST(AtomicFileTest, APlantedSymlinkIsNeverFollowed) {
  fixtures::TempDir dir;
  std::string victim = dir / "victim.txt", path = dir / "report.json";
  std::ofstream(victim) << "precious";
  // The name an older mapstress would have used, and its shape with a few guesses.
  ASSERT_EQ(symlink(victim.c_str(), (path + ".tmp." + std::to_string(getpid())).c_str()), 0);
  ASSERT_EQ(symlink(victim.c_str(), (TempPathFor(path) + "aaaaaaaa").c_str()), 0);
  std::string error;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(WriteFileAtomically(path, "report", &error)) << error;
  EXPECT_EQ(Slurp(victim), "precious");
  EXPECT_EQ(Slurp(path), "report");
  // A FIFO planted at the destination after the check is not renamed over.
  AtomicFile file;
  ASSERT_TRUE(file.Open(dir / "late.json"));
  ASSERT_EQ(mkfifo((dir / "late.json").c_str(), 0600), 0);
  ASSERT_TRUE(file.Write("x"));
  EXPECT_FALSE(file.Commit());
  struct stat st {};
  ASSERT_EQ(lstat((dir / "late.json").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
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
