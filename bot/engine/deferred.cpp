#include "bot/engine/deferred.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <random>
#include <set>

#include "bot/metrics/metrics.hpp"

namespace mc::engine {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

constexpr metrics::Counter kDeferred{
    "microcourse_deferred_total",
    "Deferred events (accepted, not yet handled) by what became of them: kept, retried, "
    "applied, gave_up, lost",
    {"outcome"}};

void count(const char* outcome) { metrics::Registry::global().inc(kDeferred, {outcome}); }

std::string random_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return "deferred:" + std::to_string(rng());
}

}  // namespace

struct Deferred::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, Engine& e, store::DeferredStore& s, DeferredConfig c,
       core::NowFn n)
      : executor(std::move(ex)), engine(e), store(s), config(c), now(std::move(n)) {}

  asio::any_io_executor executor;
  Engine& engine;
  store::DeferredStore& store;
  DeferredConfig config;
  core::NowFn now;
  std::map<std::string, FollowUp> follow_ups;
  bool stopping = false;
  std::set<asio::steady_timer*> waiting;  ///< cancelled by stop()

  /// Sleeps `d` unless stop() comes first; false when stopping.
  asio::awaitable<bool> sleep(milliseconds d) {
    asio::steady_timer timer(executor, d);
    waiting.insert(&timer);
    (void)co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    waiting.erase(&timer);
    co_return !stopping;
  }

  milliseconds backoff(int attempt) const {
    milliseconds d = config.retry_first;
    for (int i = 1; i < attempt && d < config.retry_max; ++i) d *= 2;
    return std::min(d, config.retry_max);
  }

  bool expired(const store::DeferredEntry& entry) const {
    return now() - entry.accepted >= config.give_up_after;
  }

  asio::awaitable<void> follow_up(const store::DeferredEntry& entry, DeferredOutcome outcome) {
    auto it = follow_ups.find(entry.follow_up);
    if (it == follow_ups.end()) {
      spdlog::warn("deferred: no follow-up named '{}' (entry {})", entry.follow_up, entry.id);
      co_return;
    }
    co_await it->second(entry, outcome);
  }

  /// Puts the entry in Redis, retrying while Redis cannot be reached.
  static asio::awaitable<void> hand_over(std::shared_ptr<Impl> self, store::DeferredEntry entry) {
    // Redis is usually back within seconds (a restart, a failover): look often, at first.
    milliseconds delay{100};
    while (!self->stopping) {
      auto put = co_await self->store.put(entry, self->now() + self->config.retry_first);
      if (put) {
        count("kept");
        spdlog::info("deferred: {} of {} kept in Redis, to be handled by any instance", entry.id,
                     entry.event.learner);
        co_return;
      }
      if (self->expired(entry)) {
        count("gave_up");
        spdlog::error("deferred: gave up on {} of {}: Redis unreachable for {} s", entry.id,
                      entry.event.learner, self->config.give_up_after.count() / 1000);
        co_await self->follow_up(entry, DeferredOutcome::gave_up);
        co_return;
      }
      if (!co_await self->sleep(delay)) break;
      delay = std::min(delay * 2, milliseconds{2'000});
    }
    count("lost");
    spdlog::error("deferred: shutting down before Redis answered: {} of {} is lost", entry.id,
                  entry.event.learner);
  }

  /// Handles one claimed entry: applied -> follow-up and remove; failed -> again later, or
  /// given up when it is too old.
  asio::awaitable<bool> handle(store::DeferredEntry entry) {
    auto handled = co_await engine.handle(entry.event);
    if (!handled && !expired(entry)) {
      ++entry.attempt;
      count("retried");
      spdlog::warn("deferred: {} of {} failed again ({}), attempt {}", entry.id,
                   entry.event.learner, handled.error().message(), entry.attempt);
      // If this fails too, the lease brings the entry back, only later.
      (void)co_await store.put(entry, now() + backoff(entry.attempt));
      co_return false;
    }
    const DeferredOutcome outcome = handled ? DeferredOutcome::applied : DeferredOutcome::gave_up;
    count(handled ? "applied" : "gave_up");
    if (handled) {
      spdlog::info("deferred: {} of {} applied on attempt {}", entry.id, entry.event.learner,
                   entry.attempt + 1);
    } else {
      spdlog::error("deferred: gave up on {} of {} after {} attempts", entry.id,
                    entry.event.learner, entry.attempt + 1);
    }
    // Follow-up first, then remove: a crash in between repeats the follow-up, never loses it.
    co_await follow_up(entry, outcome);
    if (auto removed = co_await store.remove(entry); !removed) {
      spdlog::warn(
          "deferred: could not remove {} ({}); after its lease it is found handled and "
          "its follow-up runs again",
          entry.id, removed.error().message());
    }
    co_return true;
  }

  asio::awaitable<boost::system::result<int>> run_once() {
    auto claimed = co_await store.claim(now(), config.batch, config.lease);
    if (!claimed) co_return claimed.error();
    int finished = 0;
    for (store::DeferredEntry& entry : *claimed) {
      if (co_await handle(std::move(entry))) ++finished;
    }
    co_return finished;
  }
};

Deferred::Deferred(asio::any_io_executor executor, Engine& engine, store::DeferredStore& store,
                   DeferredConfig config, core::NowFn now)
    : impl_(std::make_shared<Impl>(std::move(executor), engine, store, config, std::move(now))) {}

Deferred::~Deferred() = default;

void Deferred::on_finished(std::string name, FollowUp follow_up) {
  impl_->follow_ups[std::move(name)] = std::move(follow_up);
}

void Deferred::submit(core::Inbound event, std::string follow_up, std::string data) {
  // An event without an id gets one, so handling it twice (a lost remove, a lease that ran
  // out) applies it once.
  if (event.event_id.empty()) event.event_id = random_id();
  store::DeferredEntry entry;
  entry.id = event.event_id;
  entry.event = std::move(event);
  entry.follow_up = std::move(follow_up);
  entry.data = std::move(data);
  entry.accepted = impl_->now();
  asio::co_spawn(impl_->executor, Impl::hand_over(impl_, std::move(entry)), asio::detached);
}

asio::awaitable<boost::system::result<int>> Deferred::run_once() { return impl_->run_once(); }

asio::awaitable<void> Deferred::run() {
  auto self = impl_;
  while (!self->stopping) {
    auto done = co_await self->run_once();
    if (!done) {
      spdlog::debug("deferred: claim failed: {}", done.error().message());
    } else if (*done >= self->config.batch) {
      continue;  // there may be more due right now
    }
    if (!co_await self->sleep(self->config.interval)) break;
  }
}

void Deferred::stop() {
  impl_->stopping = true;
  for (asio::steady_timer* timer : impl_->waiting) timer->cancel();
}

}  // namespace mc::engine
