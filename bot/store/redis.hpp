#pragma once

// One Redis connection driven by hiredis' async API on an Asio executor. Owns its connection:
// connects, authenticates, selects the db, reconnects with backoff, PINGs to check health. Every
// command has a deadline; a reply that arrives after it is dropped safely.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mc::store {

struct RedisConfig {
  std::string host = "127.0.0.1";
  unsigned short port = 6379;
  std::string username;  ///< empty = AUTH with the password only
  std::string password;  ///< empty = no AUTH
  int db = 0;
  std::chrono::milliseconds connect_timeout{2'000};
  std::chrono::milliseconds command_timeout{2'000};
  std::chrono::milliseconds reconnect_min{100};  ///< first backoff, doubled up to reconnect_max
  std::chrono::milliseconds reconnect_max{5'000};
  std::chrono::milliseconds health_interval{1'000};  ///< PING period while connected; 0 = none
};

/// redis://[[user]:password@]host[:port][/db]. The error names what is wrong.
boost::system::result<RedisConfig> parse_redis_url(std::string_view url, std::string* error);

/// A copy of a hiredis reply that outlives the callback.
struct Reply {
  enum class Type { nil, string, integer, array, status, error };
  Type type = Type::nil;
  std::string str;  ///< string, status or error text
  long long integer = 0;
  std::vector<Reply> elements;

  bool is_error() const { return type == Type::error; }
};

class RedisClient {
 public:
  RedisClient(boost::asio::any_io_executor executor, RedisConfig config);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  /// Starts connecting in the background (and reconnecting after every loss).
  void start();
  /// Closes the connection and stops reconnecting; pending commands fail.
  void stop();
  /// True while a connection is established and authenticated.
  bool connected() const;

  /// Sends one command. Errors: not connected, deadline passed, connection lost. A Redis error
  /// reply is a Reply with Type::error, not an error code.
  boost::asio::awaitable<boost::system::result<Reply>> command(std::vector<std::string> args);
  /// Sends commands back to back (one round trip) and returns their replies in order.
  boost::asio::awaitable<boost::system::result<std::vector<Reply>>> pipeline(
      std::vector<std::vector<std::string>> commands);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mc::store
