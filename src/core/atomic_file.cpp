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

bool WriteFileAtomically(const std::string& path, std::string_view content, std::string* error) {
  std::string temp = TempPathFor(path);
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = fmt::format("cannot write {}: {}", temp, std::strerror(errno));
    return false;
  }
  bool ok = WriteAll(fd, content) && fsync(fd) == 0;
  int saved = ok ? 0 : errno;
  if (close(fd) != 0 && ok) {
    ok = false;
    saved = errno;
  }
  if (ok && rename(temp.c_str(), path.c_str()) != 0) {
    ok = false;
    saved = errno;
  }
  if (!ok) {
    *error = fmt::format("cannot write {}: {}", path, std::strerror(saved));
    unlink(temp.c_str());
    return false;
  }
  // Make the rename itself durable; a folder that cannot be synced is not an error.
  int dir = open(FolderOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    fsync(dir);
    close(dir);
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
