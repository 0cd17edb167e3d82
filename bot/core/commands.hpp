#pragma once

// The words a learner can send, as one table: each command with its aliases and the line that
// explains it in the help screen. The journey decides what a command does; this table only says
// which word means which command.

#include <array>
#include <optional>
#include <span>
#include <string_view>

namespace mc::core {

enum class Command {
  start,      ///< greet, or start / resume the course named in the arguments
  courses,    ///< the catalogue
  progress,   ///< the learner's courses and scores
  next,       ///< show the step the learner is at
  time,       ///< show or set the daily lesson time
  time_zone,  ///< show or set the time zone
  weekdays,   ///< daily lessons Monday to Friday only, or every day
  pause,      ///< no daily lessons until `resume`
  resume,     ///< daily lessons back on, and show the step the learner is at
  stop,       ///< as pause, said more firmly
  help,       ///< how this works
  schedule,   ///< when the next lesson comes
};

struct CommandSpec {
  Command command;
  /// Lower-case words that mean this command (with or without a leading '/'); unused slots
  /// are empty.
  std::array<std::string_view, 4> words;
  /// How the help screen shows it: ", "-separated examples, each set as code. Empty = not
  /// listed (a command with no line of its own, or one explained by another's line).
  std::string_view usage;
  std::string_view help;  ///< what it does, after the usage in the help screen
};

/// Every command, in the order the help screen lists them.
std::span<const CommandSpec> commands();

/// The command `word` means; `word` is lower case, without a leading '/'. nullopt when unknown.
std::optional<Command> find_command(std::string_view word);

}  // namespace mc::core
