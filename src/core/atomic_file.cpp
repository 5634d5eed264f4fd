#include "core/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
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
  if (own >= 0) std::fflush(nullptr);  // what stdio holds for that descriptor comes first
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

std::string TempPathFor(const std::string& path) { return fmt::format("{}.tmp.{}.", path, getpid()); }

AtomicFile::~AtomicFile() { Abort(); }

// The temp file: TempPathFor(path) plus 8 random letters, created exclusively (O_EXCL and
// O_NOFOLLOW: a name planted in a shared folder, symlink or not, is never opened), beside the
// file a symlink points to (the link stays a link).
bool AtomicFile::Open(const std::string& path) {
  Abort();
  path_ = ResolvedTarget(path);
  static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (int attempt = 0; attempt < 100; ++attempt) {
    unsigned char random[8];
    if (getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) {
      uint64_t mix = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) + attempt;
      std::memcpy(random, &mix, sizeof random);
    }
    std::string temp = TempPathFor(path_);
    for (unsigned char r : random) temp.push_back(kLetters[r % (sizeof kLetters - 1)]);
    fd_ = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd_ >= 0) {
      temp_ = temp;
      return true;
    }
    if (errno != EEXIST) break;
  }
  errno_ = errno;
  return false;
}

bool AtomicFile::Write(std::string_view content) { return WriteAll(fd_, content) || Fail(); }

bool AtomicFile::Commit() {
  if (fd_ < 0) return false;
  if (fsync(fd_) != 0) return Fail();
  int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) return Fail();
  // Never rename over what is not a regular file (a FIFO or device planted since Open).
  struct stat st {};
  if (lstat(path_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    errno = S_ISDIR(st.st_mode) ? EISDIR : EEXIST;
    return Fail();
  }
  if (rename(temp_.c_str(), path_.c_str()) != 0) return Fail();
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
  struct stat st {};
  if (IsStreamTarget(path, &st)) return WriteStream(path, content, error);
  AtomicFile file;
  if (!file.Open(path) || !file.Write(content) || !file.Commit()) {
    *error = fmt::format("cannot write {}: {}", path, std::strerror(file.error_number()));
    return false;
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
  AtomicFile probe;  // removed again by its destructor
  if (!probe.Open(path)) {
    *error = fmt::format("cannot write {}: {}", shown, std::strerror(probe.error_number()));
    return false;
  }
  return true;
}

}  // namespace mapstress
