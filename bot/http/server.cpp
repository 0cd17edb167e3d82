#include "bot/http/server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <exception>
#include <limits>
#include <optional>
#include <set>
#include <string_view>
#include <variant>

namespace mc::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using namespace asio::experimental::awaitable_operators;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

/// Bytes asked for when waiting for the first byte of a request.
constexpr std::size_t kFirstRead = 4096;
/// After a response that closes the connection we stop sending and read (and drop) what the
/// client still sends, so that closing with unread data does not reset the connection before
/// the client has read our response. Bounded in time and bytes.
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr std::size_t kLingerBytes = 4 * 1024 * 1024;
/// Wait before accepting again after an accept error (e.g. out of file descriptors).
constexpr std::chrono::milliseconds kAcceptBackoff{100};

/// Expected ends of a connection (peer closed, timeouts, shutdown) are logged at debug level too:
/// they are the client's business, not ours.
void fail(error_code ec, std::string_view what) {
  spdlog::debug("http server {}: {}", what, ec.message());
}

/// The status a parse error is answered with; nullopt when there is nobody to answer (the peer
/// is gone, the stream timed out and is closed) or nothing the client did wrong.
std::optional<bhttp::status> status_for(error_code ec) {
  if (ec == bhttp::error::body_limit) return bhttp::status::payload_too_large;
  if (ec == bhttp::error::header_limit) return bhttp::status::request_header_fields_too_large;
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return {};
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) {
    return bhttp::status::bad_request;
  }
  return {};
}

const char* reason_for(bhttp::status status) {
  switch (status) {
    case bhttp::status::payload_too_large:
      return "request body too large";
    case bhttp::status::request_header_fields_too_large:
      return "request header too large";
    default:
      return "malformed request";
  }
}

struct Connection {
  enum class State {
    idle,     ///< waiting for the first byte of a request: closed at once by shutdown()
    busy,     ///< reading a request, handling it or writing the response: finished by shutdown()
    closing,  ///< lingering after the last response: closed at once by shutdown()
  };

  explicit Connection(tcp::socket socket)
      : stream(std::move(socket)), kill(stream.get_executor()) {}

  beast::tcp_stream stream;
  State state = State::idle;
  /// Cancelled when shutdown_grace is over: ends a handler that is still running.
  asio::steady_timer kill;
  bool killed = false;

  void force_close() {
    killed = true;
    kill.cancel();
    stream.close();
  }
};

}  // namespace

struct Server::Impl {
  Impl(asio::any_io_executor ex, ServerConfig cfg, Handler h)
      : executor(ex),
        config(std::move(cfg)),
        handler(std::move(h)),
        acceptor(ex),
        accept_backoff(ex),
        drained(ex) {}

  asio::any_io_executor executor;
  ServerConfig config;
  Handler handler;
  tcp::acceptor acceptor;
  asio::steady_timer accept_backoff;
  /// shutdown() waits on it; cancelled whenever a task (accept loop or session) ends.
  asio::steady_timer drained;
  std::set<Connection*> connections;
  /// The accept loop and the sessions that are still running.
  std::size_t tasks = 0;
  bool started = false;
  bool stopping = false;

  void task_done() {
    --tasks;
    if (stopping) drained.cancel();
  }

  void spawn_session(const std::shared_ptr<Impl>& self, tcp::socket socket) {
    auto conn = std::make_shared<Connection>(std::move(socket));
    connections.insert(conn.get());
    ++tasks;
    asio::co_spawn(executor, run_session(self, std::move(conn)), asio::detached);
  }

  static asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self) {
    while (!self->stopping) {
      auto [ec, socket] = co_await self->acceptor.async_accept(kNoThrow);
      if (self->stopping) break;
      if (ec) {
        fail(ec, "accept");
        self->accept_backoff.expires_after(kAcceptBackoff);
        co_await self->accept_backoff.async_wait(kNoThrow);
        continue;
      }
      self->spawn_session(self, std::move(socket));
    }
    self->task_done();
  }

  static asio::awaitable<void> run_session(std::shared_ptr<Impl> self,
                                           std::shared_ptr<Connection> conn) {
    // Nothing may escape a session: every I/O edge is non-throwing, and whatever else throws
    // (allocation, a cancelled coroutine) ends this connection only.
    try {
      co_await self->serve(*conn);
    } catch (const std::exception& e) {
      spdlog::debug("http server session ended: {}", e.what());
    } catch (...) {
      spdlog::debug("http server session ended by a non-standard exception");
    }
    conn->stream.close();
    self->connections.erase(conn.get());
    self->task_done();
  }

  asio::awaitable<void> serve(Connection& conn) {
    beast::tcp_stream& stream = conn.stream;
    beast::flat_buffer buffer;
    bool first = true;
    for (;;) {
      // A new connection must start its request within read_timeout; a kept-alive one may wait
      // idle_timeout for the next. A request already buffered (pipelined) needs no wait.
      if (buffer.size() == 0) {
        conn.state = Connection::State::idle;
        if (stopping) co_return;
        stream.expires_after(first ? config.read_timeout : config.idle_timeout);
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(kFirstRead), kNoThrow);
        if (ec) {
          fail(ec, "wait for request");
          co_return;
        }
        buffer.commit(n);
      }
      first = false;
      conn.state = Connection::State::busy;

      // The whole request, header and body, must arrive within read_timeout of its first
      // byte: the deadline is set once, so a client trickling bytes is cut off.
      stream.expires_after(config.read_timeout);
      bhttp::request_parser<bhttp::string_body> parser;
      parser.body_limit(config.body_limit);
      parser.header_limit(static_cast<std::uint32_t>(
          std::min<std::size_t>(config.header_limit, std::numeric_limits<std::uint32_t>::max())));
      // A declared Content-Length over body_limit fails here, before any body byte is read.
      auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, kNoThrow);
      error_code ec = hec;
      if (!ec && !parser.is_done()) {
        // The client waits for a go-ahead before sending the body (HTTP/1.1 only).
        if (parser.get().version() >= 11 &&
            beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
          static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          auto [cec, cn] = co_await asio::async_write(stream, asio::buffer(kContinue), kNoThrow);
          ec = cec;
        }
        if (!ec) {
          auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kNoThrow);
          ec = bec;
        }
      }
      if (ec) {
        if (auto status = status_for(ec)) {
          fail(ec, "read request");
          co_await reply_error(conn, *status);
        } else {
          fail(ec, "read request");
        }
        co_return;
      }

      Request req = parser.release();
      const bool client_keeps_alive = req.keep_alive();
      stream.expires_never();
      bool threw = false;
      auto outcome = co_await (call_handler(std::move(req), threw) || wait_kill(conn));
      if (outcome.index() != 0 || conn.killed) co_return;  // forced shutdown
      if (threw) co_return;  // no answer is better than one the router did not decide
      Response& res = std::get<0>(outcome);

      const bool keep_alive = client_keeps_alive && res.keep_alive() && !stopping;
      res.keep_alive(keep_alive);
      if (!res.has_content_length() && !res.chunked()) res.prepare_payload();
      stream.expires_after(config.write_timeout);
      auto [wec, wn] = co_await bhttp::async_write(stream, res, kNoThrow);
      if (wec) {
        fail(wec, "write response");
        co_return;
      }
      if (!keep_alive) {
        co_await close_gracefully(conn);
        co_return;
      }
    }
  }

  /// Answers a request that could not be read, then closes: the rest of the request is never
  /// read, so the connection cannot carry another one.
  asio::awaitable<void> reply_error(Connection& conn, bhttp::status status) {
    Request head{bhttp::verb::unknown, "", 11};
    Response res = json_error(head, status, reason_for(status));
    res.keep_alive(false);
    conn.stream.expires_after(config.write_timeout);
    auto [ec, n] = co_await bhttp::async_write(conn.stream, res, kNoThrow);
    if (ec) {
      fail(ec, "write error response");
      co_return;
    }
    co_await close_gracefully(conn);
  }

  asio::awaitable<void> close_gracefully(Connection& conn) {
    conn.state = Connection::State::closing;
    error_code ec;
    conn.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec || stopping) co_return;
    conn.stream.expires_after(
        std::min<std::chrono::milliseconds>(kLingerTime, config.read_timeout));
    std::array<char, 4096> sink;
    std::size_t drained_bytes = 0;
    while (drained_bytes < kLingerBytes) {
      auto [rec, n] = co_await conn.stream.async_read_some(asio::buffer(sink), kNoThrow);
      if (rec) break;  // the client closed (normal), or the linger time is over
      drained_bytes += n;
    }
  }

  /// Never throws. HTTP status is the router's to decide (it answers a failing route with 500);
  /// a handler that throws anyway is a bug: logged, `threw` set, and the connection closed.
  asio::awaitable<Response> call_handler(Request req, bool& threw) {
    std::string what;
    try {
      co_return co_await handler(std::move(req));
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      what = "non-standard exception";
    }
    threw = true;
    if (stopping) {
      spdlog::debug("http handler ended during shutdown: {}", what);
    } else {
      spdlog::error("http handler threw, closing the connection: {}", what);
    }
    co_return Response{};
  }

  static asio::awaitable<void> wait_kill(Connection& conn) {
    conn.kill.expires_at(asio::steady_timer::time_point::max());
    co_await conn.kill.async_wait(kNoThrow);
  }

  static asio::awaitable<void> shutdown(std::shared_ptr<Impl> self) {
    if (self->stopping) co_return;
    self->stopping = true;
    error_code ec;
    self->acceptor.close(ec);
    self->accept_backoff.cancel();
    for (Connection* conn : self->connections) {
      if (conn->state != Connection::State::busy) conn->stream.close();
    }

    self->drained.expires_after(self->config.shutdown_grace);
    while (self->tasks > 0) {
      auto [wec] = co_await self->drained.async_wait(kNoThrow);
      if (!wec) break;  // the grace period is over
    }
    if (self->tasks == 0) co_return;

    spdlog::info("http server: closing {} connection(s) still busy after the shutdown grace",
                 self->connections.size());
    for (Connection* conn : self->connections) conn->force_close();
    self->drained.expires_at(asio::steady_timer::time_point::max());
    while (self->tasks > 0) co_await self->drained.async_wait(kNoThrow);
  }
};

Server::Server(asio::any_io_executor executor, ServerConfig config, Handler handler)
    : impl_(std::make_shared<Impl>(executor, std::move(config), std::move(handler))) {}

Server::~Server() {
  // Sessions and the accept loop own the Impl and end on their own once their sockets close.
  std::shared_ptr<Impl> impl = impl_;
  asio::dispatch(impl->executor, [impl] {
    impl->stopping = true;
    error_code ec;
    impl->acceptor.close(ec);
    impl->accept_backoff.cancel();
    for (Connection* conn : impl->connections) conn->force_close();
  });
}

boost::system::result<tcp::endpoint> Server::listen() {
  error_code ec;
  const auto address = asio::ip::make_address(impl_->config.bind, ec);
  if (ec) return ec;
  const tcp::endpoint endpoint{address, impl_->config.port};
  tcp::acceptor& acceptor = impl_->acceptor;
  // On failure the acceptor is closed again, so a later listen() can retry.
  auto failed = [&acceptor](error_code e) {
    error_code ignored;
    acceptor.close(ignored);
    return e;
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return failed(ec);
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return failed(ec);
  acceptor.bind(endpoint, ec);
  if (ec) return failed(ec);
  acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return failed(ec);
  auto bound = acceptor.local_endpoint(ec);
  if (ec) return failed(ec);
  return bound;
}

void Server::start() {
  if (impl_->started || !impl_->acceptor.is_open()) return;
  impl_->started = true;
  ++impl_->tasks;
  asio::co_spawn(impl_->executor, Impl::accept_loop(impl_), asio::detached);
}

asio::awaitable<void> Server::shutdown() { return Impl::shutdown(impl_); }

}  // namespace mc::http
