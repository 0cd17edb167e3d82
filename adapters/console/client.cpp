#include "adapters/console/client.hpp"

#include <any>

namespace mc::console {

std::vector<core::Part> Terminal::render(const core::Outbound& message) const {
  std::string text = console::render(message, options_);
  if (text.empty()) return {};
  return {{Print{std::move(text), message.keyboard}}};
}

core::SendOutcome Terminal::call(const core::Part& part) {
  const auto* print = std::any_cast<Print>(&part.request);
  if (print == nullptr) {
    core::SendOutcome refused;
    refused.status = core::SendOutcome::Status::permanent;
    refused.reason = "not a console part";
    return refused;
  }
  std::lock_guard lock(mutex_);
  out_ << "\n" << print->text << "\n" << std::flush;
  if (!print->choices.empty()) choices_ = print->choices;
  return core::SendOutcome::ok();
}

core::Keyboard Terminal::choices() const {
  std::lock_guard lock(mutex_);
  return choices_;
}

}  // namespace mc::console
