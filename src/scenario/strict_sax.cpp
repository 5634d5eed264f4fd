#include "scenario/strict_sax.h"

#include <algorithm>

namespace mapstress {

std::string PointerToken(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string ReadableSyntaxError(const std::string& what) {
  std::string text = what;
  size_t column = text.find("column ");
  size_t colon = text.find(": ", column == std::string::npos ? 0 : column);
  if (colon != std::string::npos) {
    text = text.substr(colon + 2);
  } else if (size_t bracket = text.find("] "); bracket != std::string::npos) {
    text = text.substr(bracket + 2);
  }
  if (size_t dash = text.find(" - "); dash != std::string::npos) text.replace(dash, 3, ": ");
  return text;
}

std::string LineColumn(std::string_view text, size_t position) {
  size_t offset = position == 0 ? 0 : std::min(position - 1, text.size());
  size_t line = 1;
  size_t column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace mapstress
