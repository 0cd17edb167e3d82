#include "bot/delivery/rate_limiter.hpp"

#include <algorithm>

namespace mc::delivery {

void TokenBucket::refill(SteadyTime now) {
  if (last_ == SteadyTime{}) {
    last_ = now;
    return;
  }
  if (now <= last_) return;
  double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(limit_.burst, tokens_ + elapsed * limit_.per_second);
  last_ = now;
}

std::chrono::nanoseconds TokenBucket::reserve(SteadyTime now) {
  if (limit_.per_second <= 0) return std::chrono::nanoseconds{0};
  SteadyTime start = std::max(now, paused_until_);
  refill(start);
  tokens_ -= 1;
  std::chrono::nanoseconds wait = start - now;
  if (tokens_ < 0) {
    wait += std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(-tokens_ / limit_.per_second));
  }
  return wait;
}

void TokenBucket::pause_until(SteadyTime until) {
  paused_until_ = std::max(paused_until_, until);
  // Whatever was saved up before the 429 is not to be spent in a burst right after it.
  tokens_ = std::min(tokens_, 1.0);
}

void RateLimiter::configure(std::string route_prefix, core::RouteLimits limits) {
  for (auto& [prefix, existing] : limits_) {
    if (prefix == route_prefix) {
      existing = limits;
      bots_.clear();  // buckets are rebuilt with the new limits
      chats_.clear();
      return;
    }
  }
  limits_.emplace_back(std::move(route_prefix), limits);
}

const core::RouteLimits* RateLimiter::limits_for(const std::string& route) const {
  for (const auto& [prefix, limits] : limits_) {
    if (route.starts_with(prefix)) return &limits;
  }
  return nullptr;
}

std::chrono::nanoseconds RateLimiter::reserve_chat(const core::Address& to, SteadyTime now) {
  const core::RouteLimits* limits = limits_for(to.route);
  if (limits == nullptr) return std::chrono::nanoseconds{0};
  bool group = to.group && limits->group.per_second > 0;
  std::string key = to.route + "/" + to.chat;
  auto it = chats_.find(key);
  if (it == chats_.end()) {
    it = chats_.emplace(key, ChatBucket{TokenBucket(group ? limits->group : limits->chat), now})
             .first;
  }
  it->second.last_used = now;
  return it->second.bucket.reserve(now);
}

std::chrono::nanoseconds RateLimiter::reserve_bot(const std::string& route, SteadyTime now) {
  const core::RouteLimits* limits = limits_for(route);
  if (limits == nullptr) return std::chrono::nanoseconds{0};
  auto it = bots_.try_emplace(route, TokenBucket(limits->bot)).first;
  return it->second.reserve(now);
}

void RateLimiter::pause(const std::string& route, const std::string& chat, SteadyTime until,
                        bool whole_bot) {
  auto chat_it = chats_.find(route + "/" + chat);
  if (chat_it != chats_.end()) chat_it->second.bucket.pause_until(until);
  if (whole_bot) {
    const core::RouteLimits* limits = limits_for(route);
    auto it = bots_.try_emplace(route, TokenBucket(limits ? limits->bot : core::Limit{})).first;
    it->second.pause_until(until);
  }
}

void RateLimiter::forget_idle(SteadyTime now, std::chrono::seconds idle) {
  std::erase_if(chats_, [&](const auto& kv) { return now - kv.second.last_used > idle; });
}

}  // namespace mc::delivery
