#include "bot/engine/engine.hpp"

#include <spdlog/spdlog.h>

#include "bot/core/journey.hpp"
#include "bot/metrics/metrics.hpp"

namespace mc::engine {

namespace {
// Two presses of one learner at the same instant conflict at most a few times; a version that
// keeps moving beyond this means something is wrong, and the platform will retry the event.
constexpr int kMaxAttempts = 5;
}  // namespace

Engine::Engine(const core::Catalog& catalog, store::Store& store, NowFn now)
    : catalog_(catalog), store_(store), now_(std::move(now)) {}

boost::asio::awaitable<boost::system::result<Handled>> Engine::handle(const core::Inbound& event) {
  auto& metrics = metrics::Registry::global();
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto loaded = co_await store_.load(event.learner);
    if (!loaded) co_return loaded.error();
    const core::Time now = now_();
    const core::LearnerState current =
        loaded->state ? *loaded->state : core::new_learner(event, now);
    core::Decision decision = core::step(catalog_, current, event, now);

    store::Commit commit;
    commit.learner = event.learner;
    commit.expected_version = loaded->version;
    commit.state = std::move(decision.state);
    commit.out = std::move(decision.out);
    // A message with nowhere to go (a learner known only from a group chat) is dropped here
    // rather than parked in an outbox nobody reads.
    std::erase_if(commit.out, [&](const core::Outbound& m) {
      if (!m.to.route.empty()) return false;
      spdlog::warn("engine: dropping a {} message for {} without an address",
                   m.kind == core::Outbound::Kind::home ? "home" : "chat", event.learner);
      return true;
    });
    commit.event_id = event.event_id;
    auto status = co_await store_.commit(commit);
    if (!status) co_return status.error();
    switch (*status) {
      case store::CommitStatus::committed:
        co_return Handled::applied;
      case store::CommitStatus::duplicate:
        metrics.inc("microcourse_duplicate_events_total",
                    "Events delivered again by the platform and recognised by their id");
        co_return Handled::duplicate;
      case store::CommitStatus::conflict:
        metrics.inc("microcourse_commit_conflicts_total",
                    "Commits retried because the learner's state changed concurrently");
        spdlog::debug("engine: version conflict for {}, attempt {}", event.learner, attempt + 1);
        break;
    }
  }
  spdlog::warn("engine: gave up on {} after {} version conflicts", event.learner, kMaxAttempts);
  co_return boost::system::error_code(boost::system::errc::resource_unavailable_try_again,
                                      boost::system::generic_category());
}

}  // namespace mc::engine
