#pragma once

// Proactive rate limiting: token buckets per bot (route) and per chat, so the platforms' limits
// are respected before they answer 429. Reservations may run into the future (tokens go
// negative), which makes concurrent callers queue fairly instead of all waking at once.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "bot/core/message.hpp"
#include "bot/core/rate_limits.hpp"

namespace mc::delivery {

using SteadyTime = std::chrono::steady_clock::time_point;

class TokenBucket {
 public:
  explicit TokenBucket(core::Limit limit = {}) : limit_(limit), tokens_(limit.burst) {}

  /// Takes one token; returns how long to wait before using it (zero when available now).
  std::chrono::nanoseconds reserve(SteadyTime now);
  /// Nothing is granted before `until` (a 429's retry_after).
  void pause_until(SteadyTime until);

 private:
  void refill(SteadyTime now);
  core::Limit limit_;
  double tokens_;
  SteadyTime last_{};
  SteadyTime paused_until_{};
};

class RateLimiter {
 public:
  /// Sets the limits of routes starting with `route_prefix` (replacing earlier ones for it).
  void configure(std::string route_prefix, core::RouteLimits limits);

  /// Reserves a slot for one message to `to` (its route's group limit when `to.group`); the
  /// wait before sending it. The per-chat wait is taken first, so a slow chat does not hold
  /// bot-wide capacity.
  std::chrono::nanoseconds reserve_chat(const core::Address& to, SteadyTime now);
  std::chrono::nanoseconds reserve_bot(const std::string& route, SteadyTime now);
  /// A 429 for this chat: hold it (and, when `whole_bot`, the bot) until `until`.
  void pause(const std::string& route, const std::string& chat, SteadyTime until, bool whole_bot);
  /// Drops idle per-chat buckets (called now and then to bound memory).
  void forget_idle(SteadyTime now, std::chrono::seconds idle);

 private:
  const core::RouteLimits* limits_for(const std::string& route) const;
  std::vector<std::pair<std::string, core::RouteLimits>> limits_;
  std::map<std::string, TokenBucket> bots_;
  struct ChatBucket {
    TokenBucket bucket;
    SteadyTime last_used;
  };
  std::map<std::string, ChatBucket> chats_;
};

}  // namespace mc::delivery
