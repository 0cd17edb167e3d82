#pragma once

// An HTTP/1.1 client for platform APIs: https with certificate verification against the system
// CA store and SNI, plain http for local fakes, keep-alive connection reuse per host, a deadline
// on every request.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mc::http {

struct ClientRequest {
  boost::beast::http::verb method = boost::beast::http::verb::post;
  std::string url;  ///< absolute: http://host:port/path?query or https://...
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::chrono::milliseconds timeout{15'000};  ///< connect + write + read
};

struct ClientResponse {
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// First header with this name (case-insensitive), empty when absent.
  std::string header(std::string_view name) const;
};

struct ClientConfig {
  std::size_t max_idle_per_host = 4;  ///< idle keep-alive connections kept per host
  std::size_t body_limit = 8 * 1024 * 1024;
  std::string ca_file;  ///< empty = the system CA store
  std::string user_agent = "microcourse/0.1";
  /// Host names answered without DNS (like curl's --resolve): name -> IP address. The name is
  /// still what TLS verifies and sends as SNI. For pinning an API host, and for tests that
  /// must not depend on the machine's resolver.
  std::vector<std::pair<std::string, std::string>> resolve;
};

/// All members are called on the executor's thread (a single-threaded io_context or a strand);
/// the destructor too, and it aborts requests still in flight like close() does.
class Client {
 public:
  Client(boost::asio::any_io_executor executor, ClientConfig config = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  /// Any HTTP status is a result; an error means no response (DNS, connect, TLS, timeout,
  /// malformed response). Safe to call concurrently from coroutines on the same executor.
  boost::asio::awaitable<boost::system::result<ClientResponse>> request(ClientRequest req);

  /// Closes idle connections, and aborts requests in flight (they return
  /// boost::asio::error::operation_aborted). The client stays usable.
  void close();

  /// Idle keep-alive connections in the pool, all hosts together (tests, diagnostics).
  std::size_t idle_connections() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mc::http
