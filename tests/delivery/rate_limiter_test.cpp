#include "bot/delivery/rate_limiter.hpp"

#include <gtest/gtest.h>

#include "adapters/telegram/client.hpp"

namespace mc::delivery {
namespace {

using core::Limit;
using core::RouteLimits;

using namespace std::chrono_literals;
const SteadyTime t0 = SteadyTime{} + 1000s;

TEST(TokenBucket, UnlimitedNeverWaits) {
  TokenBucket b(Limit{0, 1});
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(b.reserve(t0), 0ns);
}

TEST(TokenBucket, BurstThenSteadyRate) {
  TokenBucket b(Limit{2, 3});  // 2/s, burst 3
  EXPECT_EQ(b.reserve(t0), 0ns);
  EXPECT_EQ(b.reserve(t0), 0ns);
  EXPECT_EQ(b.reserve(t0), 0ns);
  EXPECT_EQ(b.reserve(t0), 500ms);   // the fourth waits for one refill
  EXPECT_EQ(b.reserve(t0), 1000ms);  // reservations queue behind each other
  EXPECT_EQ(b.reserve(t0 + 1000ms), 500ms);
}

TEST(TokenBucket, RefillIsCappedAtBurst) {
  TokenBucket b(Limit{1, 2});
  b.reserve(t0);
  b.reserve(t0);
  // An hour later only `burst` tokens are available, not 3600.
  EXPECT_EQ(b.reserve(t0 + 1h), 0ns);
  EXPECT_EQ(b.reserve(t0 + 1h), 0ns);
  EXPECT_EQ(b.reserve(t0 + 1h), 1s);
}

TEST(TokenBucket, PauseHoldsEverythingUntilRetryAfter) {
  TokenBucket b(Limit{10, 10});
  b.pause_until(t0 + 5s);
  EXPECT_EQ(b.reserve(t0), 5s);
  EXPECT_EQ(b.reserve(t0 + 6s), 0ns);
}

TEST(RateLimiter, ChatsAreLimitedSeparatelyAndGroupsMoreStrictly) {
  RateLimiter l;
  l.configure("telegram:", RouteLimits{Limit{30, 30}, Limit{1, 1}, Limit{20.0 / 60.0, 1}});
  EXPECT_EQ(l.reserve_chat({"telegram:1", "100"}, t0), 0ns);
  EXPECT_EQ(l.reserve_chat({"telegram:1", "100"}, t0), 1s);
  EXPECT_EQ(l.reserve_chat({"telegram:1", "200"}, t0), 0ns);  // another chat is independent
  EXPECT_EQ(l.reserve_chat({"telegram:1", "-300", /*group=*/true}, t0), 0ns);
  EXPECT_EQ(l.reserve_chat({"telegram:1", "-300", /*group=*/true}, t0), 3s);  // 20/min in a group
  EXPECT_EQ(l.reserve_chat({"slack:T1", "C1"}, t0), 0ns);  // no limits configured: free
  EXPECT_EQ(l.reserve_chat({"slack:T1", "C1"}, t0), 0ns);
}

// The address says what a group is; the chat id's shape means nothing to the limiter.
TEST(RateLimiter, TheAddressSaysWhatAGroupIs) {
  RateLimiter l;
  l.configure("telegram:", RouteLimits{Limit{30, 30}, Limit{1, 1}, Limit{20.0 / 60.0, 1}});
  l.configure("slack:", RouteLimits{Limit{0, 1}, Limit{1, 1}, Limit{}});
  EXPECT_EQ(l.reserve_chat({"telegram:1", "-400"}, t0), 0ns);
  EXPECT_EQ(l.reserve_chat({"telegram:1", "-400"}, t0), 1s);  // a private chat's limit
  EXPECT_EQ(l.reserve_chat({"slack:T1", "C2", /*group=*/true}, t0), 0ns);
  EXPECT_EQ(l.reserve_chat({"slack:T1", "C2", /*group=*/true}, t0), 1s);  // no group limit: chat's
}

TEST(RateLimiter, BotWideLimitAcrossChats) {
  RateLimiter l;
  l.configure("telegram:", RouteLimits{Limit{30, 30}, Limit{1, 3}, Limit{}});
  std::chrono::nanoseconds last{0};
  for (int i = 0; i < 60; ++i) last = l.reserve_bot("telegram:1", t0);
  EXPECT_EQ(last, 1s);  // 30 at once, the next 30 over the following second
  EXPECT_EQ(l.reserve_bot("telegram:2", t0), 0ns);  // another bot has its own bucket
}

TEST(RateLimiter, PauseAfter429) {
  RateLimiter l;
  l.configure("telegram:", telegram::default_limits());
  EXPECT_EQ(l.reserve_chat({"telegram:1", "5"}, t0), 0ns);
  l.pause("telegram:1", "5", t0 + 7s, /*whole_bot=*/false);
  EXPECT_GE(l.reserve_chat({"telegram:1", "5"}, t0), 7s);
  EXPECT_EQ(l.reserve_bot("telegram:1", t0), 0ns);
  l.pause("telegram:1", "5", t0 + 9s, /*whole_bot=*/true);
  EXPECT_GE(l.reserve_bot("telegram:1", t0), 9s);
}

TEST(RateLimiter, ReconfigureReplacesLimits) {
  RateLimiter l;
  l.configure("telegram:", RouteLimits{Limit{1, 1}, Limit{}, Limit{}});
  l.configure("telegram:", RouteLimits{Limit{1000, 1000}, Limit{}, Limit{}});
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(l.reserve_bot("telegram:1", t0), 0ns);
}

// The bot-wide default holds one token: 30 messages wanted at once leave 1/30 s apart, so no
// window of any length sees more than the rate allows (plus one), and nothing is lost either.
TEST(RateLimiter, TelegramDefaultsPaceTheBotEvenly) {
  RateLimiter l;
  l.configure("telegram:", telegram::default_limits());
  std::vector<std::chrono::nanoseconds> waits;
  for (int i = 0; i < 31; ++i) waits.push_back(l.reserve_bot("telegram:1", t0));
  EXPECT_EQ(waits.front(), 0ns);
  for (std::size_t i = 1; i < waits.size(); ++i) {
    auto gap = waits[i] - waits[i - 1];
    EXPECT_NEAR(std::chrono::duration<double>(gap).count(), 1.0 / 30, 1e-6) << i;
  }
  EXPECT_NEAR(std::chrono::duration<double>(waits.back()).count(), 1.0, 1e-6);
}

}  // namespace
}  // namespace mc::delivery
