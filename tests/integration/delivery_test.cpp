// Scheduled pushes end to end: real `microcourse serve` processes on one real redis-server and
// one fake Telegram Bot API. Learners are seeded through the store with their push already due
// (no test waits for a clock to reach a schedule), then the bots must deliver every lesson
// exactly once, across two instances, a kill -9 of one of them, and a graceful SIGTERM while
// sends are in flight.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "bot/content/loader.hpp"
#include "tests/delivery/delivery_fixture.hpp"
#include "tests/support/bot_process.hpp"
#include "tests/support/fake_telegram.hpp"
#include "tests/support/http_call.hpp"

namespace mc::test {
namespace {

using namespace std::chrono_literals;
using Env = std::vector<std::pair<std::string, std::string>>;

class ScheduledDelivery : public DeliveryTest {
 protected:
  void SetUp() override {
    DeliveryTest::SetUp();
    auto loaded = content::load_directory(MC_SOURCE_DIR "/content");
    ASSERT_TRUE(loaded.ok());
    catalog_ = std::move(loaded.catalog);
    course_ = &catalog_.courses().front();
    dir_ = make_temp_dir("mc-delivery-it");
  }

  void TearDown() override {
    if (HasFailure()) {
      for (auto& bot : bots_) std::cerr << "---- bot log ----\n" << bot->log() << "\n";
    }
    bots_.clear();
    DeliveryTest::TearDown();
  }

  void start_fake(FakeTelegramOptions options) {
    fake_ = std::make_unique<FakeTelegram>(std::move(options));
  }

  /// Starts `microcourse serve` number `n` with the common settings plus `extra`.
  BotProcess& start_bot(int n, Env extra = {}) {
    Env env{{"REDIS_URL", server_->url()},
            {"CONTENT_DIR", MC_SOURCE_DIR "/content"},
            {"TELEGRAM_BOT_TOKEN", fake_->options().token},
            {"TELEGRAM_WEBHOOK_SECRET", "delivery-secret"},
            {"TELEGRAM_API_URL", fake_->url()},
            {"INSTANCE_ID", "it-" + std::to_string(n)},
            {"BIND", "127.0.0.1"},
            {"LOG_LEVEL", "info"},
            {"SCHEDULER_INTERVAL_MS", "100"},
            {"SCHEDULER_BATCH", "100"}};
    env.insert(env.end(), extra.begin(), extra.end());
    bots_.push_back(std::make_unique<BotProcess>(MC_BINARY_DIR "/microcourse", env,
                                                 dir_ + "/bot-" + std::to_string(n) + ".log"));
    bots_.back()->start();
    return *bots_.back();
  }

  std::string chat_id(int i) const { return std::to_string(800'000 + i); }
  std::string learner(int i) const { return "telegram:" + fake_->bot_id() + ":" + chat_id(i); }

  /// Learners enrolled in the first course whose first push is already due.
  void seed_due(int count) {
    const core::Time due = core::to_time(core::Clock::now()) - 1min;
    for (int i = 0; i < count; ++i) {
      core::LearnerState s =
          due_learner(learner(i), {"telegram:" + fake_->bot_id(), chat_id(i)}, due);
      s.enrollments[0].course = course_->id;
      s.focus = course_->id;
      seed(s);
    }
  }

  /// Outbox entries `consumer` has read and not yet acked, over all telegram streams.
  long long pending_for(const std::string& consumer) {
    long long n = 0;
    for (int p = 0; p < store::kPartitions; ++p) {
      auto r = raw({"XPENDING", store::outbox_key("mc", p, "telegram"), "senders"});
      if (r.elements.size() < 4 || r.elements[3].elements.empty()) continue;
      for (const auto& c : r.elements[3].elements) {
        if (c.elements.size() == 2 && c.elements[0].str == consumer)
          n += std::stoll(c.elements[1].str);
      }
    }
    return n;
  }

  /// How many accepted sendMessage calls each chat got.
  std::map<std::string, int> lessons_per_chat() const {
    std::map<std::string, int> out;
    for (const auto& c : fake_->accepted("sendMessage")) out[c.params["chat_id"].dump()]++;
    return out;
  }

  bool all_chats_reached(int count) const {
    return fake_->wait_for(
        [count](const std::vector<FakeCall>& calls) {
          std::set<std::string> chats;
          for (const auto& c : calls) {
            if (c.method == "sendMessage" && c.status == 200)
              chats.insert(c.params["chat_id"].dump());
          }
          return static_cast<int>(chats.size()) >= count;
        },
        90s);
  }

  std::string first_lesson_title() const {
    return std::get<core::Lesson>(course_->steps.front()).title;
  }

  core::Catalog catalog_;
  const core::Course* course_ = nullptr;
  std::string dir_;
  std::unique_ptr<FakeTelegram> fake_;
  std::vector<std::unique_ptr<BotProcess>> bots_;
};

int count_sends(const std::vector<FakeCall>& calls) {
  return static_cast<int>(std::count_if(
      calls.begin(), calls.end(), [](const FakeCall& c) { return c.method == "sendMessage"; }));
}

FakeTelegramOptions roomy_bot_limit() {
  FakeTelegramOptions o;  // Telegram's per-chat limits, a paid-broadcast bot limit
  o.bot_per_second = 1000;
  o.bot_burst = 1000;
  return o;
}

TEST_F(ScheduledDelivery, TwoInstancesDeliverExactlyOneLessonToEachOfAThousandLearners) {
  constexpr int kLearners = 1000;
  start_fake(roomy_bot_limit());
  // Each instance keeps under its share of the bot's limit.
  start_bot(1, {{"TELEGRAM_MAX_PER_SECOND", "400"}});
  start_bot(2, {{"TELEGRAM_MAX_PER_SECOND", "400"}});
  seed_due(kLearners);
  ASSERT_TRUE(all_chats_reached(kLearners));
  // Both instances did part of the sending.
  for (auto& bot : bots_) {
    auto metrics = http_get(bot->url() + "/metrics");
    EXPECT_NE(
        metrics.body.find("microcourse_messages_sent_total{platform=\"telegram\",kind=\"send\"}"),
        std::string::npos)
        << "an instance sent nothing";
  }
  // Stopped gracefully, so whatever was still in flight has arrived before counting.
  for (auto& bot : bots_) ASSERT_TRUE(bot->stop().success()) << bot->log();

  auto per_chat = lessons_per_chat();
  ASSERT_EQ(per_chat.size(), static_cast<std::size_t>(kLearners));
  for (const auto& [chat, n] : per_chat) EXPECT_EQ(n, 1) << "chat " << chat;
  for (const auto& c : fake_->accepted("sendMessage")) {
    ASSERT_NE(c.params["text"].get<std::string>().find(first_lesson_title()), std::string::npos)
        << c.params["text"];
  }
  EXPECT_EQ(fake_->rate_limited(), 0);
  for (int i = 0; i < kLearners; i += 97) {
    auto state = load(learner(i));
    ASSERT_TRUE(state);
    EXPECT_NE(state->push.awaiting_since, core::Time{}) << learner(i);
    EXPECT_TRUE(scheduled(learner(i))) << "the reminder is scheduled";
  }
}

TEST_F(ScheduledDelivery, KillingOneInstanceMidRunLosesNothing) {
  constexpr int kLearners = 1000;
  start_fake(roomy_bot_limit());
  // Slow enough that the victim holds plenty of work when it dies; short takeover times.
  const Env env{{"TELEGRAM_MAX_PER_SECOND", "100"},
                {"DISPATCH_RECLAIM_IDLE_MS", "1500"},
                {"SCHEDULER_LEASE_MS", "3000"}};
  BotProcess& victim = start_bot(1, env);
  BotProcess& survivor = start_bot(2, env);
  seed_due(kLearners);
  ASSERT_TRUE(fake_->wait_for(
      [](const std::vector<FakeCall>& calls) { return count_sends(calls) >= 150; }, 60s));
  // The victim dies holding work (the survivor may have read faster so far).
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (pending_for("it-1") < 50 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_GE(pending_for("it-1"), 50) << "the victim never held work";
  victim.kill();
  ASSERT_FALSE(victim.running());
  const auto killed_at = std::chrono::steady_clock::now();

  ASSERT_TRUE(all_chats_reached(kLearners));
  auto metrics = http_get(survivor.url() + "/metrics");
  ASSERT_EQ(metrics.status, 200u);
  EXPECT_NE(metrics.body.find("microcourse_outbox_reclaimed_total"), std::string::npos)
      << "the survivor took nothing over: the victim held no work";
  ASSERT_TRUE(survivor.stop().success()) << survivor.log();

  auto per_chat = lessons_per_chat();
  ASSERT_EQ(per_chat.size(), static_cast<std::size_t>(kLearners));
  // At least once: a message the platform accepted just before the kill, whose ack never
  // happened, is sent again by the survivor — and that is the only way to get one twice. How
  // many fall in that window depends on how far the victim's event loop lagged behind its
  // sockets (a sanitizer build on a busy machine lags more), so the window is what is checked.
  std::map<std::string, std::vector<std::chrono::steady_clock::time_point>> sent_at;
  for (const auto& c : fake_->accepted("sendMessage"))
    sent_at[c.params["chat_id"].dump()].push_back(c.at);
  int duplicates = 0;
  for (const auto& [chat, times] : sent_at) {
    if (times.size() < 2) continue;
    duplicates += static_cast<int>(times.size()) - 1;
    EXPECT_EQ(times.size(), 2u) << "chat " << chat;
    // The victim's request may reach the fake's thread just after kill() returned.
    EXPECT_LT(times[0], killed_at + 250ms) << "chat " << chat << ": sent twice, not by the victim";
    EXPECT_GT(times[0], killed_at - 1s) << "chat " << chat << ": sent long before the kill";
    // The survivor's copy comes only after the entry sat idle for DISPATCH_RECLAIM_IDLE_MS.
    EXPECT_GT(times[1], killed_at + 500ms) << "chat " << chat;
  }
  EXPECT_LT(duplicates, 50);
  std::cout << "kill -9 mid-run: " << duplicates << " duplicate(s) of " << kLearners << "\n";
  EXPECT_EQ(fake_->rate_limited(), 0);
}

TEST_F(ScheduledDelivery, SigtermWithSendsInFlightExitsCleanlyAndLosesNothing) {
  constexpr int kLearners = 30;
  FakeTelegramOptions options;
  options.latency = 1500ms;  // every send is in flight for a while
  start_fake(options);
  // 10/s: some sends are in flight when SIGTERM comes, the rest still wait for their turn.
  BotProcess& bot =
      start_bot(1, {{"SHUTDOWN_TIMEOUT_MS", "10000"}, {"TELEGRAM_MAX_PER_SECOND", "10"}});
  seed_due(kLearners);
  // The first answers arrive: the others are still on their way.
  ASSERT_TRUE(fake_->wait_for(
      [](const std::vector<FakeCall>& calls) { return count_sends(calls) >= 1; }, 30s));
  ExitStatus status = bot.stop();
  EXPECT_TRUE(status.success()) << "exited " << status.exited << " code " << status.code
                                << " signal " << status.signal << "\n"
                                << bot.log();
  EXPECT_NE(bot.log().find("stopped"), std::string::npos);
  EXPECT_EQ(bot.log().find("shutdown took too long"), std::string::npos);
  const std::size_t before_restart = fake_->accepted("sendMessage").size();
  EXPECT_GE(before_restart, 1u);
  std::cout << "SIGTERM: " << before_restart << " of " << kLearners
            << " sent before exiting, the rest handed back\n";

  // What was not sent was handed back; the next start sends it, and nothing twice.
  start_bot(2);
  ASSERT_TRUE(all_chats_reached(kLearners));
  ASSERT_TRUE(bots_.back()->stop().success());
  auto per_chat = lessons_per_chat();
  ASSERT_EQ(per_chat.size(), static_cast<std::size_t>(kLearners));
  for (const auto& [chat, n] : per_chat) EXPECT_EQ(n, 1) << "chat " << chat;
}

TEST_F(ScheduledDelivery, ALearnerWhoBlockedTheBotIsMarkedAndTakenOffTheSchedule) {
  start_fake(FakeTelegramOptions{});
  fake_->block_chat(chat_id(0));
  BotProcess& bot = start_bot(1);
  seed_due(1);
  ASSERT_TRUE(fake_->wait_for(
      [](const std::vector<FakeCall>& calls) { return count_sends(calls) == 1; }, 30s));
  drive([&] {
    auto state = load(learner(0));
    return state && state->profile.blocked;
  });
  EXPECT_FALSE(scheduled(learner(0)));
  auto state = load(learner(0));
  EXPECT_EQ(state->push.next_due, core::Time{});
  ASSERT_TRUE(bot.stop().success());
  auto sends = fake_->calls();
  EXPECT_EQ(count_sends(sends), 1) << "a blocked learner is not retried";
  for (const auto& c : sends) {
    if (c.method == "sendMessage") {
      EXPECT_EQ(c.status, 403u);
    }
  }
}

TEST_F(ScheduledDelivery, DeadLettersAreCountedInMetrics) {
  start_fake(FakeTelegramOptions{});
  fake_->fail_next(1000, 500);
  BotProcess& bot = start_bot(1, {{"DISPATCH_MAX_ATTEMPTS", "2"}, {"DISPATCH_BACKOFF_MS", "10"}});
  seed_due(1);
  ASSERT_TRUE(fake_->wait_for(
      [](const std::vector<FakeCall>& calls) { return count_sends(calls) >= 2; }, 30s));
  HttpResult metrics;
  for (int i = 0; i < 100; ++i) {
    metrics = http_get(bot.url() + "/metrics");
    if (metrics.body.find("microcourse_dead_letters 1") != std::string::npos) break;
    std::this_thread::sleep_for(50ms);  // the dead letter is written right after the 2nd 500
  }
  EXPECT_NE(metrics.body.find("microcourse_dead_letters 1"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("microcourse_dead_letters_total{platform=\"telegram\"} 1"),
            std::string::npos);
  EXPECT_EQ(count_sends(fake_->calls()), 2);
  // Still retrying getMe against the failing API does not hold up a shutdown.
  ExitStatus status = bot.stop();
  EXPECT_TRUE(status.success()) << bot.log();
  EXPECT_EQ(bot.log().find("shutdown took too long"), std::string::npos) << bot.log();
}

}  // namespace
}  // namespace mc::test
