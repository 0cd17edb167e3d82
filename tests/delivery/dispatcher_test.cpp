// The dispatcher against a real redis-server and the fake Telegram Bot API: order per chat,
// proactive limits, 429s obeyed, retries after 5xx, dead letters, unreachable learners,
// takeover of a crashed instance's entries, and shutdown with sends in flight.

#include "bot/delivery/dispatcher.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "adapters/telegram/client.hpp"
#include "bot/engine/engine.hpp"
#include "bot/http/client.hpp"
#include "bot/metrics/metrics.hpp"
#include "tests/delivery/delivery_fixture.hpp"
#include "tests/support/fake_telegram.hpp"

namespace mc::delivery {
namespace {

using core::Limit;
using core::RouteLimits;

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::FakeCall;

/// Fake limits far above anything sent here, for tests that are not about limits.
test::FakeTelegramOptions generous() {
  test::FakeTelegramOptions o;
  o.bot_per_second = 10'000;
  o.bot_burst = 10'000;
  o.chat_per_second = 10'000;
  o.chat_burst = 10'000;
  return o;
}

RouteLimits unlimited() { return RouteLimits{Limit{0, 1}, Limit{0, 1}, Limit{0, 1}}; }

DispatcherConfig fast_config(std::string consumer = "test-1") {
  DispatcherConfig c;
  c.consumer = std::move(consumer);
  c.backoff_base = 10ms;
  c.backoff_max = 50ms;
  c.block = 50ms;
  return c;
}

std::string text_of(const FakeCall& c) { return c.params.value("text", ""); }
std::string chat_of(const FakeCall& c) {
  return c.params.contains("chat_id") ? c.params["chat_id"].dump() : "";
}

class DispatcherTest : public test::DeliveryTest {
 protected:
  void TearDown() override {
    for (auto& r : running_) r->dispatcher->stop();
    drive([&] {
      for (auto& r : running_) {
        if (!r->done) return false;
      }
      return true;
    });
    running_.clear();
    if (http_) http_->close();
    poll();
    DeliveryTest::TearDown();
  }

  void start_fake(test::FakeTelegramOptions options) {
    fake_ = std::make_unique<test::FakeTelegram>(options);
    http_ = std::make_unique<http::Client>(ioc_.get_executor());
    telegram_ = std::make_unique<telegram::Client>(
        *http_, telegram::ClientConfig{fake_->url(), fake_->options().token});
  }

  core::Address chat(const std::string& id) const { return {"telegram:" + fake_->bot_id(), id}; }
  std::string learner(const std::string& chat_id) const {
    return "telegram:" + fake_->bot_id() + ":" + chat_id;
  }

  struct Running {
    std::unique_ptr<Dispatcher> dispatcher;
    bool done = false;
    int sends_started = 0;  ///< platform calls made (one per part)
  };

  /// A dispatcher sending through the fake, running until the test ends.
  Running& start(DispatcherConfig config, std::optional<RouteLimits> limits,
                 test::Stores* stores = nullptr) {
    auto r = std::make_unique<Running>();
    r->dispatcher = std::make_unique<Dispatcher>(
        ioc_.get_executor(), stores ? stores->outbox : store_->outbox, std::move(config),
        [] { return core::to_time(core::Clock::now()); });
    if (limits) r->dispatcher->set_limits("telegram:", *limits);
    Running* raw = r.get();
    r->dispatcher->add_sender("telegram:",
                              {telegram::parts_of, [this, raw](const core::Part& part) {
                                 ++raw->sends_started;
                                 return telegram_->call(part);
                               }});
    running_.push_back(std::move(r));
    asio::co_spawn(ioc_, raw->dispatcher->run(), [raw](std::exception_ptr) { raw->done = true; });
    return *raw;
  }

  void stop(Running& r) {
    r.dispatcher->stop();
    drive([&] { return r.done; });
  }

  std::vector<FakeCall> accepted() const { return fake_->accepted("sendMessage"); }

  void wait_accepted(std::size_t n) {
    drive([&] { return accepted().size() >= n; });
  }

  /// Texts accepted per chat, in the order the fake accepted them.
  std::map<std::string, std::vector<std::string>> by_chat() const {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& c : accepted()) out[chat_of(c)].push_back(text_of(c));
    return out;
  }

  std::unique_ptr<test::FakeTelegram> fake_;
  std::unique_ptr<http::Client> http_;
  std::unique_ptr<telegram::Client> telegram_;
  std::vector<std::unique_ptr<Running>> running_;
};

TEST_F(DispatcherTest, KeepsEachChatsOrder) {
  start_fake(generous());
  const std::vector<std::string> chats = {"101", "102", "103", "104"};
  // Interleaved commits, some with two messages (a lesson and its feedback).
  for (int round = 1; round <= 4; ++round) {
    for (const auto& c : chats) {
      std::vector<core::Outbound> out{test::chat_message(
          learner(c), chat(c), c + " message " + std::to_string(2 * round - 1), "k")};
      out.push_back(test::chat_message(learner(c), chat(c),
                                       c + " message " + std::to_string(2 * round), "k"));
      put(learner(c), std::move(out));
    }
  }
  // A chat limit that makes every chat's messages queue up.
  start(fast_config(), RouteLimits{Limit{0, 1}, Limit{40, 1}, Limit{}});
  wait_accepted(32);
  auto got = by_chat();
  ASSERT_EQ(got.size(), chats.size());
  for (const auto& c : chats) {
    SCOPED_TRACE(c);
    std::vector<std::string> expected;
    for (int i = 1; i <= 8; ++i) expected.push_back(c + " message " + std::to_string(i));
    EXPECT_EQ(got[c], expected);
  }
  EXPECT_EQ(fake_->rate_limited(), 0);
}

TEST_F(DispatcherTest, ProactiveLimitsBelowThePlatformsMeanNoTooManyRequests) {
  start_fake(test::FakeTelegramOptions{});  // Telegram's limits: 30/s per bot, 1/s per chat
  constexpr int kChats = 20;
  constexpr int kPerChat = 4;
  for (int m = 1; m <= kPerChat; ++m) {
    for (int c = 0; c < kChats; ++c) {
      std::string id = std::to_string(500 + c);
      put(learner(id), {test::chat_message(learner(id), chat(id), "m" + std::to_string(m), "k")});
    }
  }
  start(fast_config(), telegram::default_limits());  // the Telegram defaults serve passes
  wait_accepted(kChats * kPerChat);
  EXPECT_EQ(fake_->rate_limited(), 0);
  for (const auto& [c, texts] : by_chat()) {
    EXPECT_EQ(texts, (std::vector<std::string>{"m1", "m2", "m3", "m4"})) << c;
  }
}

TEST_F(DispatcherTest, ObeysRetryAfterBeforeTryingTheChatAgain) {
  test::FakeTelegramOptions options = generous();
  options.chat_per_second = 1;
  options.chat_burst = 1;
  options.retry_after_seconds = 1;
  start_fake(options);
  // Our chat limit is far above the fake's, so the fake answers 429.
  for (int i = 1; i <= 3; ++i) {
    put(learner("9"), {test::chat_message(learner("9"), chat("9"), "m" + std::to_string(i), "k")});
  }
  start(fast_config(), RouteLimits{Limit{0, 1}, Limit{100, 10}, Limit{}});
  wait_accepted(3);
  EXPECT_EQ(by_chat()["9"], (std::vector<std::string>{"m1", "m2", "m3"}));
  auto calls = fake_->calls();
  int limited = 0;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (calls[i].status != 429) continue;
    ++limited;
    ASSERT_LT(i + 1, calls.size()) << "a 429 was the last call";
    EXPECT_GE(calls[i + 1].at - calls[i].at, 990ms) << "retried before retry_after";
  }
  EXPECT_GE(limited, 1);
  EXPECT_EQ(limited, fake_->rate_limited());
}

TEST_F(DispatcherTest, DeliversEverythingAfterInjectedServerErrors) {
  start_fake(generous());
  fake_->fail_next(6, 502);
  for (int i = 0; i < 10; ++i) {
    std::string id = std::to_string(300 + i);
    put(learner(id), {test::chat_message(learner(id), chat(id), "hello " + id, "k")});
  }
  Running& r = start(fast_config(), unlimited());
  wait_accepted(10);
  stop(r);
  std::map<std::string, int> sent;
  for (const auto& c : accepted()) sent[text_of(c)]++;
  EXPECT_EQ(sent.size(), 10u);
  for (const auto& [text, n] : sent) EXPECT_EQ(n, 1) << text;
  int failed = 0;
  for (const auto& c : fake_->calls()) failed += c.status == 502;
  EXPECT_EQ(failed, 6);
  EXPECT_TRUE(dead_reasons().empty());
  EXPECT_EQ(outbox_length(), 0);  // every entry acked
}

// A lesson long enough for three Telegram messages, whose second and third parts each fail once:
// every part arrives exactly once, in order (a retry resumes after the parts already accepted).
TEST_F(DispatcherTest, ALongMessageFailingTwiceMidwayArrivesWholeOnce) {
  start_fake(generous());
  core::Outbound m = test::chat_message(learner("500"), chat("500"), "", "long");
  m.body.clear();
  for (const char* part : {"first", "second", "third"}) {
    m.body.push_back(core::paragraph(std::string(part) + " " + std::string(4000, 'x')));
  }
  put(learner("500"), {m});
  fake_->fail_calls({2, 4});  // part 2 on its first try, part 3 on its first try
  Running& r = start(fast_config(), unlimited());
  wait_accepted(3);
  stop(r);
  std::vector<std::string> starts;
  for (const auto& c : accepted()) starts.push_back(text_of(c).substr(0, text_of(c).find(' ')));
  EXPECT_EQ(starts, (std::vector<std::string>{"first", "second", "third"}));
  EXPECT_TRUE(dead_reasons().empty());
  EXPECT_EQ(outbox_length(), 0);
}

TEST_F(DispatcherTest, DeadLettersAfterMaxAttemptsWithTheReason) {
  start_fake(generous());
  fake_->fail_next(1000, 500);
  auto& metrics = metrics::Registry::global();
  const metrics::Labels labels{{"platform", "telegram"}};
  const double before = metrics.value("microcourse_dead_letters_total", labels);
  put(learner("42"), {test::chat_message(learner("42"), chat("42"), "doomed", "k")});
  DispatcherConfig config = fast_config();
  config.max_attempts = 3;
  Running& r = start(config, unlimited());
  drive([&] { return metrics.value("microcourse_dead_letters_total", labels) > before; });
  stop(r);
  EXPECT_EQ(metrics.value("microcourse_dead_letters_total", labels), before + 1);
  EXPECT_EQ(fake_->calls().size(), 3u);
  auto reasons = dead_reasons();
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_NE(reasons[0].find("gave up after 3 attempts"), std::string::npos) << reasons[0];
  EXPECT_EQ(outbox_length(), 0);
  EXPECT_EQ(run(store_->outbox.dead_letter_count()).value(), 1);
}

TEST_F(DispatcherTest, APermanentRefusalIsDeadLetteredWithoutRetrying) {
  start_fake(generous());
  core::Outbound edit = test::chat_message(learner("7"), chat("7"), "changed", "k");
  edit.kind = core::Outbound::Kind::edit;
  edit.ref = "999999";  // Telegram: "message to edit not found"
  put(learner("7"), {edit});
  Running& r = start(fast_config(), unlimited());
  drive([&] { return !fake_->calls().empty(); });
  drive([&] { return r.dispatcher->in_flight() == 0; });
  stop(r);
  EXPECT_EQ(fake_->calls().size(), 1u);
  auto reasons = dead_reasons();
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_NE(reasons[0].find("message to edit not found"), std::string::npos) << reasons[0];
}

TEST_F(DispatcherTest, ABlockedLearnerIsMarkedAndNotRetried) {
  start_fake(generous());
  const std::string id = learner("77");
  seed(test::due_learner(id, chat("77"), core::to_time(core::Clock::now()) + 1h));
  ASSERT_TRUE(scheduled(id));
  put(id, {test::chat_message(id, chat("77"), "one", "k1"),
           test::chat_message(id, chat("77"), "two", "k2")});
  fake_->block_chat("77");

  // As serve wires it: the platform's "unreachable" becomes a `blocked` event for the learner.
  core::Catalog catalog = test::delivery_catalog();
  engine::Engine engine(catalog, store_->learners,
                        [] { return core::to_time(core::Clock::now()); });
  Running& r = start(fast_config(), unlimited());
  r.dispatcher->on_unreachable([&engine](const core::Outbound& m) -> asio::awaitable<void> {
    (void)co_await engine.mark_unreachable(m);
  });
  drive([&] { return fake_->calls().size() >= 2 && r.dispatcher->in_flight() == 0; });
  stop(r);

  auto calls = fake_->calls();
  ASSERT_EQ(calls.size(), 2u);  // each message tried once: a 403 is not retried
  for (const auto& c : calls) EXPECT_EQ(c.status, 403u);
  auto state = load(id);
  ASSERT_TRUE(state);
  EXPECT_TRUE(state->profile.blocked);
  EXPECT_EQ(state->push.next_due, core::Time{});
  EXPECT_FALSE(scheduled(id)) << "still scheduled";
  EXPECT_TRUE(dead_reasons().empty());
  EXPECT_EQ(outbox_length(), 0);
}

TEST_F(DispatcherTest, TakesOverTheEntriesOfACrashedInstance) {
  start_fake(generous());
  for (int i = 1; i <= 5; ++i) {
    put(learner("11"),
        {test::chat_message(learner("11"), chat("11"), "m" + std::to_string(i), "k")});
  }
  // Another instance read them and died before sending: they are pending in its name.
  auto taken = run(store_->outbox.read_outbox("crashed-instance", 10, 0ms));
  ASSERT_TRUE(taken);
  ASSERT_EQ(taken->size(), 5u);

  DispatcherConfig config = fast_config();
  config.reclaim_idle = 200ms;
  start(config, unlimited());
  wait_accepted(5);
  EXPECT_EQ(by_chat()["11"], (std::vector<std::string>{"m1", "m2", "m3", "m4", "m5"}));
}

TEST_F(DispatcherTest, EntriesWaitingBehindLimitsAreNotTakenOverByAnotherInstance) {
  start_fake(generous());
  for (int i = 1; i <= 6; ++i) {
    for (const char* c : {"21", "22"}) {
      put(learner(c), {test::chat_message(learner(c), chat(c), "m" + std::to_string(i), "k")});
    }
  }
  // Both instances take over entries idle for 300 ms; the first holds all twelve for about
  // three seconds behind a 2/s chat limit. Its keeper must keep them from looking abandoned.
  const RouteLimits slow{Limit{0, 1}, Limit{2, 1}, Limit{}};
  DispatcherConfig first = fast_config("instance-a");
  first.reclaim_idle = 300ms;
  Running& a = start(first, slow);
  drive([&] { return a.dispatcher->in_flight() == 12; });
  DispatcherConfig second = fast_config("instance-b");
  second.reclaim_idle = 300ms;
  Running& b = start(second, slow, &another_instance());
  wait_accepted(12);
  drive([&] { return a.dispatcher->in_flight() == 0; });
  const std::vector<std::string> expected{"m1", "m2", "m3", "m4", "m5", "m6"};
  auto got = by_chat();
  EXPECT_EQ(got["21"], expected);
  EXPECT_EQ(got["22"], expected);
  EXPECT_EQ(b.sends_started, 0) << "the second instance took over entries the first still held";
}

TEST_F(DispatcherTest, AnEntryTakenOverWhileItWaitedIsNotSentByItsFormerHolder) {
  start_fake(generous());
  for (int i = 1; i <= 4; ++i) {
    put(learner("31"),
        {test::chat_message(learner("31"), chat("31"), "m" + std::to_string(i), "k")});
  }
  const RouteLimits slow{Limit{0, 1}, Limit{2, 1}, Limit{}};
  DispatcherConfig config = fast_config("instance-a");
  config.reclaim_idle = 300ms;
  Running& a = start(config, slow);
  drive([&] { return a.dispatcher->in_flight() == 4; });  // m4 waits a second or so
  // A stalled past reclaim_idle, and instance B took its last entry over and sent it: A must
  // drop it rather than send it again.
  const std::string stream =
      store::outbox_key("mc", store::partition_of(learner("31")), "telegram");
  auto pending = raw({"XPENDING", stream, "senders", "-", "+", "10", "instance-a"});
  ASSERT_GE(pending.elements.size(), 3u);
  const std::string last = pending.elements.back().elements[0].str;
  raw({"XCLAIM", stream, "senders", "instance-b", "0", last, "JUSTID"});
  raw({"XACK", stream, "senders", last});
  raw({"XDEL", stream, last});

  drive([&] { return a.dispatcher->in_flight() == 0; });
  EXPECT_EQ(by_chat()["31"], (std::vector<std::string>{"m1", "m2", "m3"}));
  EXPECT_EQ(outbox_length(), 0);
}

TEST_F(DispatcherTest, StopFinishesTheSendInFlightAndHandsBackTheRest) {
  test::FakeTelegramOptions options = generous();
  options.latency = 800ms;  // the first send is still in flight when stop() comes
  start_fake(options);
  for (int i = 1; i <= 3; ++i) {
    put(learner("5"), {test::chat_message(learner("5"), chat("5"), "m" + std::to_string(i), "k")});
  }
  Running& first = start(fast_config("instance-a"), RouteLimits{Limit{0, 1}, Limit{1, 1}, Limit{}});
  drive([&] { return first.sends_started == 1; });
  first.dispatcher->stop();
  drive([&] { return first.done; });
  EXPECT_EQ(accepted().size(), 1u);  // m1 finished and was acked; m2, m3 never started
  EXPECT_EQ(first.sends_started, 1);
  // The rest went back to the outbox as fresh entries, attempts untouched.
  auto entries = raw(
      {"XRANGE", store::outbox_key("mc", store::partition_of(learner("5")), "telegram"), "-", "+"});
  ASSERT_EQ(entries.elements.size(), 2u);
  for (const auto& e : entries.elements) {
    const auto& fields = e.elements[1].elements;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
      if (fields[i].str == "attempt") {
        EXPECT_EQ(fields[i + 1].str, "0");
      }
    }
  }
  // Whoever runs next sends them, in order, and nothing twice.
  start(fast_config("instance-b"), unlimited(), &another_instance());
  wait_accepted(3);
  EXPECT_EQ(by_chat()["5"], (std::vector<std::string>{"m1", "m2", "m3"}));
}

}  // namespace
}  // namespace mc::delivery
