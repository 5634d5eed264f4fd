// Whole files in and streamed files out, plain or gzip.
#pragma once

#include <cstdio>
#include <string>

#ifdef MAPSTRESS_HAVE_ZLIB
#include <zlib.h>
#endif

namespace mapstress {

// A plain or gzip output file.
class OutFile {
 public:
  OutFile() = default;
  ~OutFile() { Close(); }
  OutFile(const OutFile&) = delete;
  OutFile& operator=(const OutFile&) = delete;

  // Writes to a dup() of `fd` (closed by Close()); errors name `shown` (the final name rather than
  // the temporary one).
  bool Open(int fd, const std::string& shown, bool gzip, std::string* error);

  bool Write(const std::string& data) {
#ifdef MAPSTRESS_HAVE_ZLIB
    if (gz_ != nullptr) return data.empty() || gzwrite(gz_, data.data(), static_cast<unsigned>(data.size())) > 0;
#endif
    return std::fwrite(data.data(), 1, data.size(), file_) == data.size();
  }

  bool Close() {
    bool ok = true;
#ifdef MAPSTRESS_HAVE_ZLIB
    if (gz_ != nullptr) ok = gzclose(gz_) == Z_OK;
    gz_ = nullptr;
#endif
    if (file_ != nullptr) ok = std::fclose(file_) == 0;
    file_ = nullptr;
    return ok;
  }

 private:
  static bool Fail(std::string* error, const std::string& path, const char* why);

  FILE* file_ = nullptr;
#ifdef MAPSTRESS_HAVE_ZLIB
  gzFile gz_ = nullptr;
#endif
};

// The whole of `path` into `*text`, gunzipped when the name ends in ".gz". Errors are
// "path: cannot open: why", "path: read error" or "path:line: truncated or corrupt gzip data (why)".
bool ReadTextFile(const std::string& path, std::string* text, std::string* error);

}  // namespace mapstress
