#pragma once

// Helpers for the HTTP tests: running an io_context to completion with a hang guard, a raw TCP
// client, a scriptable fake HTTP server (plain or TLS) and throwaway self-signed certificates.
// Everything listens and connects on 127.0.0.1 only.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bot/http/message.hpp"

namespace mc::http::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using RawResponse = boost::beast::http::response<boost::beast::http::string_body>;

/// Spawns `fn` (a coroutine function object, kept alive until it finishes), runs `ioc` until it
/// has no work left, and rethrows what the coroutine threw. Fails the current test when work is
/// still pending after `limit`: that is a hang, not a slow machine (nothing waits that long).
void run_to_completion(asio::io_context& ioc, std::function<asio::awaitable<void>()> fn,
                       std::chrono::seconds limit = std::chrono::seconds(60));

// --- A raw client: exactly the bytes the test writes, Beast only to parse responses. ---

asio::awaitable<tcp::socket> connect_to(tcp::endpoint endpoint);
/// Error code of connecting (a refused connection is not an exception here).
asio::awaitable<error_code> try_connect(tcp::endpoint endpoint);
asio::awaitable<error_code> send(tcp::socket& socket, std::string_view bytes);

struct ReadResult {
  error_code ec;
  RawResponse response;
};
asio::awaitable<ReadResult> read_response(tcp::socket& socket, boost::beast::flat_buffer& buffer);

/// Reads until the peer closes the connection; `ec` is eof or a reset, `data` what came before.
struct ClosedResult {
  error_code ec;
  std::string data;
};
asio::awaitable<ClosedResult> read_until_closed(tcp::socket& socket);

/// Waits until `cancel()` is called on the event (from any coroutine on the same executor).
class Event {
 public:
  explicit Event(asio::any_io_executor ex);
  ~Event();
  void set();
  bool is_set() const { return set_; }
  asio::awaitable<void> wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool set_ = false;
};

// --- Throwaway certificates ---

/// A self-signed certificate (also its own CA) with the given subjectAltNames, written to a
/// temporary PEM file that is removed with this object.
class TestCert {
 public:
  TestCert(const std::vector<std::string>& dns_names, const std::vector<std::string>& ips);
  ~TestCert();
  TestCert(const TestCert&) = delete;
  TestCert& operator=(const TestCert&) = delete;

  const std::string& cert_pem() const { return cert_pem_; }
  const std::string& key_pem() const { return key_pem_; }
  /// The certificate as a PEM file: a ca_file for the client.
  const std::filesystem::path& cert_file() const { return cert_file_; }
  /// A TLS server context serving this certificate.
  std::unique_ptr<asio::ssl::context> server_context() const;

 private:
  std::string cert_pem_;
  std::string key_pem_;
  std::filesystem::path cert_file_;
};

// --- A scriptable server for client tests ---

/// What the fake server does with a request.
struct Reply {
  Response response;
  /// Close the socket right after the response without saying so (no `Connection: close`), as
  /// a server whose idle timeout fires does.
  bool close_after = false;
  /// Send nothing: hold the connection until the client gives up.
  bool hang = false;
};

/// A Beast HTTP/1.1 server on 127.0.0.1 that counts the connections it accepts and the requests
/// it reads, and answers each request with `respond(request, connection_number)`.
class FakeServer {
 public:
  using Respond = std::function<asio::awaitable<Reply>(const Request&, std::size_t connection)>;

  /// `tls`: serve TLS with this context (kept alive by the caller).
  FakeServer(asio::any_io_executor ex, Respond respond, asio::ssl::context* tls = nullptr);
  ~FakeServer();

  /// Listens on 127.0.0.1 on an ephemeral port and starts accepting.
  tcp::endpoint start();
  /// Closes the acceptor and every connection.
  void stop();

  std::size_t connections() const;
  std::size_t requests() const;
  /// The SNI host name of the last TLS handshake (empty when none was sent).
  std::string last_sni() const;
  /// Connections whose TLS handshake failed.
  std::size_t failed_handshakes() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mc::http::test
