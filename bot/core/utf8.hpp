#pragma once

// UTF-8 arithmetic shared by the content checks and the platform renderers, which measure and
// cut text in code points (Telegram's and Slack's limits count characters, not bytes).

#include <cstddef>
#include <string_view>
#include <vector>

namespace mc::core {

/// Bytes of the UTF-8 sequence starting at s[i]; 1 for a byte that starts no valid sequence, so
/// invalid input still advances one byte at a time and is never cut inside a valid sequence.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

/// Byte offsets of each code point of `s` (as utf8_sequence_length steps), plus s.size().
std::vector<std::size_t> code_point_offsets(std::string_view s);

/// Number of UTF-8 code points in `s` (bytes that are not continuation bytes).
std::size_t utf8_length(std::string_view s);

}  // namespace mc::core
