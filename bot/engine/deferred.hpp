#pragma once

// Work accepted but not yet done: an event a platform will not send again (a Slack slash command
// or button press that was answered at once) whose handling failed because Redis could not be
// reached. It is kept in Redis (store::DeferredStore) and handled by whichever instance gets to
// it, with backoff, until it is applied or `give_up_after` has passed since it was accepted;
// then its follow-up (registered by name, e.g. "tell the Slack user through the response_url")
// runs. Until Redis answers the hand-over itself waits in this process: an instance that dies
// before Redis is back loses it (the README states this).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "bot/engine/engine.hpp"
#include "bot/store/deferred_store.hpp"

namespace mc::engine {

struct DeferredConfig {
  std::chrono::milliseconds retry_first{1'000};     ///< first attempt after the hand-over
  std::chrono::milliseconds retry_max{15'000};      ///< longest wait between attempts
  std::chrono::milliseconds give_up_after{60'000};  ///< since the request was accepted
  /// An entry claimed and not finished within this (its instance died) is handled by another.
  std::chrono::milliseconds lease{30'000};
  std::chrono::milliseconds interval{500};  ///< how often to look for due entries
  int batch = 32;                           ///< entries claimed at once
};

enum class DeferredOutcome {
  applied,  ///< handled (or found handled already): its effects are durable
  gave_up,  ///< never went through within give_up_after
};

/// Runs after an entry was applied or given up; best effort (its failures are its own to log).
using FollowUp =
    std::function<boost::asio::awaitable<void>(const store::DeferredEntry&, DeferredOutcome)>;

class Deferred {
 public:
  Deferred(boost::asio::any_io_executor executor, Engine& engine, store::DeferredStore& store,
           DeferredConfig config, core::NowFn now);
  ~Deferred();
  Deferred(const Deferred&) = delete;
  Deferred& operator=(const Deferred&) = delete;

  /// Registers what runs when an entry naming `name` as its follow-up is finished.
  void on_finished(std::string name, FollowUp follow_up);

  /// Hands `event` over (see above); returns at once.
  void submit(core::Inbound event, std::string follow_up, std::string data);

  /// Handles due entries until stop(); entries being handled finish first.
  boost::asio::awaitable<void> run();
  /// One pass: claims due entries and handles them; the number handled (applied or given up).
  boost::asio::awaitable<boost::system::result<int>> run_once();
  void stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace mc::engine
