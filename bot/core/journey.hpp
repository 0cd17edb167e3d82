#pragma once

// The learner journey as a pure state machine: given the catalogue, the learner's state and one
// event, decide the next state and what to say. No I/O; `now` is a parameter.

#include <string>
#include <string_view>
#include <vector>

#include "bot/core/course.hpp"
#include "bot/core/inbound.hpp"
#include "bot/core/learner.hpp"
#include "bot/core/message.hpp"
#include "bot/core/schedule.hpp"
#include "bot/core/time.hpp"

namespace mc::core {

struct Decision {
  LearnerState state;         ///< the state to commit (equal to the input when nothing changed)
  std::vector<Outbound> out;  ///< messages to send, in order; keys already set
};

/// A fresh state for a learner seen for the first time.
LearnerState new_learner(const Inbound& first, Time now);

/// Handles one event. `state` must belong to `event.learner` (use new_learner for a new one).
/// Scheduling uses the default ScheduleDefaults.
Decision step(const Catalog& catalog, const LearnerState& state, const Inbound& event, Time now);

/// As above with the deployment's scheduling settings. Every decision leaves
/// `state.push.next_due` at the learner's next scheduled push (epoch = none): the engine commits
/// it to the schedule.
///
/// A `tick` (the scheduled push) does nothing unless `state.push.next_due` is set and not after
/// `now`. Then: blocked, paused or no active course -> nothing more is scheduled; a pushed step
/// still unanswered -> a short nudge with its buttons (up to reminders_max, at growing intervals
/// in waking hours), after which the learner is paused and told how to resume; otherwise the
/// current step of the focus course (or the next active course) is pushed. However long the
/// push was overdue, one push is made and the next one is planned from `now`.
Decision step(const Catalog& catalog, const LearnerState& state, const Inbound& event, Time now,
              const ScheduleDefaults& schedule);

/// "tick:<learner>:<due-ms>": the id of the push due at `due`, so that a push claimed twice
/// (two instances, an expired lease) is recognised as a duplicate.
std::string tick_event_id(std::string_view learner, Time due);

}  // namespace mc::core
