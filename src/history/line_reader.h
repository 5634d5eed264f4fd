// Reads a history file line by line (plain or gzip), in bounded memory: what is held at a time is
// one read chunk plus the current line, however many lines the file has.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace mapstress {

inline constexpr uint64_t kDefaultMaxLineMb = 256;           // one iteration of ~18 million entries
inline constexpr uint64_t kDefaultMaxInputMb = 16384;        // decompressed bytes of one file (16 GiB)
inline constexpr std::chrono::seconds kFifoIdleTimeout{30};  // a FIFO that sends nothing this long fails

// Caps on what one history file may hold (decompressed); a file past them fails with a message
// naming the cap and the flag that changes it.
struct InputLimits {
  uint64_t max_line_bytes = kDefaultMaxLineMb << 20;
  uint64_t max_total_bytes = kDefaultMaxInputMb << 20;
  std::chrono::milliseconds fifo_idle = kFifoIdleTimeout;  // longest wait for a FIFO's next bytes
};

class LineReader {
 public:
  LineReader();
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // Opens `path`: a regular file or a FIFO (anything else is refused by its type, symlinks are
  // followed first), gzip when the name ends in ".gz". False and `*error` ("path: ...") on failure.
  bool Open(const std::string& path, const InputLimits& limits, std::string* error);
  // Reads from memory instead (tests, the fuzzer); `name` is used in error messages.
  void OpenText(const std::string& name, std::string_view text, const InputLimits& limits);

  // The next line without its '\n', valid until the next call. False at the end of the input
  // or on an error (then error() is set, "path:line: message").
  bool Next(std::string_view* line);
  const std::string& error() const { return error_; }
  uint64_t line_number() const { return line_; }

 private:
  class Source;
  bool Fail(const std::string& message);
  bool Fill();  // appends the next decoded chunk to buf_; false at the end or on an error

  std::unique_ptr<Source> source_;
  std::string name_;
  InputLimits limits_;
  std::string buf_;
  size_t pos_ = 0;   // start of the next line in buf_
  size_t scan_ = 0;  // buf_ before this holds no '\n' after pos_
  bool eof_ = false;
  uint64_t total_ = 0;
  uint64_t line_ = 0;
  std::string error_;
};

}  // namespace mapstress
