#pragma once

// One Redis connection driven by hiredis' async API on an Asio executor. Owns its connection:
// connects, authenticates, selects the db, reconnects with backoff, PINGs to check health. Every
// command has a deadline; a reply that arrives after it is dropped safely.
//
// Threading: every hiredis call runs on a strand of the executor given to the constructor, so
// command() may be awaited from coroutines on any executor (it hops to the strand and back).
// Destroy the client while its execution context still exists (the destructor stops the client
// on the strand).
//
// Metrics (registry from RedisConfig::metrics): counter microcourse_redis_errors_total{kind} with
// kind = connect (a connect/handshake attempt failed), timeout (a command or health PING passed
// its deadline), disconnect (an established connection was lost or dropped); gauge
// microcourse_redis_connected{client=<RedisConfig::name>} 1/0. kind = reply (Redis answered with
// an error the caller did not expect) is counted by the stores, which know what they expect
// (reply.hpp).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "bot/store/errors.hpp"
#include "bot/store/reply.hpp"

namespace mc::metrics {
class Registry;
}

namespace mc::store {

struct RedisConfig {
  std::string host = "127.0.0.1";
  unsigned short port = 6379;
  std::string username;  ///< empty = AUTH with the password only
  std::string password;  ///< empty = no AUTH
  int db = 0;
  std::chrono::milliseconds connect_timeout{2'000};  ///< resolve + TCP connect + AUTH/SELECT
  std::chrono::milliseconds command_timeout{2'000};
  std::chrono::milliseconds reconnect_min{100};  ///< first backoff, doubled up to reconnect_max
  std::chrono::milliseconds reconnect_max{5'000};
  std::chrono::milliseconds health_interval{1'000};  ///< PING period while connected; 0 = none
  std::string name = "main";             ///< label of this connection in logs and metrics
  metrics::Registry* metrics = nullptr;  ///< nullptr = metrics::Registry::global()
};

class RedisClient {
 public:
  RedisClient(boost::asio::any_io_executor executor, RedisConfig config);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  /// Starts connecting in the background (and reconnecting after every loss). Idempotent.
  void start();
  /// Closes the connection and stops reconnecting; pending commands fail. Final: a stopped
  /// client does not start again.
  void stop();
  /// True while a connection is established and authenticated.
  bool connected() const;

  /// Sends one command. Errors: not connected, deadline passed, connection lost. A Redis error
  /// reply is a Reply with Type::error, not an error code.
  boost::asio::awaitable<boost::system::result<Reply>> command(std::vector<std::string> args);
  /// As above with its own deadline instead of command_timeout (for blocking commands such as
  /// XREADGROUP ... BLOCK, whose deadline must cover the block time).
  boost::asio::awaitable<boost::system::result<Reply>> command(std::vector<std::string> args,
                                                               std::chrono::milliseconds timeout);
  /// Sends commands back to back (one round trip) and returns their replies in order.
  boost::asio::awaitable<boost::system::result<std::vector<Reply>>> pipeline(
      std::vector<std::vector<std::string>> commands);

  const RedisConfig& config() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mc::store
