#pragma once

// Button data: what a press means, encoded in at most 64 bytes (Telegram's callback_data limit;
// Slack's action value allows more). The step index makes presses on stale messages detectable.

#include <optional>
#include <string>
#include <string_view>

namespace mc::core {

struct Action {
  enum class Kind {
    enrol,     ///< start or resume `course`
    next,      ///< continue after the lesson at `step`
    answer,    ///< choose `option` for the question at `step`
    catalog,   ///< show the catalogue
    progress,  ///< show progress
  };
  Kind kind = Kind::catalog;
  std::string course;
  int step = 0;
  int option = 0;

  friend bool operator==(const Action&, const Action&) = default;
};

inline constexpr std::size_t kMaxActionBytes = 64;

/// Never longer than kMaxActionBytes for a valid course id.
std::string encode(const Action& action);
/// nullopt for anything that is not an encoded Action (forged or from an older version).
std::optional<Action> decode_action(std::string_view data);

}  // namespace mc::core
