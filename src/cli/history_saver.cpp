#include "cli/history_saver.h"

#include <fmt/format.h>
#include <string.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <iostream>

#include "history/history_file.h"

namespace mapstress {
namespace {

constexpr const char* kDefaultHistoryDir = "mapstress-histories";

bool ParseMode(const std::string& text, HistoryMode* mode) {
  if (text == "all")
    *mode = HistoryMode::kAll;
  else if (text == "interesting")
    *mode = HistoryMode::kInteresting;
  else if (text == "failures")
    *mode = HistoryMode::kFailures;
  else
    return false;
  return true;
}

const char* ModeName(HistoryMode mode) {
  switch (mode) {
    case HistoryMode::kAll: return "all";
    case HistoryMode::kInteresting: return "interesting";
    case HistoryMode::kFailures: return "failures";
  }
  return "all";
}

std::string Bytes(uint64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  if (n < (1u << 20)) return fmt::format("{:.1f} KiB", static_cast<double>(n) / 1024);
  if (n < (1u << 30)) return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1 << 20));
  return fmt::format("{:.2f} GiB", static_cast<double>(n) / (1 << 30));
}

}  // namespace

bool HistorySaver::Open(const std::string& value, std::string* error) {
  size_t colon = value.find(':');
  if (ParseMode(value, &mode_)) {
    dir_ = kDefaultHistoryDir;
  } else if (colon != std::string::npos && ParseMode(value.substr(0, colon), &mode_)) {
    dir_ = value.substr(colon + 1);
    if (dir_.empty()) {
      *error = fmt::format("--save-history: expected a folder after '{}:', got nothing", value.substr(0, colon));
      return false;
    }
  } else {
    mode_ = HistoryMode::kAll;
    dir_ = value;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec || access(dir_.c_str(), W_OK) != 0) {
    *error = fmt::format("--save-history: cannot write to folder '{}': {}", dir_,
                         ec ? ec.message() : std::string(strerror(errno)));
    return false;
  }
  return true;
}

void HistorySaver::Save(const History& history) const {
  std::string error;
  if (!WriteHistoryFile(dir_ + "/" + HistoryFileName(history), history, &error)) {
    std::cerr << "warning: could not save history: " << error << "\n";
  }
}

bool HistorySaver::Keeps(const CaseReport& r) const {
  switch (mode_) {
    case HistoryMode::kAll: return true;
    case HistoryMode::kFailures: return r.status == CaseStatus::kFail;
    case HistoryMode::kInteresting:
      return r.status == CaseStatus::kFail || r.WorstObservedGrade() >= Grade::kInteresting;
  }
  return true;
}

void HistorySaver::CaseDone(const CaseReport& report) {
  const bool keep = Keeps(report);
  uint64_t files = 0;
  History name;  // only what the file name is made of
  name.scenario = report.scenario;
  name.backend = report.backend;
  for (uint32_t trial = 0; trial < report.trials; ++trial) {
    name.trial = trial;
    std::string path = dir_ + "/" + HistoryFileName(name);
    std::error_code ec;
    uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) continue;  // not written (the trial did not run)
    ++files;
    if (keep) {
      ++kept_files_;
      kept_bytes_ += size;
    } else if (std::filesystem::remove(path, ec)) {
      ++removed_files_;
      removed_bytes_ += size;
    }
  }
  if (files > 0) ++(keep ? kept_cases_ : removed_cases_);
}

std::string HistorySaver::SizeNote() const {
  std::string note =
      fmt::format("histories ({}): {} file{}, {} of {} case{} in {}/", ModeName(mode_), kept_files_,
                  kept_files_ == 1 ? "" : "s", Bytes(kept_bytes_), kept_cases_, kept_cases_ == 1 ? "" : "s", dir_);
  if (removed_files_ > 0) {
    note += fmt::format("; {} of {} other case{} removed ({} file{}: not {})", Bytes(removed_bytes_), removed_cases_,
                        removed_cases_ == 1 ? "" : "s", removed_files_, removed_files_ == 1 ? "" : "s",
                        mode_ == HistoryMode::kFailures ? "failing" : "failing or interesting");
  }
  return note + "\n";
}

}  // namespace mapstress
