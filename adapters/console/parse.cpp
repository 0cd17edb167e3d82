#include "adapters/console/parse.hpp"

#include <charconv>

#include "bot/core/text.hpp"

namespace mc::console {

core::Inbound parse_line(std::string_view line, std::string_view learner_name,
                         const core::Keyboard& choices, std::string event_id) {
  line = core::trim(line, core::kAsciiSpace);
  core::Inbound e;
  e.event_id = std::move(event_id);
  e.learner = "console:" + std::string(learner_name);
  e.reply_to = core::Address{std::string(kRoute), std::string(learner_name)};
  e.display_name = std::string(learner_name);

  int number = 0;
  auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), number);
  if (ec == std::errc{} && end == line.data() + line.size() && number >= 1) {
    int n = 0;
    for (const auto& row : choices) {
      for (const auto& button : row) {
        if (++n == number) {
          e.kind = core::Inbound::Kind::press;
          e.text = button.data;
          return e;
        }
      }
    }
  }
  if (line.starts_with('/')) {
    std::string_view rest = line.substr(1);
    std::size_t space = rest.find(' ');
    e.kind = core::Inbound::Kind::command;
    e.name = core::lower(rest.substr(0, space));
    e.text = space == std::string_view::npos ? "" : std::string(rest.substr(space + 1));
    return e;
  }
  e.kind = core::Inbound::Kind::text;
  e.text = std::string(line);
  return e;
}

}  // namespace mc::console
