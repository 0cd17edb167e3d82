// How a conversation says things: sends, edits, the one acknowledgement of a press, the home
// view, and the keys that make each outgoing message unique.

#include "bot/core/conversation.hpp"

#include <algorithm>

namespace mc::core {

using screens::Toast;

Decision Conversation::finish() && {
  std::string base =
      event_.event_id.empty() ? state_.id + "@" + std::to_string(to_millis(now_)) : event_.event_id;
  for (std::size_t i = 0; i < out_.size(); ++i) {
    out_[i].learner = state_.id;
    out_[i].key = base + "#" + std::to_string(i);
  }
  return Decision{std::move(state_), std::move(out_)};
}

void Conversation::publish_home() {
  screens::Screen home = screens::home(catalog_, state_, focus_enrollment());
  out_.push_back(
      make(Outbound::Kind::home, state_.address, std::move(home.body), std::move(home.keyboard)));
}

void Conversation::refresh_home() {
  if (!state_.has_home) return;
  // One home view per event is enough: drop an earlier one from this event.
  std::erase_if(out_, [](const Outbound& o) { return o.kind == Outbound::Kind::home; });
  publish_home();
}

Outbound Conversation::make(Outbound::Kind kind, Address to, Doc body, Keyboard keyboard,
                            std::string ref) const {
  Outbound o;
  o.kind = kind;
  o.to = std::move(to);
  o.body = std::move(body);
  o.keyboard = std::move(keyboard);
  o.ref = std::move(ref);
  return o;
}

void Conversation::say(Doc body, Keyboard keyboard) {
  out_.push_back(make(Outbound::Kind::send, to_, std::move(body), std::move(keyboard)));
}

void Conversation::say(screens::Screen screen) {
  say(std::move(screen.body), std::move(screen.keyboard));
}

void Conversation::edit(const std::string& ref, Doc body, Keyboard keyboard) {
  out_.push_back(make(Outbound::Kind::edit, to_, std::move(body), std::move(keyboard), ref));
}

void Conversation::ack(Toast toast) {
  if (event_.interaction.empty() || acked_) return;
  acked_ = true;
  Doc body;
  if (std::string text = screens::toast(toast); !text.empty()) body.push_back(paragraph(text));
  out_.insert(out_.begin(),
              make(Outbound::Kind::ack, to_, std::move(body), {}, event_.interaction));
}

}  // namespace mc::core
