#include "bot/core/journey.hpp"

namespace mc::core {

LearnerState new_learner(const Inbound& first, Time now) {
  LearnerState s;
  s.id = first.learner;
  s.display_name = first.display_name;
  s.address = first.reply_to;
  s.created = now;
  s.last_seen = now;
  return s;
}

Decision step(const Catalog&, const LearnerState& state, const Inbound&, Time) {
  return Decision{state, {}};  // placeholder until the journey lands
}

}  // namespace mc::core
