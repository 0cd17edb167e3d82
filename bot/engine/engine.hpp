#pragma once

// The use cases: handle one inbound event, run one scheduled push, mark a learner unreachable
// (load state, decide, commit atomically). Knows no platform; the only I/O is through the store.

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <string>

#include "bot/core/course.hpp"
#include "bot/core/inbound.hpp"
#include "bot/core/message.hpp"
#include "bot/core/schedule.hpp"
#include "bot/core/time.hpp"
#include "bot/store/learner_store.hpp"

namespace mc::engine {

enum class Handled {
  applied,    ///< state and replies committed
  duplicate,  ///< the event was handled before: nothing changed, nothing will be sent twice
};

/// What one scheduled push did.
enum class Ticked {
  pushed,     ///< the next step was pushed
  nudged,     ///< a reminder of the unanswered step was sent
  paused,     ///< reminders ran out: the learner was paused and told how to resume
  nothing,    ///< blocked, paused or no active course: taken off the schedule
  not_due,    ///< the stored push is not due (a stale claim): its due time was restored
  duplicate,  ///< this push was made already (claimed twice): nothing changed
  missing,    ///< no such learner: the orphaned schedule entry was removed
};

/// Its coroutines take their arguments by value: they are co_spawned as often as co_awaited, and
/// a reference would dangle once the spawning expression ends.
class Engine {
 public:
  /// `schedule` holds the deployment's scheduling defaults (DEFAULT_TZ, DEFAULT_LESSON_TIME,
  /// REMINDERS_MAX).
  Engine(const core::Catalog& catalog, store::LearnerStore& store, core::NowFn now,
         core::ScheduleDefaults schedule = {});

  /// Loads the learner, runs core::step, commits with a version check (retrying on conflict).
  /// The learner's next push (the decided state's push.next_due) is committed to the schedule
  /// in the same step. An error means the store could not be reached: nothing was committed
  /// and the platform should retry later (the webhook answers 503).
  boost::asio::awaitable<boost::system::result<Handled>> handle(core::Inbound event);

  /// Runs the scheduled push of `learner` (claimed from the schedule by the scheduler): a
  /// `tick` event with id core::tick_event_id(learner, due), so a push claimed twice is made
  /// once; the version check makes a concurrent event and a push decide one after the other.
  /// An error leaves the claim to expire, after which the push is due again.
  boost::asio::awaitable<boost::system::result<Ticked>> tick(std::string learner);

  /// A platform refused `undelivered` because its learner can no longer be reached (blocked the
  /// bot, left the workspace): handles a `blocked` event for them, so nothing more is pushed.
  /// Its id comes from the message's key, so a message reported twice changes nothing twice.
  boost::asio::awaitable<boost::system::result<Handled>> mark_unreachable(
      core::Outbound undelivered);

  const core::Catalog& catalog() const { return catalog_; }
  /// The engine's clock (what its decisions take as `now`).
  core::Time now() const { return now_(); }
  const core::ScheduleDefaults& schedule() const { return schedule_; }

 private:
  const core::Catalog& catalog_;
  store::LearnerStore& store_;
  core::NowFn now_;
  core::ScheduleDefaults schedule_;
};

}  // namespace mc::engine
