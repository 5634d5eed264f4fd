#include "history/line_reader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#ifdef MAPSTRESS_HAVE_ZLIB
#include <zlib.h>
#endif

namespace mapstress {
namespace {

constexpr size_t kChunk = 1 << 20;

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

const char* TypeName(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

}  // namespace

// Raw bytes from a file, a FIFO or memory, gunzipped when asked and the data starts with the gzip
// magic (a ".gz" file holding plain text reads as plain text, as gzread does).
class LineReader::Source {
 public:
  ~Source() {
    if (fd_ >= 0) close(fd_);
#ifdef MAPSTRESS_HAVE_ZLIB
    if (inflating_) inflateEnd(&zs_);
#endif
  }

  bool OpenFile(const std::string& path, bool gzip, std::chrono::milliseconds fifo_idle, std::string* message) {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (reads then poll with a timeout).
    fd_ = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd_ < 0) {
      *message = fmt::format("cannot open: {}", std::strerror(errno));
      return false;
    }
    struct stat st {};
    if (fstat(fd_, &st) != 0) {
      *message = fmt::format("cannot open: {}", std::strerror(errno));
      return false;
    }
    if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
      *message = fmt::format("cannot read {}: a history must be a regular file or a FIFO", TypeName(st.st_mode));
      return false;
    }
    fifo_ = S_ISFIFO(st.st_mode);
    fifo_idle_ = fifo_idle;
    gzip_ = gzip;
    return true;
  }

  void OpenText(std::string_view text) {
    memory_ = text;
    from_memory_ = true;
  }

  // Up to `cap` decoded bytes into `out`: the count, 0 at the end, -1 on an error (`*message`).
  ssize_t Read(char* out, size_t cap, std::string* message) {
    if (!gzip_) return ReadRaw(out, cap, message);
#ifdef MAPSTRESS_HAVE_ZLIB
    if (!sniffed_) {
      sniffed_ = true;
      in_.resize(kChunk);
      ssize_t n = ReadRaw(in_.data(), in_.size(), message);
      if (n < 0) return -1;
      in_.resize(static_cast<size_t>(n));
      if (in_.size() < 2 || static_cast<unsigned char>(in_[0]) != 0x1f || static_cast<unsigned char>(in_[1]) != 0x8b) {
        plain_ = std::move(in_);  // not gzip: hand out these bytes, then read on as plain
        in_.clear();
        gzip_ = false;
        return ReadPending(out, cap, message);
      }
      if (inflateInit2(&zs_, 15 + 16) != Z_OK) {
        *message = "cannot start the gzip decoder";
        return -1;
      }
      inflating_ = true;
      zs_.next_in = reinterpret_cast<Bytef*>(in_.data());
      zs_.avail_in = static_cast<uInt>(in_.size());
    }
    zs_.next_out = reinterpret_cast<Bytef*>(out);
    zs_.avail_out = static_cast<uInt>(cap);
    while (zs_.avail_out == cap) {
      if (zs_.avail_in == 0) {
        in_.resize(kChunk);
        ssize_t n = ReadRaw(in_.data(), in_.size(), message);
        if (n < 0) return -1;
        if (n == 0) {
          if (member_ended_) return 0;
          *message = "truncated or corrupt gzip data (unexpected end of file)";
          return -1;
        }
        zs_.next_in = reinterpret_cast<Bytef*>(in_.data());
        zs_.avail_in = static_cast<uInt>(n);
      }
      if (member_ended_) {  // another gzip member follows (concatenated .gz files)
        inflateReset(&zs_);
        member_ended_ = false;
      }
      int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_ended_ = true;
      } else if (rc != Z_OK && (rc != Z_BUF_ERROR || zs_.avail_in > 0)) {
        *message = fmt::format("truncated or corrupt gzip data ({})", zs_.msg != nullptr ? zs_.msg : "bad data");
        return -1;
      }
    }
    return static_cast<ssize_t>(cap - zs_.avail_out);
#else
    (void)out;
    (void)cap;
    *message = "cannot read gzip files: zlib support is not compiled in";
    return -1;
#endif
  }

 private:
  ssize_t ReadPending(char* out, size_t cap, std::string* message) {
    if (plain_pos_ >= plain_.size()) return ReadRaw(out, cap, message);
    size_t n = std::min(cap, plain_.size() - plain_pos_);
    std::memcpy(out, plain_.data() + plain_pos_, n);
    plain_pos_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t ReadRaw(char* out, size_t cap, std::string* message) {
    if (plain_pos_ < plain_.size()) return ReadPending(out, cap, message);
    if (from_memory_) {
      size_t n = std::min(cap, memory_.size());
      std::memcpy(out, memory_.data(), n);
      memory_.remove_prefix(n);
      return static_cast<ssize_t>(n);
    }
    while (true) {
      // A FIFO: wait (bounded) for bytes or for the writer to close. Before any writer opened
      // it, poll waits while a plain read would return 0 and look like an empty file.
      if (fifo_) {
        pollfd p{fd_, POLLIN, 0};
        int ready = poll(&p, 1, static_cast<int>(fifo_idle_.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) {
          long ms = static_cast<long>(fifo_idle_.count());
          *message = fmt::format("the FIFO sent nothing for {} (no writer?; --input-timeout changes the wait)",
                                 ms % 1000 == 0 ? fmt::format("{}s", ms / 1000) : fmt::format("{}ms", ms));
          return -1;
        }
      }
      ssize_t n = read(fd_, out, cap);
      if (n >= 0) return n;
      if (errno == EINTR || (errno == EAGAIN && fifo_)) continue;
      *message = fmt::format("read error: {}", std::strerror(errno));
      return -1;
    }
  }

  int fd_ = -1;
  bool fifo_ = false;
  std::chrono::milliseconds fifo_idle_{0};
  bool from_memory_ = false;
  std::string_view memory_;
  bool gzip_ = false;
  std::string plain_;  // bytes read while looking for the gzip magic
  size_t plain_pos_ = 0;
#ifdef MAPSTRESS_HAVE_ZLIB
  bool sniffed_ = false;
  bool inflating_ = false;
  bool member_ended_ = false;
  z_stream zs_{};
  std::string in_;
#endif
};

LineReader::LineReader() = default;
LineReader::~LineReader() = default;

bool LineReader::Open(const std::string& path, const InputLimits& limits, std::string* error) {
  name_ = path;
  limits_ = limits;
  source_ = std::make_unique<Source>();
  std::string message;
  if (!source_->OpenFile(path, EndsWith(path, ".gz"), limits.fifo_idle, &message)) {
    *error = fmt::format("{}: {}", path, message);
    return false;
  }
  return true;
}

void LineReader::OpenText(const std::string& name, std::string_view text, const InputLimits& limits) {
  name_ = name;
  limits_ = limits;
  source_ = std::make_unique<Source>();
  source_->OpenText(text);
}

bool LineReader::Fail(const std::string& message) {
  error_ = fmt::format("{}:{}: {}", name_, line_ + 1, message);
  eof_ = true;
  buf_.clear();
  pos_ = scan_ = 0;
  return false;
}

bool LineReader::Fill() {
  if (eof_) return false;
  if (pos_ > 0) {  // drop the lines already handed out
    buf_.erase(0, pos_);
    scan_ -= pos_;
    pos_ = 0;
  }
  if (buf_.size() > limits_.max_line_bytes) {
    return Fail(
        fmt::format("line is longer than {} MiB (--max-line-mb changes the cap)", limits_.max_line_bytes >> 20));
  }
  size_t old = buf_.size();
  buf_.resize(old + kChunk);
  std::string message;
  ssize_t n = source_->Read(buf_.data() + old, kChunk, &message);
  buf_.resize(old + static_cast<size_t>(std::max<ssize_t>(n, 0)));
  if (n < 0) return Fail(message);
  if (n == 0) {
    eof_ = true;
    return false;
  }
  total_ += static_cast<uint64_t>(n);
  if (total_ > limits_.max_total_bytes) {
    return Fail(
        fmt::format("input is larger than {} MiB (--max-input-mb changes the cap)", limits_.max_total_bytes >> 20));
  }
  return true;
}

bool LineReader::Next(std::string_view* line) {
  while (true) {
    const char* base = buf_.data();
    const void* nl = std::memchr(base + scan_, '\n', buf_.size() - scan_);
    if (nl != nullptr) {
      size_t end = static_cast<size_t>(static_cast<const char*>(nl) - base);
      if (end - pos_ > limits_.max_line_bytes) {
        return Fail(
            fmt::format("line is longer than {} MiB (--max-line-mb changes the cap)", limits_.max_line_bytes >> 20));
      }
      *line = std::string_view(base + pos_, end - pos_);
      ++line_;
      pos_ = scan_ = end + 1;
      return true;
    }
    scan_ = buf_.size();
    if (!Fill()) {
      if (!error_.empty() || pos_ >= buf_.size()) return false;
      *line = std::string_view(buf_.data() + pos_, buf_.size() - pos_);  // the last line, without '\n'
      ++line_;
      pos_ = scan_ = buf_.size();
      return true;
    }
  }
}

}  // namespace mapstress
