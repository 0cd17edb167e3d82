#pragma once

// The platform seam: everything one messaging platform brings to `serve` — its configuration
// section, its webhook routes, the outbox it sends from, its sender and rate limits, and its
// start-up calls — behind one interface, so serve() loops over the enabled platforms instead of
// branching on them. Adding a platform: a folder under adapters/ (verify, parse, render,
// client), a module under bot/app/platforms/ implementing this, and one line in
// platform_modules() (bot/app/platforms/registry.cpp).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bot/app/config.hpp"
#include "bot/core/rate_limits.hpp"
#include "bot/delivery/dispatcher.hpp"

namespace mc::engine {
class Engine;
class Deferred;
}  // namespace mc::engine
namespace mc::http {
class Client;
class Router;
}  // namespace mc::http

namespace mc::app {

/// What serve() gives each platform: the parts it shares with the others.
struct Wiring {
  boost::asio::any_io_executor executor;
  const Config& config;
  engine::Engine& engine;
  engine::Deferred& deferred;  ///< work a platform accepted and could not finish in time
  http::Client& http;
};

class Platform {
 public:
  virtual ~Platform() = default;
  /// Its outbox and the first word of its routes ("telegram" for "telegram:<bot>").
  virtual std::string_view name() const = 0;
  virtual void add_routes(http::Router& router) = 0;
  /// Renders and sends this platform's outbox messages.
  virtual delivery::Sender sender() = 0;
  virtual core::RouteLimits limits() const = 0;
  /// Start-up calls (who the bot is, webhook registration): retried until they succeed or
  /// stop(); the server works meanwhile.
  virtual boost::asio::awaitable<void> start() = 0;
  /// Ends start-up retries and background work; in-flight requests finish on their own.
  virtual void stop() = 0;
};

/// One platform's entry in the registry.
struct PlatformModule {
  std::string_view name;
  /// Its environment variables, for `microcourse env` and the README; the first one enables it
  /// (its token).
  const std::vector<Variable>& (*variables)();
  /// Reads its section (problems go to the reader's errors); never null.
  std::shared_ptr<const PlatformSettings> (*load)(EnvReader& env);
  /// Builds the platform from its settings (only when they are enabled()).
  std::unique_ptr<Platform> (*make)(const PlatformSettings& settings, Wiring& wiring);
};

/// Paces a platform's start-up calls until they succeed: 1 s, doubling up to a minute.
class StartupBackoff {
 public:
  explicit StartupBackoff(const boost::asio::any_io_executor& executor) : timer_(executor) {}
  /// The wait before the next try.
  std::chrono::seconds delay() const { return delay_; }
  /// Waits delay(), then doubles it; false when stop() ended the wait.
  boost::asio::awaitable<bool> wait();
  void stop() { timer_.cancel(); }

 private:
  boost::asio::steady_timer timer_;
  std::chrono::seconds delay_{1};
};

/// "<name> on via <api_url> (token set, secret unset)" or "<name> off (...)": a platform's part
/// of the start-up log line; secrets only ever as set/unset.
std::string describe_platform(std::string_view name, bool enabled, std::string_view api_url,
                              std::initializer_list<std::pair<std::string_view, bool>> secrets);

/// Every platform this build knows, in a fixed order.
const std::vector<PlatformModule>& platform_modules();

}  // namespace mc::app
