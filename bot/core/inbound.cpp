#include "bot/core/inbound.hpp"

namespace mc::core {

const char* kind_name(Inbound::Kind kind) {
  switch (kind) {
    case Inbound::Kind::command:
      return "command";
    case Inbound::Kind::text:
      return "text";
    case Inbound::Kind::press:
      return "press";
    case Inbound::Kind::home_opened:
      return "home_opened";
    case Inbound::Kind::blocked:
      return "blocked";
    case Inbound::Kind::profile:
      return "profile";
    case Inbound::Kind::tick:
      return "tick";
  }
  return "unknown";
}

}  // namespace mc::core
