#pragma once

// The text helpers of the whole tree: ASCII whitespace and case, and the UTF-8 arithmetic shared
// by the content checks and the platform renderers, which measure and cut text in code points
// (Telegram's and Slack's limits count characters, not bytes). Locale-independent on purpose: a
// process that sets a locale must not change what a learner's command means.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mc::core {

/// Space, tab, line feed and carriage return: the blanks around chat texts and markup lines.
inline constexpr std::string_view kSpace = " \t\n\r";
/// What std::isspace accepts in the "C" locale: kSpace plus vertical tab and form feed.
inline constexpr std::string_view kAsciiSpace = " \t\n\v\f\r";

/// True for the characters of kSpace.
constexpr bool is_space(char c) { return kSpace.find(c) != std::string_view::npos; }
/// Empty or nothing but is_space characters (what a cut drops and what counts as blank).
bool is_blank(std::string_view s);

/// `s` without leading and trailing characters from `blanks`.
std::string_view trim(std::string_view s, std::string_view blanks = kSpace);

/// `s` with A-Z turned into a-z; every other byte (UTF-8 included) unchanged.
std::string lower(std::string_view s);

/// Equal when compared with A-Z and a-z as the same letters.
bool iequals(std::string_view a, std::string_view b);

/// Bytes of the UTF-8 sequence starting at s[i]; 1 for a byte that starts no valid sequence, so
/// invalid input still advances one byte at a time and is never cut inside a valid sequence.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

/// Byte offsets of each code point of `s` (as utf8_sequence_length steps), plus s.size().
std::vector<std::size_t> code_point_offsets(std::string_view s);

/// Number of UTF-8 code points in `s` (bytes that are not continuation bytes).
std::size_t utf8_length(std::string_view s);

/// The longest prefix of `s` holding at most `max_chars` code points as utf8_length counts them.
std::string_view utf8_prefix(std::string_view s, std::size_t max_chars);

/// Offset of the first byte that is not part of well-formed UTF-8 (no overlong forms,
/// surrogates or code points above U+10FFFF), or npos when `s` is well-formed.
std::size_t invalid_utf8_at(std::string_view s);

}  // namespace mc::core
