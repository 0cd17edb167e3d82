#include "adapters/console/client.hpp"

namespace mc::console {

core::SendOutcome Terminal::send(const core::Outbound& message) {
  std::string text = render(message, options_);
  if (text.empty()) return core::SendOutcome::ok();
  std::lock_guard lock(mutex_);
  out_ << "\n" << text << "\n" << std::flush;
  if (!message.keyboard.empty()) choices_ = message.keyboard;
  return core::SendOutcome::ok();
}

core::Keyboard Terminal::choices() const {
  std::lock_guard lock(mutex_);
  return choices_;
}

}  // namespace mc::console
