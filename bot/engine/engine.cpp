#include "bot/engine/engine.hpp"

#include <spdlog/spdlog.h>

#include "bot/core/journey.hpp"
#include "bot/metrics/metrics.hpp"

namespace mc::engine {

namespace {
// Two presses of one learner at the same instant conflict at most a few times; a version that
// keeps moving beyond this means something is wrong, and the platform will retry the event.
constexpr int kMaxAttempts = 5;

constexpr metrics::Counter kCommitConflicts{
    "microcourse_commit_conflicts_total",
    "Commits retried because the learner's state changed concurrently"};
constexpr metrics::Counter kDuplicateEvents{
    "microcourse_duplicate_events_total",
    "Events delivered again by the platform and recognised by their id"};
constexpr metrics::Counter kScheduledPushes{
    "microcourse_scheduled_pushes_total", "Scheduled pushes run, by outcome", {"outcome"}};

store::Commit make_commit(const std::string& learner, std::uint64_t version,
                          core::Decision decision, std::string event_id) {
  store::Commit commit;
  commit.learner = learner;
  commit.expected_version = version;
  // The schedule always follows the decided state (epoch = off the schedule).
  commit.due = decision.state.push.next_due;
  commit.state = std::move(decision.state);
  commit.out = std::move(decision.out);
  // A message with nowhere to go (a learner known only from a group chat) is dropped here
  // rather than parked in an outbox nobody reads.
  std::erase_if(commit.out, [&](const core::Outbound& m) {
    if (!m.to.route.empty()) return false;
    spdlog::warn("engine: dropping a {} message for {} without an address",
                 m.kind == core::Outbound::Kind::home ? "home" : "chat", learner);
    return true;
  });
  commit.event_id = std::move(event_id);
  return commit;
}

void count_conflict(const std::string& learner, int attempt) {
  metrics::Registry::global().inc(kCommitConflicts);
  spdlog::debug("engine: version conflict for {}, attempt {}", learner, attempt + 1);
}

boost::system::error_code gave_up(const std::string& learner) {
  spdlog::warn("engine: gave up on {} after {} version conflicts", learner, kMaxAttempts);
  return boost::system::error_code(boost::system::errc::resource_unavailable_try_again,
                                   boost::system::generic_category());
}

Ticked classify(const core::LearnerState& before, const core::LearnerState& after) {
  if (!before.profile.paused && after.profile.paused) return Ticked::paused;
  if (after.push.reminders > before.push.reminders) return Ticked::nudged;
  if (after.push.awaiting_since != core::Time{} &&
      after.push.awaiting_since != before.push.awaiting_since) {
    return Ticked::pushed;
  }
  return Ticked::nothing;
}

const char* tick_name(Ticked t) {
  switch (t) {
    case Ticked::pushed:
      return "pushed";
    case Ticked::nudged:
      return "nudged";
    case Ticked::paused:
      return "paused";
    case Ticked::nothing:
      return "nothing";
    case Ticked::not_due:
      return "not_due";
    case Ticked::duplicate:
      return "duplicate";
    case Ticked::missing:
      return "missing";
  }
  return "other";
}

}  // namespace

Engine::Engine(const core::Catalog& catalog, store::LearnerStore& store, core::NowFn now,
               core::ScheduleDefaults schedule)
    : catalog_(catalog), store_(store), now_(std::move(now)), schedule_(std::move(schedule)) {}

boost::asio::awaitable<boost::system::result<Handled>> Engine::handle(core::Inbound event) {
  auto& metrics = metrics::Registry::global();
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto loaded = co_await store_.load(event.learner);
    if (!loaded) co_return loaded.error();
    const core::Time now = now_();
    const core::LearnerState current =
        loaded->state ? *loaded->state : core::new_learner(event, now);
    core::Decision decision = core::step(catalog_, current, event, now, schedule_);
    store::Commit commit =
        make_commit(event.learner, loaded->version, std::move(decision), event.event_id);
    auto status = co_await store_.commit(commit);
    if (!status) co_return status.error();
    switch (*status) {
      case store::CommitStatus::committed:
        co_return Handled::applied;
      case store::CommitStatus::duplicate:
        metrics.inc(kDuplicateEvents);
        co_return Handled::duplicate;
      case store::CommitStatus::conflict:
        count_conflict(event.learner, attempt);
        break;
    }
  }
  co_return gave_up(event.learner);
}

boost::asio::awaitable<boost::system::result<Ticked>> Engine::tick(std::string learner) {
  auto& metrics = metrics::Registry::global();
  auto count = [&](Ticked t) {
    metrics.inc(kScheduledPushes, {tick_name(t)});
    return t;
  };
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto loaded = co_await store_.load(learner);
    if (!loaded) co_return loaded.error();
    if (!loaded->state) {
      auto removed = co_await store_.unschedule_if_missing(learner);
      if (!removed) co_return removed.error();
      co_return count(Ticked::missing);
    }
    const core::Time now = now_();
    const core::LearnerState& current = *loaded->state;
    const core::Time due = current.push.next_due;
    const bool is_due = due != core::Time{} && due <= now;

    core::Inbound event;
    event.kind = core::Inbound::Kind::tick;
    event.learner = learner;
    // Only a due push is remembered by id: a stale claim must not use up the id of a push
    // that is still to come.
    if (is_due) event.event_id = core::tick_event_id(learner, due);
    core::Decision decision = core::step(catalog_, current, event, now, schedule_);
    const Ticked outcome = is_due ? classify(current, decision.state) : Ticked::not_due;
    // Committed even when nothing changed: the commit puts the schedule entry back to the
    // state's due time (the claim had moved it to the end of the lease).
    store::Commit commit =
        make_commit(learner, loaded->version, std::move(decision), event.event_id);
    auto status = co_await store_.commit(commit);
    if (!status) co_return status.error();
    switch (*status) {
      case store::CommitStatus::committed:
        co_return count(outcome);
      case store::CommitStatus::duplicate:
        co_return count(Ticked::duplicate);
      case store::CommitStatus::conflict:
        count_conflict(learner, attempt);
        break;
    }
  }
  co_return gave_up(learner);
}

boost::asio::awaitable<boost::system::result<Handled>> Engine::mark_unreachable(
    core::Outbound undelivered) {
  core::Inbound blocked;
  blocked.kind = core::Inbound::Kind::blocked;
  blocked.learner = std::move(undelivered.learner);
  blocked.event_id = "unreachable:" + undelivered.key;
  co_return co_await handle(std::move(blocked));
}

}  // namespace mc::engine
