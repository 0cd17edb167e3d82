#include "bot/core/message.hpp"

namespace mc::core {

const char* kind_name(Outbound::Kind kind) {
  switch (kind) {
    case Outbound::Kind::send:
      return "send";
    case Outbound::Kind::edit:
      return "edit";
    case Outbound::Kind::ack:
      return "ack";
    case Outbound::Kind::home:
      return "home";
  }
  return "unknown";
}

}  // namespace mc::core
