#include "core/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace mapstress {
namespace {

std::string FolderOf(const std::string& path) {
  std::string parent = std::filesystem::path(path).parent_path().string();
  return parent.empty() ? "." : parent;
}

bool WriteAll(int fd, std::string_view content) {
  while (!content.empty()) {
    ssize_t n = write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

std::string TempPathFor(const std::string& path) { return fmt::format("{}.tmp.{}", path, getpid()); }

AtomicFile::~AtomicFile() { Abort(); }

bool AtomicFile::Open(const std::string& path) {
  Abort();
  path_ = path;
  temp_ = TempPathFor(path);
  fd_ = open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    errno_ = errno;
    return false;
  }
  return true;
}

bool AtomicFile::Write(std::string_view content) { return WriteAll(fd_, content) || Fail(); }

bool AtomicFile::Commit() {
  if (fd_ < 0) return false;
  if (fsync(fd_) != 0) return Fail();
  int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0 || rename(temp_.c_str(), path_.c_str()) != 0) return Fail();
  temp_.clear();
  // Make the rename itself durable; a folder that cannot be synced is not an error.
  int dir = open(FolderOf(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
  }
  return true;
}

void AtomicFile::Abort() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (!temp_.empty()) unlink(temp_.c_str());
  temp_.clear();
}

bool AtomicFile::Fail() {
  errno_ = errno;
  Abort();
  return false;
}

bool WriteFileAtomically(const std::string& path, std::string_view content, std::string* error) {
  AtomicFile file;
  if (!file.Open(path)) {
    *error = fmt::format("cannot write {}: {}", TempPathFor(path), std::strerror(file.error_number()));
    return false;
  }
  if (!file.Write(content) || !file.Commit()) {
    *error = fmt::format("cannot write {}: {}", path, std::strerror(file.error_number()));
    return false;
  }
  return true;
}

bool CheckWritable(const std::string& path, std::string* error) {
  if (path.empty()) {
    *error = "empty report path";
    return false;
  }
  std::string folder = FolderOf(path);
  struct stat st {};
  if (stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    *error = fmt::format("cannot write {}: folder {} does not exist", path, folder);
    return false;
  }
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    *error = fmt::format("cannot write {}: it is a folder", path);
    return false;
  }
  std::string temp = TempPathFor(path);
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = fmt::format("cannot write {}: {}", path, std::strerror(errno));
    return false;
  }
  close(fd);
  unlink(temp.c_str());
  return true;
}

}  // namespace mapstress
