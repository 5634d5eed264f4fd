// Whole-file replacement that a crash or SIGKILL cannot leave half written: the one writer that
// report files and history files both go through.
#pragma once

#include <string>
#include <string_view>

namespace mapstress {

// "<path>.tmp.<pid>": where the next version of `path` is written before it is renamed.
std::string TempPathFor(const std::string& path);

// The next version of one file, written to TempPathFor(path) and renamed over `path` by Commit()
// after an fsync (then the folder is fsynced too). Readers see either the old file or the new one.
// Destroyed without a successful Commit(), it removes the temp file.
class AtomicFile {
 public:
  AtomicFile() = default;
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Creates the temp file for `path`; false (errno in error_number()) when it cannot.
  bool Open(const std::string& path);
  // The temp file's descriptor: write to it, or hand a dup() of it to a stream (gzip, stdio).
  int fd() const { return fd_; }
  const std::string& temp_path() const { return temp_; }
  // Appends all of `content` (retrying short writes).
  bool Write(std::string_view content);
  // fsync, close, rename over the destination, fsync the folder. False (errno kept) on failure,
  // and then the temp file is removed.
  bool Commit();
  // Closes and removes the temp file (also what the destructor does before a Commit).
  void Abort();

  int error_number() const { return errno_; }

 private:
  bool Fail();  // keeps errno, aborts, returns false

  std::string path_;
  std::string temp_;
  int fd_ = -1;
  int errno_ = 0;
};

// Writes `content` to `path` through an AtomicFile. On failure `*error` is "cannot write <file>: why".
bool WriteFileAtomically(const std::string& path, std::string_view content, std::string* error);

// Checks up front that WriteFileAtomically(path) can work: the folder exists and a temp file can
// be created in it (it is removed again), and `path` is not a folder.
bool CheckWritable(const std::string& path, std::string* error);

}  // namespace mapstress
