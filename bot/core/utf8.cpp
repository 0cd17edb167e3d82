#include "bot/core/utf8.hpp"

namespace mc::core {

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = 1;
  if ((c & 0xE0U) == 0xC0U) {
    n = 2;
  } else if ((c & 0xF0U) == 0xE0U) {
    n = 3;
  } else if ((c & 0xF8U) == 0xF0U) {
    n = 4;
  }
  if (i + n > s.size()) return 1;
  for (std::size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0U) != 0x80U) return 1;
  }
  return n;
}

std::vector<std::size_t> code_point_offsets(std::string_view s) {
  std::vector<std::size_t> offsets;
  offsets.reserve(s.size() + 1);
  for (std::size_t i = 0; i < s.size(); i += utf8_sequence_length(s, i)) offsets.push_back(i);
  offsets.push_back(s.size());
  return offsets;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0U) != 0x80U) ++n;
  }
  return n;
}

}  // namespace mc::core
