#pragma once

// The Beast HTTP/1.1 server: one coroutine per connection, bounded bodies and headers, read and
// idle timeouts, keep-alive, graceful shutdown.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "bot/http/message.hpp"

namespace mc::http {

struct ServerConfig {
  std::string bind = "0.0.0.0";
  unsigned short port = 8080;                      ///< 0 = an ephemeral port (tests)
  std::size_t body_limit = 1024 * 1024;            ///< larger bodies get 413 without being read
  std::size_t header_limit = 16 * 1024;            ///< larger headers get 431
  std::chrono::milliseconds read_timeout{10'000};  ///< whole request, from its first byte
  std::chrono::milliseconds idle_timeout{60'000};  ///< keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{10'000};
  std::chrono::milliseconds shutdown_grace{10'000};  ///< in-flight requests get this long
};

/// Runs every connection on `executor`, which must not run handlers concurrently (an io_context
/// run by one thread, or a strand). A handler must honour cancellation (every Asio operation
/// does): when shutdown_grace is over, a handler still running is cancelled, and shutdown()
/// returns once it has ended.
class Server {
 public:
  using Handler = std::function<boost::asio::awaitable<Response>(Request)>;

  Server(boost::asio::any_io_executor executor, ServerConfig config, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and listens; returns the bound endpoint (the real port when config.port is 0).
  boost::system::result<boost::asio::ip::tcp::endpoint> listen();
  /// Starts accepting (after listen()).
  void start();
  /// Stops accepting, lets in-flight requests finish within shutdown_grace, then closes every
  /// connection. Idle keep-alive connections are closed at once.
  boost::asio::awaitable<void> shutdown();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mc::http
