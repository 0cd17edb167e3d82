#pragma once

// Runs the scheduled pushes: claims due learners from the schedule (ScheduleStore::claim_due, a
// lease in Redis) and runs the engine's tick for each, a bounded number at a time. Several
// instances may run a scheduler on one Redis: a claim is atomic, a push claimed twice (an expired
// lease) is recognised by its tick id, and the commit's version check orders a push against the
// learner's own events, so a lesson is never pushed twice.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <memory>

#include "bot/engine/engine.hpp"
#include "bot/store/schedule_store.hpp"

namespace mc::engine {

struct SchedulerConfig {
  int batch = 1'000;     ///< learners claimed at once
  int concurrency = 64;  ///< ticks running at once (each is two Redis round trips)
  /// A claimed push whose tick is not committed within this is due again (a crashed instance's
  /// claims pass to the others after it).
  std::chrono::milliseconds lease{60'000};
  /// How often to look for due learners when none were due.
  std::chrono::milliseconds interval{1'000};
};

/// What one pass did.
struct SchedulerPass {
  int claimed = 0;  ///< learners claimed
  int pushed = 0;   ///< of which got a step pushed, a nudge, or the pause notice
  int failed = 0;   ///< ticks that could not reach the store (their claims expire and return)
};

class Scheduler {
 public:
  /// `now` is the clock of the schedule (tests and benchmarks inject theirs; give the engine
  /// the same one).
  Scheduler(boost::asio::any_io_executor executor, store::ScheduleStore& store, Engine& engine,
            SchedulerConfig config, core::NowFn now);

  /// One pass: claims up to `batch` due learners and runs their ticks, at most `concurrency`
  /// at a time; returns when all have finished. An error: the claim itself failed.
  boost::asio::awaitable<boost::system::result<SchedulerPass>> run_once();

  /// Passes until stop(): the next one at once while full batches come back, else after
  /// `interval`. A pass in progress finishes first.
  boost::asio::awaitable<void> run();
  void stop();

  /// Ticks running now (0 between passes).
  int in_flight() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mc::engine
