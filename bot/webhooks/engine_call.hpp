#pragma once

// One engine call running on its own, so a request can stop waiting for it without cancelling
// it (a commit must finish or fail on its own terms). A transport that must answer within a
// deadline (Slack's 3 s) waits a bounded time, answers, and decides later what became of it.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include "bot/engine/engine.hpp"

namespace mc::webhooks {

class EngineCall {
 public:
  /// Starts engine.handle(event) on `executor`; the call keeps itself alive until it finishes.
  static std::shared_ptr<EngineCall> start(boost::asio::any_io_executor executor,
                                           engine::Engine& engine, core::Inbound event);

  /// Waits up to `limit` (or until stop_waiting()); true when the call has finished.
  boost::asio::awaitable<bool> wait(std::chrono::milliseconds limit);
  /// Ends a wait in progress now (shutdown); the call itself goes on.
  void stop_waiting() { done_.cancel(); }

  bool finished() const { return result_.has_value(); }
  /// Finished, and its effects are durable (applied, or a duplicate of an applied event).
  bool handled() const { return result_ && *result_; }
  /// Its result; only once finished().
  const boost::system::result<engine::Handled>& result() const { return *result_; }
  const core::Inbound& event() const { return event_; }

  EngineCall(const boost::asio::any_io_executor& executor, core::Inbound event);

 private:
  core::Inbound event_;  ///< owned here: the engine reads it until the call finishes
  std::optional<boost::system::result<engine::Handled>> result_;
  boost::asio::steady_timer done_;  ///< cancelled when the result is set
};

}  // namespace mc::webhooks
