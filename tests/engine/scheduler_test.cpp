// The scheduler against a real redis-server with a clock the test sets: due learners are pushed
// once (also with two instances, and after a crashed instance's claims expire), not-due ones
// wait, and stale or orphaned schedule entries are repaired.

#include "bot/engine/scheduler.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <memory>

#include "bot/core/journey.hpp"
#include "tests/delivery/delivery_fixture.hpp"

namespace mc::engine {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

core::Time utc(int y, unsigned mo, unsigned d, int h, int mi) {
  auto day = date::sys_days{date::year{y} / date::month{mo} / date::day{d}};
  return core::Time{std::chrono::duration_cast<std::chrono::milliseconds>(
      day.time_since_epoch() + std::chrono::hours(h) + std::chrono::minutes(mi))};
}

const core::Time kT0 = utc(2024, 5, 10, 9, 30);  // a Friday, the default lesson time

class SchedulerTest : public test::DeliveryTest {
 protected:
  void SetUp() override {
    DeliveryTest::SetUp();
    engine_ = std::make_unique<engine::Engine>(catalog_, store_->learners, clock());
  }

  void TearDown() override {
    for (auto& s : running_) s.scheduler->stop();
    drive([&] {
      for (auto& s : running_) {
        if (!s.done) return false;
      }
      return true;
    });
    running_.clear();
    engines_.clear();
    engine_.reset();
    DeliveryTest::TearDown();
  }

  core::NowFn clock() {
    return [this] { return now_; };
  }

  std::string learner(int i) const { return "telegram:1:" + std::to_string(1000 + i); }
  core::Address address(int i) const { return {"telegram:1", std::to_string(1000 + i)}; }

  void seed_due(int count, core::Time due, int first = 0) {
    for (int i = first; i < first + count; ++i)
      seed(test::due_learner(learner(i), address(i), due));
  }

  SchedulerPass pass(Scheduler& s) {
    auto r = run(s.run_once());
    if (!r) throw std::runtime_error("run_once failed: " + r.error().message());
    return *r;
  }

  std::unique_ptr<Scheduler> make(SchedulerConfig config = {}, test::Stores* stores = nullptr,
                                  engine::Engine* engine = nullptr) {
    return std::make_unique<Scheduler>(ioc_.get_executor(),
                                       stores ? stores->schedule : store_->schedule,
                                       engine ? *engine : *engine_, config, clock());
  }

  struct Running {
    std::unique_ptr<Scheduler> scheduler;
    bool done = false;
  };
  void start(std::unique_ptr<Scheduler> s) {
    running_.push_back(Running{std::move(s)});
    Running& r = running_.back();
    asio::co_spawn(ioc_, r.scheduler->run(), [this, i = running_.size() - 1](std::exception_ptr) {
      running_[i].done = true;
    });
  }

  core::Catalog catalog_ = test::delivery_catalog();
  core::Time now_ = kT0;
  std::unique_ptr<engine::Engine> engine_;
  std::vector<std::unique_ptr<engine::Engine>> engines_;
  std::deque<Running> running_;
};

TEST_F(SchedulerTest, PushesEveryDueLearnerOnceAndPlansTheirNextPush) {
  seed_due(50, kT0 - 1h);
  auto scheduler = make();
  SchedulerPass first = pass(*scheduler);
  EXPECT_EQ(first.claimed, 50);
  EXPECT_EQ(first.pushed, 50);
  EXPECT_EQ(first.failed, 0);
  EXPECT_EQ(outbox_length(), 50);
  for (int i = 0; i < 50; ++i) {
    SCOPED_TRACE(learner(i));
    auto state = load(learner(i));
    ASSERT_TRUE(state);
    EXPECT_EQ(state->push.awaiting_since, kT0);
    EXPECT_EQ(state->push.next_due, kT0 + 3h);  // the first reminder
    EXPECT_EQ(scheduled(learner(i)), core::to_millis(kT0 + 3h));
  }
  EXPECT_EQ(pass(*scheduler).claimed, 0);
  EXPECT_EQ(outbox_length(), 50);
}

TEST_F(SchedulerTest, LearnersAreClaimedOnlyWhenDue) {
  seed_due(1, kT0 + 1h);
  auto scheduler = make();
  EXPECT_EQ(pass(*scheduler).claimed, 0);
  now_ = kT0 + 1h - 1ms;
  EXPECT_EQ(pass(*scheduler).claimed, 0);
  now_ = kT0 + 1h;
  SchedulerPass due = pass(*scheduler);
  EXPECT_EQ(due.claimed, 1);
  EXPECT_EQ(due.pushed, 1);
}

TEST_F(SchedulerTest, RunTakesEveryoneInBatchesUntilStopped) {
  seed_due(25, kT0 - 1min);
  SchedulerConfig config;
  config.batch = 10;
  config.concurrency = 3;
  config.interval = 20ms;
  start(make(config));
  drive([&] { return outbox_length() == 25; });
  running_.back().scheduler->stop();
  drive([&] { return running_.back().done; });
  EXPECT_EQ(outbox_length(), 25);
}

TEST_F(SchedulerTest, TwoInstancesOnOneRedisNeverPushTheSameLessonTwice) {
  constexpr int kLearners = 300;
  seed_due(kLearners, kT0 - 5min);
  SchedulerConfig config;
  config.batch = 20;
  config.concurrency = 8;
  config.interval = 20ms;
  test::Stores& other_store = another_instance();
  engines_.push_back(std::make_unique<engine::Engine>(catalog_, other_store.learners, clock()));
  start(make(config));
  start(make(config, &other_store, engines_.back().get()));
  drive([&] { return outbox_length() >= kLearners; });
  // Let both look again: nothing is due any more.
  auto a = pass(*running_[0].scheduler);
  auto b = pass(*running_[1].scheduler);
  EXPECT_EQ(a.claimed + b.claimed, 0);
  EXPECT_EQ(outbox_length(), kLearners);
  for (int i = 0; i < kLearners; ++i) {
    auto state = load(learner(i));
    ASSERT_TRUE(state);
    EXPECT_EQ(state->push.awaiting_since, kT0) << learner(i);
  }
}

TEST_F(SchedulerTest, ClaimsOfACrashedInstanceArePushedOnceTheLeaseEnds) {
  seed_due(20, kT0 - 1min);
  // An instance claimed them (leased for a minute) and died before pushing.
  auto claimed = run(store_->schedule.claim_due(kT0, 100, 60s));
  ASSERT_TRUE(claimed);
  ASSERT_EQ(claimed->size(), 20u);
  SchedulerConfig config;
  config.lease = 60s;
  auto scheduler = make(config);
  EXPECT_EQ(pass(*scheduler).claimed, 0);
  now_ = kT0 + 60s;
  SchedulerPass after = pass(*scheduler);
  EXPECT_EQ(after.claimed, 20);
  EXPECT_EQ(after.pushed, 20);
  EXPECT_EQ(outbox_length(), 20);
}

TEST_F(SchedulerTest, APushRunTwiceAtOnceIsMadeOnce) {
  seed_due(1, kT0 - 1min);
  // Two instances that both believe they own the claim run the same push concurrently.
  test::Stores& other_store = another_instance();
  engine::Engine other(catalog_, other_store.learners, clock());
  std::vector<engine::Ticked> outcomes;
  for (engine::Engine* e : {engine_.get(), &other}) {
    asio::co_spawn(ioc_, e->tick(learner(0)),
                   [&](std::exception_ptr, boost::system::result<engine::Ticked> r) {
                     ASSERT_TRUE(r);
                     outcomes.push_back(*r);
                   });
  }
  drive([&] { return outcomes.size() == 2; });
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), engine::Ticked::pushed), 1);
  EXPECT_EQ(outbox_length(), 1);
  // And once more later, as after an expired lease: not due, nothing sent.
  auto again = run(engine_->tick(learner(0)));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, engine::Ticked::not_due);
  EXPECT_EQ(outbox_length(), 1);
}

TEST_F(SchedulerTest, AfterALongOutageEachLearnerGetsOneCatchUpPush) {
  seed_due(10, kT0);
  now_ = kT0 + 9 * 24h + 5h;  // nine days later, 14:30 UTC
  auto scheduler = make();
  SchedulerPass catch_up = pass(*scheduler);
  EXPECT_EQ(catch_up.pushed, 10);
  EXPECT_EQ(outbox_length(), 10);  // one each, not one per missed day
  auto state = load(learner(0));
  ASSERT_TRUE(state);
  EXPECT_EQ(state->push.next_due, now_ + 3h);  // planned from now
  EXPECT_EQ(pass(*scheduler).claimed, 0);
}

TEST_F(SchedulerTest, AStaleEntryIsPutBackToTheStatesDueTime) {
  seed_due(1, kT0 + 5h);
  // The schedule says due now, the state says later (e.g. an old claim's lease).
  raw({"ZADD", store::due_key("mc", store::partition_of(learner(0))),
       std::to_string(core::to_millis(kT0 - 1h)), learner(0)});
  auto scheduler = make();
  SchedulerPass p = pass(*scheduler);
  EXPECT_EQ(p.claimed, 1);
  EXPECT_EQ(p.pushed, 0);
  EXPECT_EQ(outbox_length(), 0);
  EXPECT_EQ(scheduled(learner(0)), core::to_millis(kT0 + 5h));
}

TEST_F(SchedulerTest, AnOrphanedEntryIsRemoved) {
  const std::string ghost = "telegram:1:ghost";
  raw({"ZADD", store::due_key("mc", store::partition_of(ghost)),
       std::to_string(core::to_millis(kT0 - 1h)), ghost});
  auto scheduler = make();
  EXPECT_EQ(pass(*scheduler).claimed, 1);
  EXPECT_FALSE(scheduled(ghost));
  EXPECT_FALSE(load(ghost)) << "a learner was created for a schedule entry";
}

TEST_F(SchedulerTest, PausedAndBlockedLearnersAreTakenOffTheSchedule) {
  auto paused = test::due_learner(learner(0), address(0), kT0 - 1min);
  paused.profile.paused = true;
  auto blocked = test::due_learner(learner(1), address(1), kT0 - 1min);
  blocked.profile.blocked = true;
  seed(paused);
  seed(blocked);
  auto scheduler = make();
  SchedulerPass p = pass(*scheduler);
  EXPECT_EQ(p.claimed, 2);
  EXPECT_EQ(p.pushed, 0);
  EXPECT_EQ(outbox_length(), 0);
  EXPECT_FALSE(scheduled(learner(0)));
  EXPECT_FALSE(scheduled(learner(1)));
}

TEST_F(SchedulerTest, EngineCommitsTheDecidedDueTimeForLearnerEvents) {
  // /pause takes a learner off the schedule at once, /resume puts them back.
  seed_due(1, kT0 + 1h);
  core::Inbound pause;
  pause.kind = core::Inbound::Kind::command;
  pause.name = "pause";
  pause.learner = learner(0);
  pause.reply_to = address(0);
  pause.event_id = "e1";
  ASSERT_TRUE(run(engine_->handle(pause)));
  EXPECT_FALSE(scheduled(learner(0)));
  core::Inbound resume = pause;
  resume.name = "resume";
  resume.event_id = "e2";
  ASSERT_TRUE(run(engine_->handle(resume)));
  EXPECT_EQ(scheduled(learner(0)), core::to_millis(utc(2024, 5, 11, 9, 30)));
}

}  // namespace
}  // namespace mc::engine
