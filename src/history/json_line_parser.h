// A strict cursor over one line of JSON with just the value shapes the history format needs,
// inline because it parses every line of files of many millions of lines.
#pragma once

#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/history.h"

namespace mapstress {

inline constexpr int kMaxJsonLineNesting = 64;

// Names one number inside a line for error messages: "field 'key'" or "field 'entries' item 3 value".
struct Label {
  const char* field;
  int64_t item = -1;
  const char* part = nullptr;

  std::string Text() const {
    std::string s = fmt::format("field '{}'", field);
    if (item >= 0) s += fmt::format(" item {}", item);
    if (part != nullptr) s += fmt::format(" {}", part);
    return s;
  }
};

// A cursor over one line of JSON, with just the value shapes the format needs.
// Errors set message() and make every call return false.
class LineParser {
 public:
  LineParser(const char* begin, const char* end) : begin_(begin), p_(begin), end_(end) {}

  const std::string& message() const { return message_; }
  const char* pos() const { return p_; }
  void Seek(const char* p) { p_ = p; }

  bool Fail(std::string text) {
    if (message_.empty()) message_ = std::move(text);
    return false;
  }
  bool BadJson(std::string_view what) { return Fail(fmt::format("bad JSON: {} at column {}", what, p_ - begin_ + 1)); }

  void SkipWs() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r')) ++p_;
  }
  bool AtEnd() {
    SkipWs();
    return p_ == end_;
  }
  bool Peek(char c) {
    SkipWs();
    return p_ < end_ && *p_ == c;
  }
  // Skips whitespace and consumes `c` when it is next.
  bool Consume(char c) {
    SkipWs();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool Expect(char c, std::string_view what) {
    if (Consume(c)) return true;
    if (p_ == end_) return BadJson(fmt::format("line ended where {} was expected", what));
    return BadJson(fmt::format("expected {}", what));
  }

  // A string; `*out` views the raw text when it has no escapes, else the decoded `*scratch`.
  bool ParseString(std::string_view* out, std::string* scratch) {
    SkipWs();
    if (p_ == end_) return BadJson("line ended where a string was expected");
    if (*p_ != '"') return BadJson("expected a string");
    const char* start = ++p_;
    while (p_ < end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20) ++p_;
    if (p_ < end_ && *p_ == '"') {
      *out = std::string_view(start, static_cast<size_t>(p_ - start));
      ++p_;
      return true;
    }
    scratch->assign(start, p_);
    while (true) {
      if (p_ == end_) return BadJson("unterminated string");
      unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c < 0x20) return BadJson("control character inside a string");
      if (c != '\\') {
        scratch->push_back(static_cast<char>(c));
        ++p_;
        continue;
      }
      if (++p_ == end_) return BadJson("unterminated string");
      char e = *p_++;
      switch (e) {
        case '"': scratch->push_back('"'); break;
        case '\\': scratch->push_back('\\'); break;
        case '/': scratch->push_back('/'); break;
        case 'b': scratch->push_back('\b'); break;
        case 'f': scratch->push_back('\f'); break;
        case 'n': scratch->push_back('\n'); break;
        case 'r': scratch->push_back('\r'); break;
        case 't': scratch->push_back('\t'); break;
        case 'u': {
          uint32_t cp = 0;
          if (!ParseHex4(&cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low = 0;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return BadJson("unpaired surrogate in \\u escape");
            p_ += 2;
            if (!ParseHex4(&low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return BadJson("unpaired surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return BadJson("unpaired surrogate in \\u escape");
          }
          AppendUtf8(cp, scratch);
          break;
        }
        default: --p_; return BadJson(fmt::format("invalid escape '\\{}'", e));
      }
    }
    ++p_;
    *out = *scratch;
    return true;
  }

  // Any JSON value, validated and discarded (unknown fields).
  bool SkipValue(int depth = 0) {
    if (depth > kMaxJsonLineNesting) return BadJson("nesting too deep");
    SkipWs();
    if (p_ == end_) return BadJson("line ended where a value was expected");
    switch (*p_) {
      case '"': {
        std::string_view s;
        std::string scratch;
        return ParseString(&s, &scratch);
      }
      case '{':
        ++p_;
        if (Consume('}')) return true;
        do {
          std::string_view key;
          std::string scratch;
          if (!ParseString(&key, &scratch) || !Expect(':', "':' after a field name") || !SkipValue(depth + 1)) {
            return false;
          }
        } while (Consume(','));
        return Expect('}', "',' or '}'");
      case '[':
        ++p_;
        if (Consume(']')) return true;
        do {
          if (!SkipValue(depth + 1)) return false;
        } while (Consume(','));
        return Expect(']', "',' or ']'");
      case 't': return SkipLiteral("true");
      case 'f': return SkipLiteral("false");
      case 'n': return SkipLiteral("null");
      default: {
        NumberToken t;
        return ScanNumber(&t);
      }
    }
  }

  bool ParseU64(const Label& label, uint64_t* out) {
    SkipWs();
    // Fast path: a plain run of digits followed by a delimiter.
    const char* s = p_;
    if (s < end_ && *s >= '0' && *s <= '9') {
      uint64_t v = 0;
      if (*s == '0') {
        ++s;  // a lone zero; "017" fails the check below and gets the slow path's leading-zero error
      } else {
        while (s < end_ && *s >= '0' && *s <= '9') {
          if (__builtin_mul_overflow(v, uint64_t{10}, &v) || __builtin_add_overflow(v, uint64_t(*s - '0'), &v)) break;
          ++s;
        }
      }
      if (s == end_ || (*s != '.' && *s != 'e' && *s != 'E' && !(*s >= '0' && *s <= '9'))) {
        *out = v;
        p_ = s;
        return true;
      }
    }
    return ParseIntegerSlow(label, false, out, nullptr);
  }

  bool ParseI64(const Label& label, int64_t* out) {
    SkipWs();
    if (p_ < end_ && *p_ >= '1' && *p_ <= '9') {
      uint64_t v;
      if (!ParseU64(label, &v)) return false;
      if (v > static_cast<uint64_t>(INT64_MAX))
        return Fail(fmt::format("{} is out of range (got {})", label.Text(), v));
      *out = static_cast<int64_t>(v);
      return true;
    }
    uint64_t unused;
    return ParseIntegerSlow(label, true, &unused, out);
  }

  bool ParseBool(const Label& label, bool* out) {
    SkipWs();
    if (end_ - p_ >= 4 && std::memcmp(p_, "true", 4) == 0) {
      p_ += 4;
      *out = true;
      return true;
    }
    if (end_ - p_ >= 5 && std::memcmp(p_, "false", 5) == 0) {
      p_ += 5;
      *out = false;
      return true;
    }
    return WrongType(label, "true or false");
  }

  bool ParseStringField(const Label& label, std::string* out) {
    SkipWs();
    if (p_ == end_ || *p_ != '"') return WrongType(label, "a string");
    std::string_view s;
    std::string scratch;
    if (!ParseString(&s, &scratch)) return false;
    out->assign(s);
    return true;
  }

  // [[k,v],...] appended to `*out`.
  bool ParsePairs(const char* field, std::vector<Entry>* out) {
    SkipWs();
    if (p_ == end_ || *p_ != '[') return WrongType({field}, "an array of [key, value] pairs");
    ++p_;
    if (Consume(']')) return true;
    int64_t item = 0;
    do {
      SkipWs();
      if (p_ == end_ || *p_ != '[') return WrongType({field, item}, "a [key, value] pair");
      const char* start = p_++;
      Entry e;
      if (!ParseU64({field, item, "key"}, &e.key)) return false;
      if (!Consume(',')) {
        p_ = start;
        return WrongType({field, item}, "a [key, value] pair");
      }
      if (!ParseU64({field, item, "value"}, &e.value)) return false;
      if (!Consume(']')) {
        p_ = start;
        return WrongType({field, item}, "a [key, value] pair");
      }
      out->push_back(e);
      ++item;
    } while (Consume(','));
    return Expect(']', "',' or ']'");
  }

  // Reports that the value here is not of the wanted type, quoting it (or bad JSON when it is not JSON).
  bool WrongType(const Label& label, std::string_view wanted) {
    SkipWs();
    const char* start = p_;
    if (!SkipValue()) return false;
    std::string_view got(start, static_cast<size_t>(p_ - start));
    std::string quoted = got.size() > 40 ? fmt::format("{}...", got.substr(0, 37)) : std::string(got);
    return Fail(fmt::format("{} must be {} (got {})", label.Text(), wanted, quoted));
  }

 private:
  struct NumberToken {
    const char* begin = nullptr;
    const char* end = nullptr;
    bool negative = false;
    bool integer = true;
  };

  bool SkipLiteral(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) >= word.size() && std::memcmp(p_, word.data(), word.size()) == 0) {
      p_ += word.size();
      return true;
    }
    return BadJson("unexpected character");
  }

  // A JSON number per RFC 8259.
  bool ScanNumber(NumberToken* t) {
    t->begin = p_;
    if (p_ < end_ && *p_ == '-') {
      t->negative = true;
      ++p_;
    }
    auto digit = [&] { return p_ < end_ && *p_ >= '0' && *p_ <= '9'; };
    if (!digit()) {
      p_ = t->begin;
      return BadJson(t->negative ? "expected a digit after '-'" : "unexpected character");
    }
    if (*p_ == '0') {
      ++p_;
      if (digit()) return BadJson("leading zero in a number");
    } else {
      while (digit()) ++p_;
    }
    if (p_ < end_ && *p_ == '.') {
      t->integer = false;
      ++p_;
      if (!digit()) return BadJson("expected a digit after '.'");
      while (digit()) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      t->integer = false;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!digit()) return BadJson("expected a digit in the exponent");
      while (digit()) ++p_;
    }
    t->end = p_;
    return true;
  }

  bool ParseIntegerSlow(const Label& label, bool is_signed, uint64_t* u, int64_t* s) {
    SkipWs();
    if (p_ == end_ || !(*p_ == '-' || (*p_ >= '0' && *p_ <= '9'))) {
      return WrongType(label, is_signed ? "an integer" : "a non-negative integer");
    }
    NumberToken t;
    if (!ScanNumber(&t)) return false;
    std::string_view text(t.begin, static_cast<size_t>(t.end - t.begin));
    if (!t.integer) return Fail(fmt::format("{} must be an integer (got {})", label.Text(), text));
    if (t.negative && !is_signed) return Fail(fmt::format("{} must not be negative (got {})", label.Text(), text));
    std::from_chars_result r;
    if (is_signed) {
      r = std::from_chars(t.begin, t.end, *s);
    } else {
      r = std::from_chars(t.begin, t.end, *u);
    }
    if (r.ec != std::errc() || r.ptr != t.end) {
      return Fail(fmt::format("{} is out of range (got {})", label.Text(), text));
    }
    return true;
  }

  bool ParseHex4(uint32_t* cp) {
    if (end_ - p_ < 4) return BadJson("short \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        --p_;
        return BadJson("bad hex digit in \\u escape");
      }
    }
    *cp = v;
    return true;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  std::string message_;
};

// Loops over the fields of one object: calls on_field(name) with the parser positioned at the value,
// which on_field must consume. Duplicated field names are reported by the callers that care.
template <typename OnField>
bool ParseObject(LineParser* p, OnField on_field) {
  if (!p->Expect('{', "'{' (each line is one JSON object)")) return false;
  if (p->Consume('}')) return true;
  std::string scratch;
  do {
    std::string_view name;
    if (!p->ParseString(&name, &scratch) || !p->Expect(':', "':' after a field name")) return false;
    if (!on_field(name)) return false;
  } while (p->Consume(','));
  if (!p->Expect('}', "',' or '}'")) return false;
  if (!p->AtEnd()) return p->BadJson("extra text after the object");
  return true;
}

}  // namespace mapstress
