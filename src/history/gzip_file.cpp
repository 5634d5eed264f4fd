#include "history/gzip_file.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace mapstress {
namespace {

bool ReadPlain(const std::string& path, std::string* text, std::string* error) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = fmt::format("{}: cannot open: {}", path, std::strerror(errno));
    return false;
  }
  struct stat st {};
  if (fstat(fileno(f), &st) == 0 && st.st_size > 0) text->reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) text->append(buf, n);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) {
    *error = fmt::format("{}: read error", path);
    return false;
  }
  return true;
}

size_t CountLines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}

bool ReadGzip(const std::string& path, std::string* text, std::string* error) {
#ifdef MAPSTRESS_HAVE_ZLIB
  gzFile gz = gzopen(path.c_str(), "rb");
  if (gz == nullptr) {
    *error = fmt::format("{}: cannot open: {}", path, std::strerror(errno));
    return false;
  }
  gzbuffer(gz, 1 << 18);
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && st.st_size > 0) text->reserve(static_cast<size_t>(st.st_size) * 4);
  constexpr unsigned kChunk = 1 << 20;
  int errnum = Z_OK;
  while (true) {
    size_t old = text->size();
    text->resize(old + kChunk);
    int n = gzread(gz, text->data() + old, kChunk);
    text->resize(old + static_cast<size_t>(std::max(n, 0)));
    if (n <= 0) {
      gzerror(gz, &errnum);
      break;
    }
  }
  std::string message;
  if (errnum != Z_OK) message = gzerror(gz, &errnum);
  gzclose(gz);
  if (errnum != Z_OK) {
    // A gzip stream cut short (a crashed writer, a partial copy) reads as "unexpected end of file".
    *error = fmt::format("{}:{}: truncated or corrupt gzip data ({})", path, CountLines(*text), message);
    return false;
  }
  return true;
#else
  (void)text;
  *error = fmt::format("{}: cannot read gzip files: zlib support is not compiled in", path);
  return false;
#endif
}

}  // namespace

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

bool ReadTextFile(const std::string& path, std::string* text, std::string* error) {
  return path.ends_with(".gz") ? ReadGzip(path, text, error) : ReadPlain(path, text, error);
}

}  // namespace mapstress
