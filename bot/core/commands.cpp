#include "bot/core/commands.hpp"

#include <algorithm>

namespace mc::core {
namespace {

using C = Command;

constexpr std::array<CommandSpec, 12> kCommands{{
    {C::courses, {"courses", "catalog", "catalogue", "list"}, "courses", "what you can learn"},
    {C::start, {"start", "learn", "enrol", "enroll"}, "start <course>", "start or resume a course"},
    {C::progress, {"progress", "status"}, "progress", "your courses and scores"},
    {C::next, {"continue", "next"}, "continue", "pick up where you left off"},
    {C::time, {"time"}, "time 08:15", "when your daily lesson comes"},
    {C::time_zone, {"timezone", "tz"}, "timezone Europe/Berlin", "your time zone"},
    {C::weekdays, {"weekdays"}, "weekdays on", "daily lessons Monday to Friday only"},
    {C::pause, {"pause"}, "pause, resume, stop", "pause, resume or stop the daily lessons"},
    {C::resume, {"resume"}, {}, {}},
    {C::stop, {"stop"}, {}, {}},
    {C::help, {"help"}, "help", "this message"},
    {C::schedule, {"schedule"}, {}, {}},
}};

}  // namespace

std::span<const CommandSpec> commands() { return kCommands; }

std::optional<Command> find_command(std::string_view word) {
  if (word.empty()) return std::nullopt;
  for (const CommandSpec& spec : kCommands) {
    if (std::find(spec.words.begin(), spec.words.end(), word) != spec.words.end()) {
      return spec.command;
    }
  }
  return std::nullopt;
}

}  // namespace mc::core
