#include "core/text_width.h"

#include <algorithm>

namespace mapstress {
namespace {

size_t Utf8SequenceLength(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

// Bytes taken by the first `columns` code points of `text`.
size_t PrefixBytes(std::string_view text, size_t columns) {
  size_t i = 0, seen = 0;
  while (i < text.size()) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (seen == columns) break;
      ++seen;
    }
    ++i;
  }
  return i;
}

}  // namespace

std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t len = Utf8SequenceLength(text, i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

size_t DisplayWidth(std::string_view text) {
  size_t w = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++w;
  }
  return w;
}

std::string TruncateToWidth(std::string_view text, size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width == 0) return "";
  return std::string(text.substr(0, PrefixBytes(text, width - 1))) + "…";
}

std::string WrapText(std::string_view text, size_t width, std::string_view first, std::string_view rest) {
  std::string out;
  std::string line(first);
  size_t line_w = DisplayWidth(first);
  bool has_word = false;
  auto flush = [&] {
    out += line;
    out += '\n';
    line = std::string(rest);
    line_w = DisplayWidth(rest);
    has_word = false;
  };
  size_t start = 0;
  bool first_paragraph = true;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view paragraph = text.substr(start, end - start);
    if (!first_paragraph) flush();
    first_paragraph = false;
    size_t pos = 0;
    while (pos < paragraph.size()) {
      while (pos < paragraph.size() && (paragraph[pos] == ' ' || paragraph[pos] == '\t' || paragraph[pos] == '\r')) {
        ++pos;
      }
      size_t word_end = pos;
      while (word_end < paragraph.size() && paragraph[word_end] != ' ' && paragraph[word_end] != '\t' &&
             paragraph[word_end] != '\r') {
        ++word_end;
      }
      if (word_end == pos) break;
      std::string_view word = paragraph.substr(pos, word_end - pos);
      pos = word_end;
      size_t word_w = DisplayWidth(word);
      if (has_word && line_w + 1 + word_w > width) flush();
      if (has_word) {
        line += ' ';
        ++line_w;
      }
      // A word longer than a whole line is cut into pieces.
      while (line_w + word_w > width) {
        size_t avail = width > line_w ? width - line_w : 1;
        size_t bytes = PrefixBytes(word, avail);
        line += word.substr(0, bytes);
        flush();
        word = word.substr(bytes);
        word_w = DisplayWidth(word);
      }
      line += word;
      line_w += word_w;
      has_word = !word.empty() || has_word;
    }
    start = end + 1;
  }
  flush();
  return out;
}

}  // namespace mapstress
