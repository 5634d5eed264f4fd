#include "report/atomic_file.h"

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

// /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: the descriptor N itself (written to where
// it stands, so `--out /dev/stdout` streams even when stdout is a file), else -1.
int OwnDescriptor(const std::string& path) {
  if (path == "/dev/stdout") return 1;
  if (path == "/dev/stderr") return 2;
  for (const char* prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    std::string_view p(path);
    if (!p.starts_with(prefix)) continue;
    p.remove_prefix(std::strlen(prefix));
    if (p.empty() || p.size() > 6 || p.find_first_not_of("0123456789") != std::string_view::npos) return -1;
    return std::stoi(std::string(p));
  }
  return -1;
}

// Non-regular targets (devices, FIFOs, sockets, our own descriptors) are written directly, never
// replaced: renaming over /dev/null would turn it into a file.
bool IsStreamTarget(const std::string& path, struct stat* st) {
  if (OwnDescriptor(path) >= 0) return true;
  return stat(path.c_str(), st) == 0 && !S_ISREG(st->st_mode) && !S_ISDIR(st->st_mode);
}

bool WriteStream(const std::string& path, std::string_view content, std::string* error) {
  int own = OwnDescriptor(path);
  int fd = own >= 0 ? own : open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  bool ok = fd >= 0 && WriteAll(fd, content);
  int saved = errno;
  if (fd >= 0 && own < 0 && close(fd) != 0 && ok) {
    ok = false;
    saved = errno;
  }
  if (!ok) *error = fmt::format("cannot write {}: {}", path, std::strerror(saved));
  return ok;
}

// A symlink is followed: the file it points to is replaced, the link stays.
std::string ResolvedTarget(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return path;
  std::error_code ec;
  auto target = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : target.string();
}

}  // namespace

bool IsStreamPath(const std::string& path) {
  struct stat st {};
  return IsStreamTarget(path, &st);
}

std::string TempPathFor(const std::string& path) { return fmt::format("{}.tmp.{}", path, getpid()); }

bool WriteFileAtomically(const std::string& shown, std::string_view content, std::string* error) {
  struct stat st {};
  if (IsStreamTarget(shown, &st)) return WriteStream(shown, content, error);
  std::string path = ResolvedTarget(shown);
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
    *error = fmt::format("cannot write {}: {}", shown, std::strerror(saved));
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

bool CheckWritable(const std::string& shown, std::string* error) {
  if (shown.empty()) {
    *error = "empty report path";
    return false;
  }
  struct stat target {};
  if (IsStreamTarget(shown, &target)) {
    int own = OwnDescriptor(shown);
    bool ok = own >= 0 ? fcntl(own, F_GETFL) >= 0 : access(shown.c_str(), W_OK) == 0;
    if (!ok) *error = fmt::format("cannot write {}: {}", shown, std::strerror(errno));
    return ok;
  }
  std::string path = ResolvedTarget(shown);
  std::string folder = FolderOf(path);
  struct stat st {};
  if (stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    *error = stat(folder.c_str(), &st) == 0 ? fmt::format("cannot write {}: {} is not a folder", shown, folder)
                                            : fmt::format("cannot write {}: folder {} does not exist", shown, folder);
    return false;
  }
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    *error = fmt::format("cannot write {}: it is a folder", shown);
    return false;
  }
  std::string temp = TempPathFor(path);
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *error = fmt::format("cannot write {}: {}", shown, std::strerror(errno));
    return false;
  }
  close(fd);
  unlink(temp.c_str());
  return true;
}

}  // namespace mapstress
