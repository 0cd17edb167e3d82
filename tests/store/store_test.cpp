#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bot/metrics/metrics.hpp"
#include "bot/store/keys.hpp"
#include "bot/store/learner_store.hpp"
#include "bot/store/outbox_store.hpp"
#include "bot/store/redis_url.hpp"
#include "bot/store/schedule_store.hpp"
#include "bot/store/scripts.hpp"
#include "tests/store/async_test.hpp"
#include "tests/store/stores.hpp"
#include "tests/support/redis_server.hpp"

namespace mc::store {
namespace {

using namespace std::chrono_literals;
using boost::system::result;

const core::Time kT0 = core::from_millis(1'700'000'000'000);

core::LearnerState learner_state(const std::string& id, int step) {
  core::LearnerState s;
  s.id = id;
  s.display_name = "Ada Lovelace";
  s.address = {"console:local", "ada"};
  s.focus = "git-basics";
  core::Enrollment e;
  e.course = "git-basics";
  e.step = step;
  e.answered = step;
  e.correct = step / 2;
  e.missed = {"q1", "q3"};
  e.started = kT0;
  s.enrollments.push_back(e);
  s.profile.time_zone = "Europe/Berlin";
  s.profile.lesson_minute = 8 * 60;
  s.push.next_due = kT0 + 24h;
  s.created = kT0;
  s.last_seen = kT0 + 5min;
  return s;
}

core::Outbound message(const std::string& learner, const std::string& text,
                       const std::string& key) {
  core::Outbound m;
  m.learner = learner;
  m.to = {"console:local", "ada"};
  m.body = {core::paragraph(text)};
  m.keyboard = {{{"Next", "n:1"}, {"Stop", "s"}}};
  m.key = key;
  return m;
}

Commit commit_of(const std::string& learner, std::uint64_t version, int step,
                 std::vector<core::Outbound> out = {}, std::string event_id = {},
                 std::optional<core::Time> due = std::nullopt) {
  Commit c;
  c.learner = learner;
  c.expected_version = version;
  c.state = learner_state(learner, step);
  c.out = std::move(out);
  c.event_id = std::move(event_id);
  c.due = due;
  return c;
}

class StoreTest : public test::AsyncTest {
 protected:
  void SetUp() override {
    server_.emplace();
    redis_ = connect();
    store_ = std::make_unique<test::Stores>(*redis_);
  }

  void TearDown() override {
    stores_.clear();
    store_.reset();
    clients_.clear();
    reader_.reset();
    redis_.reset();
    poll();
  }

  RedisConfig config_for(const test::RedisServer& server) {
    auto config = parse_redis_url(server.url(), nullptr).value();
    config.reconnect_min = 10ms;
    config.reconnect_max = 200ms;
    config.health_interval = 200ms;
    config.metrics = &metrics_;
    return config;
  }

  std::unique_ptr<RedisClient> connect(const test::RedisServer* server = nullptr) {
    auto c =
        std::make_unique<RedisClient>(ioc_.get_executor(), config_for(server ? *server : *server_));
    c->start();
    drive([&] { return c->connected(); });
    return c;
  }

  /// Stores on their own connection: another bot instance.
  test::Stores& another_instance() {
    clients_.push_back(connect());
    stores_.push_back(std::make_unique<test::Stores>(*clients_.back()));
    return *stores_.back();
  }

  Reply raw(std::vector<std::string> args) {
    auto r = run(redis_->command(std::move(args)));
    if (!r) throw std::runtime_error("raw command failed: " + r.error().message());
    return std::move(*r);
  }

  long long outbox_length(const std::string& learner) {
    return raw({"XLEN", outbox_key("mc", partition_of(learner), "console")}).integer;
  }

  CommitStatus commit(LearnerStore& store, const Commit& c) {
    auto r = run(store.commit(c));
    if (!r) throw std::runtime_error("commit failed: " + r.error().message());
    return *r;
  }
  CommitStatus commit(const Commit& c) { return commit(store_->learners, c); }

  std::vector<OutboxEntry> read(const std::string& consumer, int count = 10,
                                std::chrono::milliseconds block = 0ms) {
    auto r = run(store_->outbox.read_outbox(consumer, count, block));
    if (!r) throw std::runtime_error("read_outbox failed: " + r.error().message());
    return std::move(*r);
  }

  metrics::Registry metrics_;
  std::optional<test::RedisServer> server_;
  std::unique_ptr<RedisClient> redis_;
  std::unique_ptr<RedisClient> reader_;
  std::unique_ptr<test::Stores> store_;
  std::vector<std::unique_ptr<RedisClient>> clients_;
  std::vector<std::unique_ptr<test::Stores>> stores_;
};

TEST(StoreKeys, PartitionIsFnv1aOfTheLearnerId) {
  struct Case {
    std::string learner;
    int partition;
  };
  // FNV-1a 32: "a" -> 0xe40c292c, "telegram:1:42" -> 0x731c7de9, "" -> 0x811c9dc5.
  const Case cases[] = {{"a", 12}, {"telegram:1:42", 9}, {"slack:T1:U1", 8}, {"", 5}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.learner);
    EXPECT_EQ(partition_of(c.learner), c.partition);
  }
  EXPECT_EQ(partition_tag("a"), "{p12}");
  EXPECT_EQ(partition_tag("slack:T1:U1"), "{p08}");
  EXPECT_EQ(learner_key("mc", "a"), "mc:{p12}:learner:a");
  EXPECT_EQ(seen_key("mc", "a", "tg:7"), "mc:{p12}:seen:tg:7");
  EXPECT_EQ(outbox_key("mc", 3, "telegram"), "mc:{p03}:outbox:telegram");
  EXPECT_EQ(platform_of_route("slack:T1"), "slack");
  EXPECT_EQ(platform_of_route(""), "none");
  EXPECT_EQ(due_key("mc", 15), "mc:{p15}:due");
  EXPECT_EQ(dead_key("mc", 0), "mc:{p00}:dead");
}

TEST_F(StoreTest, LoadOfANewLearnerIsEmpty) {
  auto loaded = run(store_->learners.load("console:nobody"));
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_FALSE(loaded->state.has_value());
  EXPECT_EQ(loaded->version, 0u);
  EXPECT_TRUE(store_->learners.connected());
}

TEST_F(StoreTest, CommitWritesStateOutboxEventAndSchedule) {
  const std::string id = "telegram:1:42";
  auto c = commit_of(id, 0, 3, {message(id, "Lesson 1", "e1#0"), message(id, "Quiz", "e1#1")},
                     "tg:1001", kT0 + 1h);
  EXPECT_EQ(commit(c), CommitStatus::committed);

  auto loaded = run(store_->learners.load(id));
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->version, 1u);
  ASSERT_TRUE(loaded->state);
  EXPECT_EQ(*loaded->state, c.state);
  EXPECT_EQ(outbox_length(id), 2);
  EXPECT_EQ(raw({"EXISTS", seen_key("mc", id, "tg:1001")}).integer, 1);
  auto ttl = raw({"TTL", seen_key("mc", id, "tg:1001")}).integer;
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 7 * 24 * 3600);
  EXPECT_EQ(raw({"ZSCORE", due_key("mc", partition_of(id)), id}).str,
            std::to_string(core::to_millis(kT0 + 1h)));

  // The next commit builds on version 1; no event id means nothing is remembered.
  EXPECT_EQ(commit(commit_of(id, 1, 4)), CommitStatus::committed);
  loaded = run(store_->learners.load(id));
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->version, 2u);
  EXPECT_EQ(loaded->state->enrollments[0].step, 4);
}

TEST_F(StoreTest, DuplicateEventWritesNothing) {
  const std::string id = "slack:T1:U1";
  EXPECT_EQ(commit(commit_of(id, 0, 1, {message(id, "hello", "ev#0")}, "slack:Ev1")),
            CommitStatus::committed);
  // The platform retries the same event (even with a fresh version): nothing changes.
  EXPECT_EQ(commit(commit_of(id, 1, 2, {message(id, "hello again", "ev#0")}, "slack:Ev1", kT0)),
            CommitStatus::duplicate);

  auto loaded = run(store_->learners.load(id));
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->version, 1u);
  EXPECT_EQ(loaded->state->enrollments[0].step, 1);
  EXPECT_EQ(outbox_length(id), 1);
  EXPECT_EQ(raw({"ZCARD", due_key("mc", partition_of(id))}).integer, 0);
}

TEST_F(StoreTest, StaleVersionConflictsAndWritesNothing) {
  const std::string id = "console:ada";
  EXPECT_EQ(commit(commit_of(id, 0, 1, {message(id, "one", "a#0")}, "c:1")),
            CommitStatus::committed);
  EXPECT_EQ(commit(commit_of(id, 0, 7, {message(id, "stale", "b#0")}, "c:2", kT0)),
            CommitStatus::conflict);

  auto loaded = run(store_->learners.load(id));
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->version, 1u);
  EXPECT_EQ(loaded->state->enrollments[0].step, 1);
  EXPECT_EQ(outbox_length(id), 1);
  EXPECT_EQ(raw({"EXISTS", seen_key("mc", id, "c:2")}).integer, 0);
  EXPECT_EQ(raw({"ZCARD", due_key("mc", partition_of(id))}).integer, 0);
}

TEST_F(StoreTest, ConcurrentCommitsFromTheSameVersionOneWins) {
  const std::string id = "telegram:1:7";
  test::Stores& other = another_instance();
  auto a = run(store_->learners.load(id));
  auto b = run(other.learners.load(id));
  ASSERT_TRUE(a && b);
  ASSERT_EQ(a->version, b->version);

  // A double click: two instances decide from the same state and commit at the same time.
  std::vector<CommitStatus> statuses;
  auto c1 = commit_of(id, a->version, 1, {message(id, "first", "x#0")}, "tg:1");
  auto c2 = commit_of(id, b->version, 1, {message(id, "second", "y#0")}, "tg:2");
  auto spawn = [&](LearnerStore& store, const Commit& c) {
    boost::asio::co_spawn(ioc_, store.commit(c), [&](std::exception_ptr, result<CommitStatus> r) {
      statuses.push_back(r ? *r : CommitStatus::duplicate);
    });
  };
  spawn(store_->learners, c1);
  spawn(other.learners, c2);
  drive([&] { return statuses.size() == 2; });

  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), CommitStatus::committed), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), CommitStatus::conflict), 1);
  EXPECT_EQ(outbox_length(id), 1);
  auto loaded = run(store_->learners.load(id));
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->version, 1u);
}

TEST_F(StoreTest, CommitDueSetsLeavesOrRemovesTheSchedule) {
  const std::string id = "console:bob";
  const std::string due = due_key("mc", partition_of(id));
  ASSERT_EQ(commit(commit_of(id, 0, 1, {}, {}, kT0 + 2h)), CommitStatus::committed);
  EXPECT_EQ(raw({"ZSCORE", due, id}).str, std::to_string(core::to_millis(kT0 + 2h)));
  ASSERT_EQ(commit(commit_of(id, 1, 2, {}, {}, std::nullopt)), CommitStatus::committed);
  EXPECT_EQ(raw({"ZSCORE", due, id}).str, std::to_string(core::to_millis(kT0 + 2h)));
  ASSERT_EQ(commit(commit_of(id, 2, 3, {}, {}, core::Time{})), CommitStatus::committed);
  EXPECT_TRUE(raw({"ZSCORE", due, id}).is_nil());
}

TEST_F(StoreTest, CorruptStateIsAnErrorNotACrash) {
  const std::string id = "console:broken";
  raw({"HSET", learner_key("mc", id), "state", "{not json", "v", "3"});
  auto loaded = run(store_->learners.load(id));
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error(), make_error_code(Errc::bad_data));

  raw({"HSET", learner_key("mc", id), "state", "[1,2,3]"});
  loaded = run(store_->learners.load(id));
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error(), make_error_code(Errc::bad_data));
}

TEST_F(StoreTest, StateSurvivesARedisRestartWithAof) {
  test::RedisServer durable(test::RedisServerOptions().aof());
  auto client = connect(&durable);
  LearnerStore store(*client);
  const std::string id = "telegram:9:9";
  auto c = commit_of(id, 0, 5, {message(id, "kept", "k#0")}, "tg:9", kT0);
  auto status = run(store.commit(c));
  ASSERT_TRUE(status);
  ASSERT_EQ(*status, CommitStatus::committed);

  durable.kill();  // a crash: with appendfsync always the acknowledged commit is on disk
  drive([&] { return !client->connected(); });
  durable.restart();
  drive([&] { return client->connected(); });

  auto loaded = run(store.load(id));
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(loaded->version, 1u);
  ASSERT_TRUE(loaded->state);
  EXPECT_EQ(*loaded->state, c.state);
  auto again = run(store.commit(c));  // the event id survived too
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, CommitStatus::duplicate);
  client.reset();
  poll();
}

TEST_F(StoreTest, NoscriptFallsBackToEval) {
  ASSERT_TRUE(run(load_scripts(*redis_)));
  raw({"SCRIPT", "FLUSH"});
  const std::string id = "console:eve";
  EXPECT_EQ(commit(commit_of(id, 0, 1)), CommitStatus::committed);
  EXPECT_EQ(commit(commit_of(id, 1, 2)), CommitStatus::committed);
  auto loaded = run(store_->learners.load(id));
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->version, 2u);
}

// --- outbox ----------------------------------------------------------------------------------

TEST_F(StoreTest, ReadThenAck) {
  ASSERT_TRUE(run(store_->outbox.ensure_groups()));
  ASSERT_TRUE(run(store_->outbox.ensure_groups()));  // idempotent (BUSYGROUP)
  const std::string id = "telegram:1:42";
  auto m1 = message(id, "Lesson 1", "e#0");
  auto m2 = message(id, "Quiz", "e#1");
  ASSERT_EQ(commit(commit_of(id, 0, 1, {m1, m2}, "e")), CommitStatus::committed);

  auto entries = read("sender-a");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].message, m1);
  EXPECT_EQ(entries[1].message, m2);
  for (const auto& e : entries) {
    EXPECT_EQ(e.partition, partition_of(id));
    EXPECT_EQ(e.attempt, 0);
    EXPECT_EQ(e.parts_done, 0);
    EXPECT_EQ(core::to_millis(e.not_before), 0);
    EXPECT_FALSE(e.raw.empty());
  }
  EXPECT_TRUE(read("sender-a").empty());  // delivered once

  for (const auto& e : entries) ASSERT_TRUE(run(store_->outbox.ack(e)));
  EXPECT_EQ(outbox_length(id), 0);
  auto pending = raw({"XPENDING", outbox_key("mc", partition_of(id), "console"), "senders"});
  EXPECT_EQ(pending.elements.at(0).integer, 0);
}

TEST_F(StoreTest, ReadCreatesMissingGroups) {
  // No ensure_groups(): the first read creates them (as after a Redis without persistence).
  EXPECT_TRUE(read("sender-a").empty());
  const std::string id = "console:ann";
  ASSERT_EQ(commit(commit_of(id, 0, 1, {message(id, "hi", "h#0")})), CommitStatus::committed);
  EXPECT_EQ(read("sender-a").size(), 1u);
}

TEST_F(StoreTest, RetryIncrementsAttemptAndKeepsTheMessage) {
  ASSERT_TRUE(run(store_->outbox.ensure_groups()));
  const std::string id = "slack:T1:U2";
  auto m = message(id, "long lesson", "r#0");
  ASSERT_EQ(commit(commit_of(id, 0, 1, {m})), CommitStatus::committed);
  auto first = read("a");
  ASSERT_EQ(first.size(), 1u);

  const core::Time later = kT0 + 30s;
  ASSERT_TRUE(run(store_->outbox.retry(first[0], later, 2)));
  EXPECT_EQ(outbox_length(id), 1);  // the old entry is gone, the copy is there

  auto second = read("a");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(second[0].id, first[0].id);
  EXPECT_EQ(second[0].message, m);
  EXPECT_EQ(second[0].raw, first[0].raw);
  EXPECT_EQ(second[0].attempt, 1);
  EXPECT_EQ(second[0].parts_done, 2);
  EXPECT_EQ(second[0].not_before, later);

  ASSERT_TRUE(run(store_->outbox.retry(second[0], later + 1min, 2)));
  auto third = read("a");
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0].attempt, 2);

  // Retrying an entry that is no longer pending (already handled) re-queues nothing.
  ASSERT_TRUE(run(store_->outbox.ack(third[0])));
  ASSERT_TRUE(run(store_->outbox.retry(third[0], later, 0)));
  EXPECT_EQ(outbox_length(id), 0);
}

TEST_F(StoreTest, DeadLetterMovesTheEntryWithItsReason) {
  ASSERT_TRUE(run(store_->outbox.ensure_groups()));
  const std::string id = "telegram:1:5";
  ASSERT_EQ(commit(commit_of(id, 0, 1, {message(id, "bye", "d#0")})), CommitStatus::committed);
  auto entries = read("a");
  ASSERT_EQ(entries.size(), 1u);
  ASSERT_TRUE(run(store_->outbox.dead_letter(entries[0], "403: bot was blocked by the user")));

  EXPECT_EQ(outbox_length(id), 0);
  auto count = run(store_->outbox.dead_letter_count());
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 1);
  auto dead = raw({"XRANGE", dead_key("mc", partition_of(id)), "-", "+"});
  ASSERT_EQ(dead.elements.size(), 1u);
  const auto& fields = dead.elements[0].elements.at(1).elements;
  std::map<std::string, std::string> f;
  for (std::size_t i = 0; i + 1 < fields.size(); i += 2) f[fields[i].str] = fields[i + 1].str;
  EXPECT_EQ(f["msg"], entries[0].raw);
  EXPECT_EQ(f["reason"], "403: bot was blocked by the user");
  EXPECT_EQ(f["attempt"], "0");
  EXPECT_FALSE(f["failed_at"].empty());
  EXPECT_TRUE(read("a").empty());
}

TEST_F(StoreTest, UnparsableEntriesAreDeadLetteredNotReturned) {
  ASSERT_TRUE(run(store_->outbox.ensure_groups()));
  raw({"XADD", outbox_key("mc", 4, "console"), "*", "msg", "{not json", "attempt", "0"});
  raw({"XADD", outbox_key("mc", 4, "console"), "*", "attempt", "0"});  // no msg at all
  const std::string id = "console:ok";
  auto m = message(id, "fine", "f#0");
  ASSERT_EQ(commit(commit_of(id, 0, 1, {m})), CommitStatus::committed);

  auto entries = read("a");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].message, m);
  auto count = run(store_->outbox.dead_letter_count());
  ASSERT_TRUE(count);
  EXPECT_EQ(*count, 2);
  EXPECT_EQ(raw({"XLEN", outbox_key("mc", 4, "console")}).integer, partition_of(id) == 4 ? 1 : 0);
  auto dead = raw({"XRANGE", dead_key("mc", 4), "-", "+"});
  ASSERT_EQ(dead.elements.size(), 2u);
  EXPECT_EQ(dead.elements[0].elements.at(1).elements.at(1).str, "{not json");
}

TEST_F(StoreTest, AnotherConsumerReclaimsEntriesReadButNotAcked) {
  ASSERT_TRUE(run(store_->outbox.ensure_groups()));
  for (int i = 0; i < 3; ++i) {
    const std::string id = "telegram:1:" + std::to_string(100 + i);
    ASSERT_EQ(commit(commit_of(id, 0, 1, {message(id, "m", id + "#0")})), CommitStatus::committed);
  }
  auto taken = read("crashed-a");  // A reads and then "crashes" without acking
  ASSERT_EQ(taken.size(), 3u);
  // Entry ids are per stream: partition + id names an entry.
  auto names = [](const std::vector<OutboxEntry>& entries) {
    std::set<std::pair<int, std::string>> out;
    for (const auto& e : entries) out.emplace(e.partition, e.id);
    return out;
  };

  // Not idle long enough yet: nothing to reclaim.
  auto early = run(store_->outbox.reclaim_outbox("b", 1h, 10));
  ASSERT_TRUE(early);
  EXPECT_TRUE(early->empty());

  auto limited = run(store_->outbox.reclaim_outbox("b", 0ms, 2));
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->size(), 2u);  // count bounds the total across partitions
  auto rest = run(store_->outbox.reclaim_outbox("b", 0ms, 10));
  ASSERT_TRUE(rest);
  auto reclaimed = names(*limited);
  for (const auto& n : names(*rest)) reclaimed.insert(n);
  EXPECT_EQ(reclaimed, names(taken));
  for (const auto& e : *rest) EXPECT_EQ(e.message.key.substr(0, 11), "telegram:1:");
  auto pending = raw({"XPENDING", outbox_key("mc", rest->front().partition, "console"), "senders",
                      "-", "+", "10", "crashed-a"});
  EXPECT_TRUE(pending.elements.empty());  // A owns nothing any more

  for (const auto& e : *limited) ASSERT_TRUE(run(store_->outbox.ack(e)));
  for (const auto& e : *rest) ASSERT_TRUE(run(store_->outbox.ack(e)));
  auto none = run(store_->outbox.reclaim_outbox("c", 0ms, 10));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(StoreTest, TouchKeepsOwnEntriesAndNeverTakesBackOnesAnotherInstanceTookOver) {
  ASSERT_TRUE(run(store_->outbox.ensure_groups()));
  const std::string id = "telegram:1:42";
  ASSERT_EQ(commit(commit_of(
                id, 0, 1,
                {message(id, "one", "e#0"), message(id, "two", "e#1"), message(id, "three", "e#2")},
                "e")),
            CommitStatus::committed);
  auto held = read("slow-a");
  ASSERT_EQ(held.size(), 3u);
  const std::string stream = outbox_key("mc", partition_of(id), "console");
  // A stalled: its first entry has been idle for ten minutes, B took the second over, and B
  // has taken over, sent and acked the third.
  raw({"XCLAIM", stream, "senders", "slow-a", "0", held[0].id, "IDLE", "600000", "JUSTID"});
  raw({"XCLAIM", stream, "senders", "b", "0", held[1].id, held[2].id, "JUSTID"});
  ASSERT_TRUE(run(store_->outbox.ack(held[2])));

  auto lost = run(store_->outbox.touch(held[0].partition, "console",
                                       {held[0].id, held[1].id, held[2].id}, "slow-a"));
  ASSERT_TRUE(lost) << lost.error().message();
  EXPECT_EQ(*lost, (std::vector<std::string>{held[1].id, held[2].id}));

  auto owner = [&](const std::string& entry) {
    auto p = raw({"XPENDING", stream, "senders", entry, entry, "1"});
    return p.elements.empty()
               ? std::pair<std::string, long long>{"", 0}
               : std::pair{p.elements[0].elements[1].str, p.elements[0].elements[2].integer};
  };
  auto [first_owner, first_idle] = owner(held[0].id);
  EXPECT_EQ(first_owner, "slow-a");
  EXPECT_LT(first_idle, 60'000) << "the touch did not reset the idle time";
  EXPECT_EQ(owner(held[1].id).first, "b") << "the touch took an entry back from B";
  EXPECT_EQ(owner(held[2].id).first, "") << "a finished entry came back";

  auto none = run(store_->outbox.touch(held[0].partition, "console", {}, "slow-a"));
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(run(store_->outbox.touch(-1, "console", {held[0].id}, "slow-a")));
  EXPECT_FALSE(run(store_->outbox.touch(held[0].partition, "console", {held[0].id}, "")));
}

TEST_F(StoreTest, BlockingReadOnItsOwnConnectionDoesNotDelayCommits) {
  reader_ = connect();
  OutboxStore store(*redis_, *reader_);
  ASSERT_TRUE(run(store.ensure_groups()));
  const std::string id = "console:waiting";

  std::optional<result<std::vector<OutboxEntry>>> got;
  boost::asio::co_spawn(
      ioc_, store.read_outbox("a", 10, 10s),
      [&](std::exception_ptr, result<std::vector<OutboxEntry>> r) { got = std::move(r); });
  poll();  // the XREADGROUP ... BLOCK is on its way on the reader connection
  // If the blocking read shared the connection, this commit would queue behind it and the read
  // would come back empty after 10 s.
  auto status = run(store_->learners.commit(commit_of(id, 0, 1, {message(id, "now", "n#0")})));
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, CommitStatus::committed);
  drive([&] { return got.has_value(); });
  ASSERT_TRUE(*got) << got->error().message();
  ASSERT_EQ((*got)->size(), 1u);
  EXPECT_EQ((*got)->front().message.key, "n#0");
}

TEST_F(StoreTest, ReadWithoutReaderPollsUntilAnEntryArrives) {
  ASSERT_TRUE(run(store_->outbox.ensure_groups()));
  const std::string id = "console:poller";
  std::optional<result<std::vector<OutboxEntry>>> got;
  boost::asio::co_spawn(
      ioc_, store_->outbox.read_outbox("a", 10, 10s),
      [&](std::exception_ptr, result<std::vector<OutboxEntry>> r) { got = std::move(r); });
  poll();
  EXPECT_FALSE(got.has_value());
  ASSERT_EQ(commit(commit_of(id, 0, 1, {message(id, "polled", "p#0")})), CommitStatus::committed);
  drive([&] { return got.has_value(); });
  ASSERT_TRUE(*got);
  ASSERT_EQ((*got)->size(), 1u);
  EXPECT_EQ((*got)->front().message.key, "p#0");
}

TEST_F(StoreTest, BlockingReadMayOutlastTheCommandTimeout) {
  // The read's deadline covers its BLOCK time, and the reader's health PING (queued behind the
  // read) waits for it instead of declaring the connection dead.
  auto config = config_for(*server_);
  config.command_timeout = 100ms;
  config.health_interval = 20ms;
  config.name = "reader";
  auto reader = std::make_unique<RedisClient>(ioc_.get_executor(), config);
  reader->start();
  drive([&] { return reader->connected(); });
  OutboxStore store(*redis_, *reader);
  ASSERT_TRUE(run(store.ensure_groups()));

  auto r = run(store.read_outbox("a", 10, 600ms));
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->empty());
  EXPECT_TRUE(reader->connected());
  EXPECT_EQ(metrics_.value("microcourse_redis_errors_total", {{"kind", "timeout"}}), 0);
  EXPECT_EQ(metrics_.value("microcourse_redis_errors_total", {{"kind", "disconnect"}}), 0);
  reader.reset();
  poll();
}

TEST_F(StoreTest, UnexpectedErrorRepliesAreReportedAndCounted) {
  raw({"SET", due_key("mc", 0), "not a zset"});
  auto r = run(store_->schedule.claim_due(kT0, 10, 1min));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(Errc::redis_error));
  EXPECT_EQ(metrics_.value("microcourse_redis_errors_total", {{"kind", "reply"}}), 1);
}

// --- schedule --------------------------------------------------------------------------------

TEST_F(StoreTest, ConcurrentClaimersGetDisjointSetsCoveringAllDueLearners) {
  std::set<std::string> due;
  for (int i = 0; i < 40; ++i) {
    const std::string id = "telegram:1:" + std::to_string(1000 + i);
    ASSERT_EQ(commit(commit_of(id, 0, 1, {}, {}, kT0 - std::chrono::minutes(i))),
              CommitStatus::committed);
    due.insert(id);
  }
  const std::string later = "telegram:1:later";
  ASSERT_EQ(commit(commit_of(later, 0, 1, {}, {}, kT0 + 1h)), CommitStatus::committed);

  test::Stores& other = another_instance();
  std::vector<std::string> got_a;
  std::vector<std::string> got_b;
  int finished = 0;
  auto claimer = [&](ScheduleStore& store,
                     std::vector<std::string>& got) -> boost::asio::awaitable<void> {
    for (;;) {
      auto r = co_await store.claim_due(kT0, 3, 10min);
      if (!r || r->empty()) break;
      got.insert(got.end(), r->begin(), r->end());
    }
    ++finished;
  };
  boost::asio::co_spawn(ioc_, claimer(store_->schedule, got_a), boost::asio::detached);
  boost::asio::co_spawn(ioc_, claimer(other.schedule, got_b), boost::asio::detached);
  drive([&] { return finished == 2; });

  std::set<std::string> a(got_a.begin(), got_a.end());
  std::set<std::string> b(got_b.begin(), got_b.end());
  EXPECT_EQ(a.size(), got_a.size());  // no learner twice for one claimer either
  EXPECT_EQ(b.size(), got_b.size());
  std::vector<std::string> both;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(both));
  EXPECT_TRUE(both.empty()) << "claimed twice: " << both.front();
  std::set<std::string> all = a;
  all.insert(b.begin(), b.end());
  EXPECT_EQ(all, due);  // every due learner, and not the one due later
}

TEST_F(StoreTest, AnExpiredLeaseMakesTheClaimDueAgain) {
  const std::string id = "slack:T1:U9";
  ASSERT_EQ(commit(commit_of(id, 0, 1, {}, {}, kT0)), CommitStatus::committed);

  auto first = run(store_->schedule.claim_due(kT0, 10, 60s));
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, std::vector<std::string>{id});
  EXPECT_EQ(raw({"ZSCORE", due_key("mc", partition_of(id)), id}).str,
            std::to_string(core::to_millis(kT0 + 60s)));

  auto during = run(store_->schedule.claim_due(kT0 + 59s, 10, 60s));
  ASSERT_TRUE(during);
  EXPECT_TRUE(during->empty());  // leased

  auto after = run(store_->schedule.claim_due(kT0 + 60s, 10, 60s));  // nobody re-committed it
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, std::vector<std::string>{id});

  // A commit that sets the next due time ends the lease.
  ASSERT_EQ(commit(commit_of(id, 1, 2, {}, {}, kT0 + 24h)), CommitStatus::committed);
  auto next = run(store_->schedule.claim_due(kT0 + 2min + 60s, 10, 60s));
  ASSERT_TRUE(next);
  EXPECT_TRUE(next->empty());
}

}  // namespace
}  // namespace mc::store
