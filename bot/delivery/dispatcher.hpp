#pragma once

// Drains the outbox: reads entries through the consumer group, hands each to the sender for its
// route, and acks, retries (backoff with jitter, 429 retry_after) or dead-letters it.
//
// Guarantee: at least once. An entry is acked only after the platform accepted it, so a message
// is sent twice only when an instance dies (or loses Redis) between the platform accepting it
// and the ack; another instance then reclaims the entry after reclaim_idle and sends it again.
// Order: one chat's messages leave one at a time in outbox order while an instance runs; an
// entry handed over at shutdown or reclaimed after a crash may arrive after later ones.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bot/core/message.hpp"
#include "bot/core/part.hpp"
#include "bot/core/rate_limits.hpp"
#include "bot/core/send_outcome.hpp"
#include "bot/core/time.hpp"
#include "bot/store/outbox_store.hpp"

namespace mc::delivery {

/// How messages reach one platform: the app wires an adapter's renderer and client in. The
/// dispatcher renders a message once, then calls its parts in order from the first one not yet
/// accepted, stopping at the first the platform does not accept.
struct Sender {
  /// The parts that deliver `message`, in order; none when there is nothing to send (an ack the
  /// platform needs no call for), which counts as sent.
  std::function<std::vector<core::Part>(const core::Outbound& message)> render;
  /// Sends one part made by `render`. The part outlives the call.
  std::function<boost::asio::awaitable<core::SendOutcome>(const core::Part& part)> call;
};

struct DispatcherConfig {
  std::string consumer = "local";  ///< this instance's consumer name (unique per instance)
  int batch = 64;        ///< entries taken from the outbox in one read (all partitions together)
  int max_attempts = 8;  ///< then the message is dead-lettered
  std::chrono::milliseconds backoff_base{500};    ///< first retry delay, doubled per attempt
  std::chrono::milliseconds backoff_max{30'000};  ///< cap of one delay (with jitter)
  /// Entries of a consumer idle this long are taken over (a crashed instance's). Every entry an
  /// instance holds is touched every reclaim_idle / 3, so waiting behind a rate limit or a
  /// backoff never looks like a crash.
  std::chrono::milliseconds reclaim_idle{60'000};
  std::chrono::milliseconds block{1'000};
  int max_in_flight = 512;  ///< entries taken from the outbox and not yet finished
};

class Dispatcher {
 public:
  /// No route is limited until set_limits() says how.
  Dispatcher(boost::asio::any_io_executor executor, store::OutboxStore& store,
             DispatcherConfig config, core::NowFn now);

  /// Registers the sender for routes starting with `route_prefix` (e.g. "console:").
  void add_sender(std::string route_prefix, Sender sender);

  /// Called when a platform says the learner can no longer be reached (blocked the bot, left
  /// the workspace): the app marks the learner so nothing more is pushed.
  void on_unreachable(std::function<boost::asio::awaitable<void>(const core::Outbound&)> fn);

  /// Proactive limits for routes starting with `route_prefix`.
  void set_limits(std::string route_prefix, core::RouteLimits limits);

  /// Entries taken from the outbox and not yet finished (0 when idle).
  int in_flight() const;
  /// Outbox reads that found nothing new, so far. With in_flight() == 0, a count two above the
  /// one seen right after a commit means that commit's messages have all been sent.
  std::uint64_t empty_reads() const;

  /// Runs until stop(); in-flight sends finish first.
  boost::asio::awaitable<void> run();
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mc::delivery
