#include "bot/http/server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>
#include <stdexcept>

#include "tests/http/support.hpp"

namespace mc::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;
using bhttp::status;
using test::connect_to;
using test::read_response;
using test::read_until_closed;
using test::run_to_completion;
using test::send;
using tcp = asio::ip::tcp;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

/// Limits small enough to exceed in a test; timeouts long enough never to fire unless a test
/// shortens one on purpose.
ServerConfig test_config() {
  ServerConfig cfg;
  cfg.bind = "127.0.0.1";
  cfg.port = 0;
  cfg.body_limit = 1024;
  cfg.header_limit = 1024;
  cfg.read_timeout = 30s;
  cfg.idle_timeout = 30s;
  cfg.write_timeout = 30s;
  cfg.shutdown_grace = 30s;
  return cfg;
}

/// Answers "<METHOD> <target> <body>" and counts its calls.
struct Echo {
  int calls = 0;
  Server::Handler handler() {
    return [this](Request req) -> asio::awaitable<Response> {
      ++calls;
      std::string text =
          std::string(req.method_string()) + " " + std::string(req.target()) + " " + req.body();
      co_return make_response(req, status::ok, std::move(text));
    };
  }
};

/// A started server on 127.0.0.1 and its endpoint.
struct Running {
  Running(asio::io_context& ioc, ServerConfig cfg, Server::Handler handler)
      : server(ioc.get_executor(), std::move(cfg), std::move(handler)) {
    auto bound = server.listen();
    if (!bound) throw std::runtime_error("listen: " + bound.error().message());
    endpoint = *bound;
    server.start();
  }
  Server server;
  tcp::endpoint endpoint;
};

TEST(Server, ListenReportsTheEphemeralPort) {
  asio::io_context ioc;
  Server server(ioc.get_executor(), test_config(), Echo{}.handler());
  auto bound = server.listen();
  ASSERT_TRUE(bound) << bound.error().message();
  EXPECT_NE(bound->port(), 0);
  EXPECT_EQ(bound->address().to_string(), "127.0.0.1");

  ServerConfig bad = test_config();
  bad.bind = "not-an-address";
  Server other(ioc.get_executor(), bad, Echo{}.handler());
  EXPECT_FALSE(other.listen());
}

TEST(Server, AnswersGetAndPost) {
  asio::io_context ioc;
  Echo echo;
  Running running(ioc, test_config(), echo.handler());
  test::ReadResult get, post;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    auto socket = co_await connect_to(running.endpoint);
    beast::flat_buffer buffer;
    co_await send(socket, "GET /hello?x=1 HTTP/1.1\r\nHost: t\r\n\r\n");
    get = co_await read_response(socket, buffer);
    co_await send(socket,
                  "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n"
                  "Content-Length: 4\r\n\r\nping");
    post = co_await read_response(socket, buffer);
    co_await running.server.shutdown();
  });
  ASSERT_FALSE(get.ec) << get.ec.message();
  EXPECT_EQ(get.response.result(), status::ok);
  EXPECT_EQ(get.response.body(), "GET /hello?x=1 ");
  EXPECT_EQ(get.response[bhttp::field::content_type], "text/plain; charset=utf-8");
  ASSERT_FALSE(post.ec) << post.ec.message();
  EXPECT_EQ(post.response.result(), status::ok);
  EXPECT_EQ(post.response.body(), "POST /echo ping");
  EXPECT_EQ(echo.calls, 2);
}

TEST(Server, KeepAliveFollowsTheRequest) {
  struct Case {
    const char* name;
    const char* request;
    bool stays_open;
  };
  const Case cases[] = {
      {"HTTP/1.1 keeps alive by default", "GET /a HTTP/1.1\r\nHost: t\r\n\r\n", true},
      {"HTTP/1.1 Connection: close", "GET /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
       false},
      {"HTTP/1.0 closes by default", "GET /a HTTP/1.0\r\n\r\n", false},
      {"HTTP/1.0 Connection: keep-alive", "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
       true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    asio::io_context ioc;
    Echo echo;
    Running running(ioc, test_config(), echo.handler());
    test::ReadResult first, second;
    test::ClosedResult closed;
    run_to_completion(ioc, [&]() -> asio::awaitable<void> {
      auto socket = co_await connect_to(running.endpoint);
      beast::flat_buffer buffer;
      co_await send(socket, c.request);
      first = co_await read_response(socket, buffer);
      if (c.stays_open) {
        co_await send(socket, "GET /b HTTP/1.1\r\nHost: t\r\n\r\n");
        second = co_await read_response(socket, buffer);
      } else {
        closed = co_await read_until_closed(socket);
      }
      co_await running.server.shutdown();
    });
    ASSERT_FALSE(first.ec) << first.ec.message();
    EXPECT_EQ(first.response.result(), status::ok);
    EXPECT_EQ(first.response.keep_alive(), c.stays_open);
    if (c.stays_open) {
      ASSERT_FALSE(second.ec) << second.ec.message();
      EXPECT_EQ(second.response.body(), "GET /b ");
      EXPECT_EQ(echo.calls, 2);
    } else {
      EXPECT_EQ(closed.ec, asio::error::eof);
      EXPECT_EQ(closed.data, "");
      EXPECT_EQ(echo.calls, 1);
    }
  }
}

TEST(Server, AnswersPipelinedRequestsInOrder) {
  asio::io_context ioc;
  Echo echo;
  Running running(ioc, test_config(), echo.handler());
  test::ReadResult first, second;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    auto socket = co_await connect_to(running.endpoint);
    beast::flat_buffer buffer;
    co_await send(socket,
                  "GET /1 HTTP/1.1\r\nHost: t\r\n\r\n"
                  "POST /2 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
    first = co_await read_response(socket, buffer);
    second = co_await read_response(socket, buffer);
    co_await running.server.shutdown();
  });
  ASSERT_FALSE(first.ec);
  ASSERT_FALSE(second.ec);
  EXPECT_EQ(first.response.body(), "GET /1 ");
  EXPECT_EQ(second.response.body(), "POST /2 abc");
}

TEST(Server, DeclaredBodyOverTheLimitIs413BeforeTheBodyIsSent) {
  asio::io_context ioc;
  Echo echo;
  Running running(ioc, test_config(), echo.handler());
  test::ReadResult answer;
  test::ClosedResult closed;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    auto socket = co_await connect_to(running.endpoint);
    beast::flat_buffer buffer;
    // Only the header: a server that waited for the body would never answer.
    co_await send(socket, "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1048576\r\n\r\n");
    answer = co_await read_response(socket, buffer);
    closed = co_await read_until_closed(socket);
    co_await running.server.shutdown();
  });
  ASSERT_FALSE(answer.ec) << answer.ec.message();
  EXPECT_EQ(answer.response.result(), status::payload_too_large);
  EXPECT_FALSE(answer.response.keep_alive());
  EXPECT_EQ(closed.ec, asio::error::eof);
  EXPECT_EQ(echo.calls, 0);
}

TEST(Server, ChunkedBodyOverTheLimitIs413) {
  asio::io_context ioc;
  Echo echo;
  Running running(ioc, test_config(), echo.handler());
  test::ReadResult answer;
  test::ClosedResult closed;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    auto socket = co_await connect_to(running.endpoint);
    beast::flat_buffer buffer;
    std::string request = "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 8; ++i) request += "200\r\n" + std::string(0x200, 'x') + "\r\n";
    request += "0\r\n\r\n";
    co_await send(socket, request);
    answer = co_await read_response(socket, buffer);
    closed = co_await read_until_closed(socket);
    co_await running.server.shutdown();
  });
  ASSERT_FALSE(answer.ec) << answer.ec.message();
  EXPECT_EQ(answer.response.result(), status::payload_too_large);
  EXPECT_NE(closed.ec, boost::system::error_code{});
  EXPECT_EQ(echo.calls, 0);
}

TEST(Server, ExpectContinueGetsAnInterimResponse) {
  asio::io_context ioc;
  Echo echo;
  Running running(ioc, test_config(), echo.handler());
  test::ReadResult interim, final_response;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    auto socket = co_await connect_to(running.endpoint);
    beast::flat_buffer buffer;
    co_await send(
        socket, "POST /e HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    interim = co_await read_response(socket, buffer);
    co_await send(socket, "body");
    final_response = co_await read_response(socket, buffer);
    co_await running.server.shutdown();
  });
  ASSERT_FALSE(interim.ec) << interim.ec.message();
  EXPECT_EQ(interim.response.result(), status::continue_);
  ASSERT_FALSE(final_response.ec) << final_response.ec.message();
  EXPECT_EQ(final_response.response.body(), "POST /e body");
}

TEST(Server, HugeHeaderIs431) {
  asio::io_context ioc;
  Echo echo;
  Running running(ioc, test_config(), echo.handler());
  test::ReadResult answer;
  test::ClosedResult closed;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    auto socket = co_await connect_to(running.endpoint);
    beast::flat_buffer buffer;
    co_await send(socket,
                  "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n");
    answer = co_await read_response(socket, buffer);
    closed = co_await read_until_closed(socket);
    co_await running.server.shutdown();
  });
  ASSERT_FALSE(answer.ec) << answer.ec.message();
  EXPECT_EQ(answer.response.result(), status::request_header_fields_too_large);
  EXPECT_NE(closed.ec, boost::system::error_code{});
  EXPECT_EQ(echo.calls, 0);
}

TEST(Server, MalformedRequestIs400AndTheServerCarriesOn) {
  struct Case {
    const char* name;
    std::string bytes;
  };
  const Case cases[] = {
      {"not HTTP", "HELLO THERE\r\n\r\n"},
      {"bad version", "GET / HTTP/x.y\r\n\r\n"},
      {"header without colon", "GET / HTTP/1.1\r\nHost t\r\n\r\n"},
      {"bad content length", "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"},
      {"bad chunk size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n"},
      {"NUL in the target", std::string("GET /\0 HTTP/1.1\r\n\r\n", 19)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    asio::io_context ioc;
    Echo echo;
    Running running(ioc, test_config(), echo.handler());
    test::ReadResult answer, after;
    test::ClosedResult closed;
    run_to_completion(ioc, [&]() -> asio::awaitable<void> {
      {
        auto socket = co_await connect_to(running.endpoint);
        beast::flat_buffer buffer;
        co_await send(socket, c.bytes);
        answer = co_await read_response(socket, buffer);
        closed = co_await read_until_closed(socket);
      }
      auto socket = co_await connect_to(running.endpoint);
      beast::flat_buffer buffer;
      co_await send(socket, "GET /still-there HTTP/1.1\r\nHost: t\r\n\r\n");
      after = co_await read_response(socket, buffer);
      co_await running.server.shutdown();
    });
    ASSERT_FALSE(answer.ec) << answer.ec.message();
    EXPECT_EQ(answer.response.result(), status::bad_request);
    EXPECT_EQ(closed.ec, asio::error::eof);
    ASSERT_FALSE(after.ec) << after.ec.message();
    EXPECT_EQ(after.response.body(), "GET /still-there ");
    EXPECT_EQ(echo.calls, 1);
  }
}

TEST(Server, SurvivesRandomBytes) {
  asio::io_context ioc;
  Echo echo;
  ServerConfig cfg = test_config();
  cfg.read_timeout = 300ms;  // inputs that stop mid-request are cut off
  cfg.idle_timeout = 300ms;
  Running running(ioc, cfg, echo.handler());
  int answered_or_closed = 0;
  test::ReadResult after;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    std::mt19937 rng(20240601);  // fixed seed: the same inputs every run
    const std::string prefixes[] = {"", "GET / HTTP/1.1\r\n",
                                    "POST / HTTP/1.1\r\nContent-Length: 5\r\n",
                                    "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"};
    for (int i = 0; i < 40; ++i) {
      std::string bytes = prefixes[i % 4];
      const std::size_t n = rng() % 300;
      for (std::size_t k = 0; k < n; ++k) bytes += static_cast<char>(rng() % 256);
      auto socket = co_await connect_to(running.endpoint);
      co_await send(socket, bytes);
      auto closed = co_await read_until_closed(socket);
      if (closed.ec) ++answered_or_closed;
    }
    auto socket = co_await connect_to(running.endpoint);
    beast::flat_buffer buffer;
    co_await send(socket, "GET /ok HTTP/1.1\r\nHost: t\r\n\r\n");
    after = co_await read_response(socket, buffer);
    co_await running.server.shutdown();
  });
  EXPECT_EQ(answered_or_closed, 40);
  ASSERT_FALSE(after.ec) << after.ec.message();
  EXPECT_EQ(after.response.body(), "GET /ok ");
}

TEST(Server, ThrowingHandlerClosesTheConnectionAndTheServerGoesOn) {
  // The status of a failing route is the router's to decide (RouterTest covers its 500); a
  // handler that throws past it gets no made-up answer, and the server keeps serving.
  asio::io_context ioc;
  Running running(ioc, test_config(), [](Request req) -> asio::awaitable<Response> {
    if (req.target() == "/boom") throw std::runtime_error("boom");
    co_return make_response(req, status::ok, "fine");
  });
  test::ReadResult answer;
  test::ReadResult next;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    auto socket = co_await connect_to(running.endpoint);
    beast::flat_buffer buffer;
    co_await send(socket, "GET /boom HTTP/1.1\r\nHost: t\r\n\r\n");
    answer = co_await read_response(socket, buffer);
    auto again = co_await connect_to(running.endpoint);
    beast::flat_buffer buffer2;
    co_await send(again, "GET /ok HTTP/1.1\r\nHost: t\r\n\r\n");
    next = co_await read_response(again, buffer2);
    co_await running.server.shutdown();
  });
  EXPECT_TRUE(answer.ec) << "expected the connection to be closed, got "
                         << answer.response.result_int();
  ASSERT_FALSE(next.ec) << next.ec.message();
  EXPECT_EQ(next.response.body(), "fine");
}

TEST(Server, HandlerCanCloseTheConnection) {
  asio::io_context ioc;
  Running running(ioc, test_config(), [](Request req) -> asio::awaitable<Response> {
    Response res = make_response(req, status::ok, "bye");
    res.keep_alive(false);
    co_return res;
  });
  test::ReadResult answer;
  test::ClosedResult closed;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    auto socket = co_await connect_to(running.endpoint);
    beast::flat_buffer buffer;
    co_await send(socket, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    answer = co_await read_response(socket, buffer);
    closed = co_await read_until_closed(socket);
    co_await running.server.shutdown();
  });
  ASSERT_FALSE(answer.ec);
  EXPECT_EQ(answer.response.body(), "bye");
  EXPECT_FALSE(answer.response.keep_alive());
  EXPECT_EQ(closed.ec, asio::error::eof);
}

TEST(Server, SilentPartialRequestIsCutOffByTheReadTimeout) {
  asio::io_context ioc;
  Echo echo;
  ServerConfig cfg = test_config();
  cfg.read_timeout = 200ms;
  Running running(ioc, cfg, echo.handler());
  test::ClosedResult closed;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    auto socket = co_await connect_to(running.endpoint);
    co_await send(socket, "GET / HTTP/1.1\r\nHost: t\r\n");  // and then nothing
    closed = co_await read_until_closed(socket);
    co_await running.server.shutdown();
  });
  EXPECT_NE(closed.ec, boost::system::error_code{});
  EXPECT_EQ(closed.data, "");
  EXPECT_EQ(echo.calls, 0);
}

TEST(Server, TricklingClientIsCutOffByTheReadTimeout) {
  // A slowloris client sends one header byte every 20 ms, so every single read is quick; only
  // a deadline on the whole request stops it before its 1000 bytes are through.
  asio::io_context ioc;
  Echo echo;
  ServerConfig cfg = test_config();
  cfg.read_timeout = 200ms;
  Running running(ioc, cfg, echo.handler());
  std::size_t sent = 0;
  bool server_closed_first = false;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    auto socket = co_await connect_to(running.endpoint);
    auto trickle = [&]() -> asio::awaitable<void> {
      std::string bytes = "GET / HTTP/1.1\r\nX-Slow: ";
      bytes.resize(1000, 'a');
      asio::steady_timer pause(co_await asio::this_coro::executor);
      for (char byte : bytes) {
        if (co_await send(socket, std::string_view(&byte, 1))) co_return;
        ++sent;
        pause.expires_after(20ms);
        auto [ec] = co_await pause.async_wait(kNoThrow);
        if (ec) co_return;
      }
    };
    auto outcome = co_await (read_until_closed(socket) || trickle());
    server_closed_first = outcome.index() == 0;
    co_await running.server.shutdown();
  });
  EXPECT_TRUE(server_closed_first);
  EXPECT_LT(sent, 1000u);
  EXPECT_EQ(echo.calls, 0);
}

TEST(Server, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  asio::io_context ioc;
  Echo echo;
  ServerConfig cfg = test_config();
  cfg.idle_timeout = 200ms;
  Running running(ioc, cfg, echo.handler());
  test::ReadResult answer;
  test::ClosedResult closed;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    auto socket = co_await connect_to(running.endpoint);
    beast::flat_buffer buffer;
    co_await send(socket, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    answer = co_await read_response(socket, buffer);
    closed = co_await read_until_closed(socket);  // read_timeout is 30 s: idle_timeout ends it
    co_await running.server.shutdown();
  });
  ASSERT_FALSE(answer.ec);
  EXPECT_TRUE(answer.response.keep_alive());
  EXPECT_NE(closed.ec, boost::system::error_code{});
  EXPECT_EQ(closed.data, "");
}

TEST(Server, ShutdownLetsTheRequestInFlightFinishAndClosesIdleConnections) {
  asio::io_context ioc;
  test::Event handler_started(ioc.get_executor());
  test::Event release_handler(ioc.get_executor());
  bool handler_finished = false;
  Running running(ioc, test_config(), [&](Request req) -> asio::awaitable<Response> {
    handler_started.set();
    co_await release_handler.wait();
    handler_finished = true;
    co_return make_response(req, status::ok, "finished");
  });

  bool idle_closed_before_handler_finished = false;
  test::ClosedResult idle_closed;
  boost::system::error_code connect_after_shutdown;
  test::ReadResult in_flight;
  test::ClosedResult in_flight_closed;
  bool shutdown_done = false;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    auto idle = co_await connect_to(running.endpoint);
    auto busy = co_await connect_to(running.endpoint);
    beast::flat_buffer buffer;
    co_await send(busy, "GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
    co_await handler_started.wait();

    asio::co_spawn(
        co_await asio::this_coro::executor,
        [&]() -> asio::awaitable<void> {
          co_await running.server.shutdown();
          shutdown_done = true;
        },
        asio::detached);

    idle_closed = co_await read_until_closed(idle);
    idle_closed_before_handler_finished = !handler_finished;
    connect_after_shutdown = co_await test::try_connect(running.endpoint);

    release_handler.set();
    in_flight = co_await read_response(busy, buffer);
    in_flight_closed = co_await read_until_closed(busy);
  });
  EXPECT_TRUE(shutdown_done);
  EXPECT_NE(idle_closed.ec, boost::system::error_code{});
  EXPECT_TRUE(idle_closed_before_handler_finished);
  EXPECT_EQ(connect_after_shutdown, asio::error::connection_refused);
  ASSERT_FALSE(in_flight.ec) << in_flight.ec.message();
  EXPECT_EQ(in_flight.response.result(), status::ok);
  EXPECT_EQ(in_flight.response.body(), "finished");
  EXPECT_FALSE(in_flight.response.keep_alive());  // the server is going away
  EXPECT_EQ(in_flight_closed.ec, asio::error::eof);
}

TEST(Server, ShutdownCancelsAHandlerStillRunningAfterTheGrace) {
  asio::io_context ioc;
  test::Event handler_started(ioc.get_executor());
  bool handler_cancelled = false;
  ServerConfig cfg = test_config();
  cfg.shutdown_grace = 100ms;
  Running running(ioc, cfg, [&](Request req) -> asio::awaitable<Response> {
    handler_started.set();
    asio::steady_timer forever(co_await asio::this_coro::executor);
    forever.expires_after(24h);
    auto [ec] = co_await forever.async_wait(kNoThrow);
    handler_cancelled = ec == asio::error::operation_aborted;
    co_return make_response(req, status::ok, "too late");
  });
  test::ClosedResult closed;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    auto socket = co_await connect_to(running.endpoint);
    co_await send(socket, "GET /forever HTTP/1.1\r\nHost: t\r\n\r\n");
    co_await handler_started.wait();
    co_await running.server.shutdown();
    closed = co_await read_until_closed(socket);
  });
  // run_to_completion returned: nothing of the server is left on the io_context.
  EXPECT_TRUE(handler_cancelled);
  EXPECT_NE(closed.ec, boost::system::error_code{});
  EXPECT_EQ(closed.data, "");
}

TEST(Server, ShutdownBeforeStartAndTwiceIsHarmless) {
  asio::io_context ioc;
  Server server(ioc.get_executor(), test_config(), Echo{}.handler());
  auto bound = server.listen();
  ASSERT_TRUE(bound);
  boost::system::error_code after;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    co_await server.shutdown();
    co_await server.shutdown();
    after = co_await test::try_connect(*bound);
  });
  EXPECT_EQ(after, asio::error::connection_refused);
}

}  // namespace
}  // namespace mc::http
