#pragma once

// The learner journey as a pure state machine: given the catalogue, the learner's state and one
// event, decide the next state and what to say. No I/O; `now` is a parameter.

#include <vector>

#include "bot/core/course.hpp"
#include "bot/core/inbound.hpp"
#include "bot/core/learner.hpp"
#include "bot/core/message.hpp"
#include "bot/core/time.hpp"

namespace mc::core {

struct Decision {
  LearnerState state;          ///< the state to commit (equal to the input when nothing changed)
  std::vector<Outbound> out;   ///< messages to send, in order; keys already set
};

/// A fresh state for a learner seen for the first time.
LearnerState new_learner(const Inbound& first, Time now);

/// Handles one event. `state` must belong to `event.learner` (use new_learner for a new one).
Decision step(const Catalog& catalog, const LearnerState& state, const Inbound& event, Time now);

}  // namespace mc::core
