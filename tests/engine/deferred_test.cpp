// Deferred work against a real redis-server: an event a platform won't send again is kept in
// Redis, handled by whichever instance claims it, and its follow-up runs once it went through
// or was given up.

#include "bot/engine/deferred.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "bot/core/course.hpp"
#include "bot/core/markup.hpp"
#include "bot/store/deferred_store.hpp"
#include "bot/store/keys.hpp"
#include "bot/store/learner_store.hpp"
#include "bot/store/redis_client.hpp"
#include "bot/store/redis_url.hpp"
#include "tests/store/async_test.hpp"
#include "tests/support/redis_server.hpp"

namespace mc::engine {
namespace {

using namespace std::chrono_literals;

core::Catalog one_course() {
  core::Course c;
  c.id = "basics";
  c.title = "Basics";
  c.summary = "One lesson.";
  c.steps.push_back(core::Lesson{"Lesson 1", core::parse_markdown("Hello."), 0});
  return core::Catalog({c});
}

core::Inbound start_command(const std::string& learner, const std::string& id) {
  core::Inbound e;
  e.kind = core::Inbound::Kind::command;
  e.name = "start";
  e.learner = learner;
  e.event_id = id;
  e.reply_to = core::Address{"console:local", learner};
  e.display_name = "Ada";
  return e;
}

/// One bot instance: its own connection, store, engine and deferred work, on the shared Redis
/// and the shared test clock.
struct Instance {
  Instance(boost::asio::io_context& ioc, const std::string& url, const core::Catalog& catalog,
           core::Time& clock, DeferredConfig config) {
    auto redis_config = store::parse_redis_url(url, nullptr).value();
    redis_config.reconnect_min = 10ms;
    redis_config.reconnect_max = 100ms;
    redis_config.command_timeout = 300ms;
    redis = std::make_unique<store::RedisClient>(ioc.get_executor(), redis_config);
    redis->start();
    store = std::make_unique<store::LearnerStore>(*redis);
    deferred_store = std::make_unique<store::DeferredStore>(*redis);
    auto now = [&clock] { return clock; };
    engine = std::make_unique<Engine>(catalog, *store, now);
    deferred =
        std::make_unique<Deferred>(ioc.get_executor(), *engine, *deferred_store, config, now);
    deferred->on_finished("test",
                          [this](const store::DeferredEntry& entry,
                                 DeferredOutcome outcome) -> boost::asio::awaitable<void> {
                            finished.emplace_back(entry.id, outcome);
                            data.push_back(entry.data);
                            co_return;
                          });
  }
  ~Instance() {
    deferred->stop();
    redis->stop();
  }

  std::unique_ptr<store::RedisClient> redis;
  std::unique_ptr<store::LearnerStore> store;
  std::unique_ptr<store::DeferredStore> deferred_store;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<Deferred> deferred;
  std::vector<std::pair<std::string, DeferredOutcome>> finished;
  std::vector<std::string> data;
};

class DeferredTest : public test::AsyncTest {
 protected:
  void SetUp() override { server_.emplace(test::RedisServerOptions().aof()); }
  void TearDown() override {
    instances_.clear();
    poll();
  }

  Instance& instance(DeferredConfig config = fast()) {
    instances_.push_back(
        std::make_unique<Instance>(ioc_, server_->url(), catalog_, clock_, config));
    Instance& i = *instances_.back();
    drive([&] { return i.redis->connected(); });
    return i;
  }

  static DeferredConfig fast() {
    DeferredConfig c;
    c.retry_first = 20ms;  // in-memory hand-over retries (real time); due times use the clock
    c.retry_max = 50ms;
    c.give_up_after = 60s;
    c.lease = 30s;
    return c;
  }

  long long kept(Instance& i) { return run(i.deferred_store->size()).value(); }
  bool learner_exists(Instance& i, const std::string& learner) {
    auto loaded = run(i.store->load(learner));
    return loaded && loaded->state.has_value();
  }

  std::optional<test::RedisServer> server_;
  core::Catalog catalog_ = one_course();
  core::Time clock_ = core::from_millis(1'700'000'000'000);
  std::vector<std::unique_ptr<Instance>> instances_;
};

TEST_F(DeferredTest, StoreKeepsClaimsLeasesAndRemovesEntries) {
  Instance& a = instance();
  store::DeferredEntry entry;
  entry.id = "slack:T1:cmd:42";
  entry.event = start_command("slack:T1:U1", "slack:T1:cmd:42");
  entry.event.text = "basics";
  entry.event.group = true;
  entry.follow_up = "test";
  entry.data = R"({"url":"https://hooks.slack.com/x"})";
  entry.accepted = clock_;
  entry.attempt = 2;
  ASSERT_TRUE(run(a.deferred_store->put(entry, clock_ + 5s)));
  EXPECT_EQ(kept(a), 1);

  // Not due yet.
  EXPECT_TRUE(run(a.deferred_store->claim(clock_ + 4s, 10, 30s)).value().empty());
  auto claimed = run(a.deferred_store->claim(clock_ + 5s, 10, 30s)).value();
  ASSERT_EQ(claimed.size(), 1u);
  const store::DeferredEntry& got = claimed[0];
  EXPECT_EQ(got.id, entry.id);
  EXPECT_EQ(got.event.kind, core::Inbound::Kind::command);
  EXPECT_EQ(got.event.name, "start");
  EXPECT_EQ(got.event.text, "basics");
  EXPECT_EQ(got.event.learner, entry.event.learner);
  EXPECT_EQ(got.event.event_id, entry.event.event_id);
  EXPECT_EQ(got.event.reply_to, entry.event.reply_to);
  EXPECT_EQ(got.event.display_name, "Ada");
  EXPECT_TRUE(got.event.group);
  EXPECT_EQ(got.follow_up, "test");
  EXPECT_EQ(got.data, entry.data);
  EXPECT_EQ(got.accepted, entry.accepted);
  EXPECT_EQ(got.attempt, 2);

  // Leased: nobody else gets it until the lease ends, then it comes back.
  EXPECT_TRUE(run(a.deferred_store->claim(clock_ + 20s, 10, 30s)).value().empty());
  EXPECT_EQ(run(a.deferred_store->claim(clock_ + 36s, 10, 30s)).value().size(), 1u);

  ASSERT_TRUE(run(a.deferred_store->remove(got)));
  EXPECT_EQ(kept(a), 0);
  EXPECT_TRUE(run(a.deferred_store->claim(clock_ + 1h, 10, 30s)).value().empty());
}

TEST_F(DeferredTest, AnUnreadableEntryIsDroppedNotClaimedForever) {
  Instance& a = instance();
  const int p = store::partition_of("console:zed");
  ASSERT_TRUE(
      run(a.redis->command({"HSET", store::deferred_data_key("mc", p), "bad", "{not json"})));
  ASSERT_TRUE(run(a.redis->command({"ZADD", store::deferred_key("mc", p), "0", "bad"})));
  EXPECT_EQ(kept(a), 1);
  EXPECT_TRUE(run(a.deferred_store->claim(clock_, 10, 30s)).value().empty());
  EXPECT_EQ(kept(a), 0);
  auto data = run(a.redis->command({"HLEN", store::deferred_data_key("mc", p)}));
  ASSERT_TRUE(data);
  EXPECT_EQ(data->integer, 0);
}

TEST_F(DeferredTest, SubmittedEventIsKeptThenAppliedWithItsFollowUp) {
  Instance& a = instance();
  a.deferred->submit(start_command("console:ada", "ev-1"), "test", "note me");
  drive([&] { return kept(a) == 1; });
  // Kept, not handled yet: due after retry_first.
  EXPECT_FALSE(learner_exists(a, "console:ada"));
  EXPECT_EQ(run(a.deferred->run_once()).value(), 0);

  clock_ += 1s;
  EXPECT_EQ(run(a.deferred->run_once()).value(), 1);
  EXPECT_TRUE(learner_exists(a, "console:ada"));
  ASSERT_EQ(a.finished.size(), 1u);
  EXPECT_EQ(a.finished[0].first, "ev-1");
  EXPECT_EQ(a.finished[0].second, DeferredOutcome::applied);
  EXPECT_EQ(a.data[0], "note me");
  EXPECT_EQ(kept(a), 0);
}

TEST_F(DeferredTest, AnotherInstanceFinishesWhatADeadOneKept) {
  {
    Instance& a = instance();
    a.deferred->submit(start_command("console:bo", "ev-2"), "test", "");
    drive([&] { return kept(a) == 1; });
    // a dies here: it never handles the entry.
    instances_.clear();
    poll();
  }
  Instance& b = instance();
  clock_ += 2s;
  EXPECT_EQ(run(b.deferred->run_once()).value(), 1);
  EXPECT_TRUE(learner_exists(b, "console:bo"));
  ASSERT_EQ(b.finished.size(), 1u);
  EXPECT_EQ(b.finished[0].second, DeferredOutcome::applied);
}

TEST_F(DeferredTest, AnEventHandledMeanwhileCountsAsApplied) {
  Instance& a = instance();
  core::Inbound event = start_command("console:cy", "ev-3");
  a.deferred->submit(event, "test", "");
  drive([&] { return kept(a) == 1; });
  // The original request's commit went through late: the deferred one is a duplicate.
  ASSERT_EQ(run(a.engine->handle(event)).value(), Handled::applied);
  clock_ += 1s;
  EXPECT_EQ(run(a.deferred->run_once()).value(), 1);
  ASSERT_EQ(a.finished.size(), 1u);
  EXPECT_EQ(a.finished[0].second, DeferredOutcome::applied);
  EXPECT_EQ(kept(a), 0);
}

TEST_F(DeferredTest, HandOverWaitsForRedisAndGivesUpWhenItNeverComes) {
  DeferredConfig config = fast();
  config.give_up_after = 10s;
  Instance& a = instance(config);
  server_->stop();
  a.deferred->submit(start_command("console:di", "ev-4"), "test", "");
  // Redis is away: the hand-over keeps trying in memory...
  for (int i = 0; i < 5; ++i) poll();
  EXPECT_TRUE(a.finished.empty());
  // ...until the learner has waited longer than give_up_after: then the follow-up says so.
  clock_ += 11s;
  drive([&] { return !a.finished.empty(); });
  EXPECT_EQ(a.finished[0].second, DeferredOutcome::gave_up);
}

TEST_F(DeferredTest, HandOverCompletesWhenRedisComesBack) {
  Instance& a = instance();
  server_->stop();
  a.deferred->submit(start_command("console:ed", "ev-5"), "test", "");
  for (int i = 0; i < 5; ++i) poll();
  server_->restart();
  drive([&] { return a.redis->connected(); });
  drive([&] { return kept(a) == 1; });
  clock_ += 1s;
  EXPECT_EQ(run(a.deferred->run_once()).value(), 1);
  EXPECT_TRUE(learner_exists(a, "console:ed"));
  ASSERT_EQ(a.finished.size(), 1u);
  EXPECT_EQ(a.finished[0].second, DeferredOutcome::applied);
}

}  // namespace
}  // namespace mc::engine
