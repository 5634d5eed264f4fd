#include "history/gzip_file.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mapstress {

bool OutFile::Open(int fd, const std::string& shown, bool gzip, std::string* error) {
#ifndef MAPSTRESS_HAVE_ZLIB
  if (gzip) return Fail(error, shown, "gzip support is not compiled in (zlib was not found)");
#endif
  int own = dup(fd);
  if (own < 0) return Fail(error, shown, std::strerror(errno));
#ifdef MAPSTRESS_HAVE_ZLIB
  if (gzip) {
    // Level 1: history JSON compresses ~10x even at the fastest level, and writing must keep up.
    gz_ = gzdopen(own, "wb1");
    if (gz_ == nullptr) {
      close(own);
      return Fail(error, shown, std::strerror(errno));
    }
    gzbuffer(gz_, 1 << 18);
    return true;
  }
#endif
  file_ = fdopen(own, "wb");
  if (file_ == nullptr) {
    close(own);
    return Fail(error, shown, std::strerror(errno));
  }
  return true;
}

bool OutFile::Fail(std::string* error, const std::string& path, const char* why) {
  *error = fmt::format("{}: cannot write: {}", path, why);
  return false;
}

}  // namespace mapstress
