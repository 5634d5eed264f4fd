// The strict JSON layer under the scenario loader: nlohmann's DOM plus what its own parser
// forgets (the first duplicate key, excess nesting, how each non-integer number was written).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mapstress {

using Json = nlohmann::json;

inline constexpr size_t kMaxJsonDepth = 32;

// A JSON pointer token: "~" -> "~0", "/" -> "~1".
std::string PointerToken(const std::string& key);

// Builds the DOM like nlohmann's own parser, and also notes the first duplicate key, excess
// nesting, and the source text of non-integer numbers (prefill tells 1 from 1.0 by syntax).
class StrictSax {
 public:
  explicit StrictSax(Json* root) : root_(root) {}

  bool null() { return Add(Json(nullptr)) != nullptr; }
  bool boolean(bool v) { return Add(Json(v)) != nullptr; }
  bool number_integer(Json::number_integer_t v) { return Add(Json(v)) != nullptr; }
  bool number_unsigned(Json::number_unsigned_t v) { return Add(Json(v)) != nullptr; }
  bool number_float(Json::number_float_t v, const std::string& raw) {
    float_text_[ChildPointer()] = raw;
    return Add(Json(v)) != nullptr;
  }
  bool string(std::string& v) { return Add(Json(std::move(v))) != nullptr; }
  bool binary(Json::binary_t& v) { return Add(Json(std::move(v))) != nullptr; }
  bool start_object(size_t) { return Open(Json::object()); }
  bool start_array(size_t) { return Open(Json::array()); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool key(std::string& k) {
    Frame& top = stack_.back();
    if (top.node->contains(k) && duplicate_where_.empty() && !has_duplicate_) {
      has_duplicate_ = true;
      duplicate_where_ = top.pointer;
      duplicate_key_ = k;
    }
    key_ = k;
    return true;
  }
  bool parse_error(size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    syntax_error_ = true;
    error_position_ = position;
    error_text_ = ex.what();
    return false;
  }

  bool syntax_error_ = false;
  size_t error_position_ = 0;
  std::string error_text_;
  bool too_deep_ = false;
  bool has_duplicate_ = false;
  std::string duplicate_where_;
  std::string duplicate_key_;
  std::map<std::string, std::string> float_text_;  // JSON pointer -> number as written

 private:
  struct Frame {
    Json* node;
    std::string pointer;
  };

  std::string ChildPointer() const {
    if (stack_.empty()) return "";
    const Frame& top = stack_.back();
    if (top.node->is_object()) return top.pointer + "/" + PointerToken(key_);
    return top.pointer + "/" + std::to_string(top.node->size());
  }
  Json* Add(Json v) {
    if (stack_.empty()) {
      *root_ = std::move(v);
      return root_;
    }
    Json* parent = stack_.back().node;
    if (parent->is_object()) {
      Json& slot = (*parent)[key_];
      slot = std::move(v);
      return &slot;
    }
    parent->push_back(std::move(v));
    return &parent->back();
  }
  bool Open(Json v) {
    if (stack_.size() >= kMaxJsonDepth) {
      too_deep_ = true;
      return false;
    }
    std::string pointer = ChildPointer();
    Json* node = Add(std::move(v));
    stack_.push_back({node, std::move(pointer)});
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  Json* root_;
  std::vector<Frame> stack_;
  std::string key_;
};

// nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error
// while parsing object - unexpected '}'; expected string literal" -> the readable tail.
std::string ReadableSyntaxError(const std::string& what);
// "line:column" of a parse error position (nlohmann counts from 1, past the bad character).
std::string LineColumn(std::string_view text, size_t position);

}  // namespace mapstress
