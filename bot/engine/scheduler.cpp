#include "bot/engine/scheduler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <string>
#include <vector>

#include "bot/metrics/metrics.hpp"

namespace mc::engine {

namespace asio = boost::asio;

namespace {

constexpr metrics::Counter kClaimed{"microcourse_scheduler_claimed_total",
                                    "Due learners claimed from the schedule"};

}  // namespace

struct Scheduler::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, store::ScheduleStore& s, Engine& e, SchedulerConfig c,
       core::NowFn n)
      : executor(ex), store(s), engine(e), config(c), now(std::move(n)), wake(ex) {
    config.batch = std::max(1, config.batch);
    config.concurrency = std::max(1, config.concurrency);
  }

  asio::any_io_executor executor;
  store::ScheduleStore& store;
  Engine& engine;
  SchedulerConfig config;
  core::NowFn now;
  asio::steady_timer wake;  // the wait between passes; cancelled by stop()
  bool stopping = false;
  int in_flight = 0;

  // The learners of one pass, shared by its workers.
  struct Pass {
    explicit Pass(asio::any_io_executor ex) : done(ex, asio::steady_timer::time_point::max()) {}
    std::vector<std::string> learners;
    std::size_t next = 0;
    int workers = 0;
    SchedulerPass result;
    asio::steady_timer done;  // cancelled when the last worker finishes
  };

  static asio::awaitable<void> worker(std::shared_ptr<Impl> self, std::shared_ptr<Pass> pass) {
    while (pass->next < pass->learners.size()) {
      const std::string& learner = pass->learners[pass->next++];
      ++self->in_flight;
      auto ticked = co_await self->engine.tick(learner);
      --self->in_flight;
      if (!ticked) {
        ++pass->result.failed;
        spdlog::warn("scheduler: push for {} failed ({}); it is due again after the lease", learner,
                     ticked.error().message());
        continue;
      }
      if (*ticked == Ticked::pushed || *ticked == Ticked::nudged || *ticked == Ticked::paused) {
        ++pass->result.pushed;
      }
    }
  }

  asio::awaitable<boost::system::result<SchedulerPass>> run_once() {
    auto claimed = co_await store.claim_due(now(), config.batch, config.lease);
    if (!claimed) co_return claimed.error();
    auto pass = std::make_shared<Pass>(executor);
    pass->learners = std::move(*claimed);
    pass->result.claimed = static_cast<int>(pass->learners.size());
    if (pass->learners.empty()) co_return pass->result;
    metrics::Registry::global().inc(kClaimed, {}, static_cast<double>(pass->learners.size()));

    // All on this executor (one thread): `next` and `workers` need no lock.
    pass->workers = std::min<int>(config.concurrency, static_cast<int>(pass->learners.size()));
    const int spawned = pass->workers;
    for (int i = 0; i < spawned; ++i) {
      asio::co_spawn(executor, worker(shared_from_this(), pass), [pass](std::exception_ptr e) {
        if (e) spdlog::error("scheduler: a worker stopped unexpectedly");
        if (--pass->workers == 0) pass->done.cancel();
      });
    }
    while (pass->workers > 0) {
      (void)co_await pass->done.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    co_return pass->result;
  }

  asio::awaitable<void> pause(std::chrono::milliseconds d) {
    if (stopping) co_return;
    wake.expires_after(d);
    (void)co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
  }

  asio::awaitable<void> run() {
    // At start-up the connection is still being made: wait for it instead of failing a claim.
    while (!stopping && !store.connected()) co_await pause(std::chrono::milliseconds(50));
    while (!stopping) {
      auto pass = co_await run_once();
      if (!pass) {
        spdlog::warn("scheduler: claiming due learners failed ({}), retrying",
                     pass.error().message());
        co_await pause(config.interval);
        continue;
      }
      if (pass->claimed > 0) {
        spdlog::debug("scheduler: {} due, {} pushed, {} failed", pass->claimed, pass->pushed,
                      pass->failed);
      }
      // A full batch means more may be due right now.
      if (pass->claimed < config.batch) co_await pause(config.interval);
    }
  }
};

Scheduler::Scheduler(asio::any_io_executor executor, store::ScheduleStore& store, Engine& engine,
                     SchedulerConfig config, core::NowFn now)
    : impl_(std::make_shared<Impl>(executor, store, engine, config, std::move(now))) {}

asio::awaitable<boost::system::result<SchedulerPass>> Scheduler::run_once() {
  co_return co_await impl_->run_once();
}

asio::awaitable<void> Scheduler::run() { co_await impl_->run(); }

void Scheduler::stop() {
  impl_->stopping = true;
  impl_->wake.cancel();
}

int Scheduler::in_flight() const { return impl_->in_flight; }

}  // namespace mc::engine
