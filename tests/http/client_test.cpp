#include "bot/http/client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/http/error.hpp>
#include <optional>

#include "tests/http/support.hpp"

namespace mc::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using namespace asio::experimental::awaitable_operators;
using bhttp::status;
using test::FakeServer;
using test::Reply;
using test::run_to_completion;
using Result = boost::system::result<ClientResponse>;

/// Echoes what the client sent as X-Echo-* headers and the body.
Reply echo(const Request& req) {
  Response res{status::ok, 11};
  res.set("X-Echo-Method", req.method_string());
  res.set("X-Echo-Target", req.target());
  res.set("X-Echo-Custom", req["X-Custom"]);
  res.set("X-Echo-Content-Type", req[bhttp::field::content_type]);
  res.set("X-Echo-Host", req[bhttp::field::host]);
  res.set("X-Echo-User-Agent", req[bhttp::field::user_agent]);
  res.body() = req.body();
  res.keep_alive(req.keep_alive());
  return Reply{std::move(res)};
}

FakeServer::Respond always(std::function<Reply(const Request&)> fn) {
  return [fn](const Request& req, std::size_t) -> asio::awaitable<Reply> { co_return fn(req); };
}

std::string base_url(const asio::ip::tcp::endpoint& ep) {
  return "http://127.0.0.1:" + std::to_string(ep.port());
}

ClientRequest get(std::string url) {
  ClientRequest req;
  req.method = bhttp::verb::get;
  req.url = std::move(url);
  req.timeout = 10s;
  return req;
}

TEST(Client, SendsMethodTargetHeadersAndBody) {
  asio::io_context ioc;
  FakeServer fake(ioc.get_executor(), always(echo));
  const auto ep = fake.start();
  Client client(ioc.get_executor());
  std::optional<Result> got, posted, bare;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    ClientRequest g = get(base_url(ep) + "/path/x?q=1&r=a%20b");
    g.headers = {{"X-Custom", "abc"}};
    got = co_await client.request(g);

    ClientRequest p;
    p.url = base_url(ep) + "/post";
    p.body = R"({"a":1})";
    posted = co_await client.request(p);

    bare = co_await client.request(get(base_url(ep)));
    fake.stop();
  });
  ASSERT_TRUE(got && *got) << (got ? got->error().message() : "no result");
  const ClientResponse& g = **got;
  EXPECT_EQ(g.status, 200u);
  EXPECT_EQ(g.header("x-echo-method"), "GET");  // lookup ignores case
  EXPECT_EQ(g.header("X-ECHO-TARGET"), "/path/x?q=1&r=a%20b");
  EXPECT_EQ(g.header("X-Echo-Custom"), "abc");
  EXPECT_EQ(g.header("X-Echo-Host"), "127.0.0.1:" + std::to_string(ep.port()));
  EXPECT_EQ(g.header("X-Echo-User-Agent"), "microcourse/0.1");
  EXPECT_EQ(g.header("X-Echo-Content-Type"), "");
  EXPECT_EQ(g.header("Not-There"), "");
  EXPECT_EQ(g.body, "");

  ASSERT_TRUE(posted && *posted) << (posted ? posted->error().message() : "no result");
  EXPECT_EQ((*posted)->header("X-Echo-Method"), "POST");
  EXPECT_EQ((*posted)->header("X-Echo-Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ((*posted)->body, R"({"a":1})");

  ASSERT_TRUE(bare && *bare);
  EXPECT_EQ((*bare)->header("X-Echo-Target"), "/");
}

TEST(Client, ReturnsEveryStatusAsAResult) {
  asio::io_context ioc;
  FakeServer fake(ioc.get_executor(), always([](const Request& req) {
                    Response res{status::too_many_requests, 11};
                    res.set(bhttp::field::retry_after, "3");
                    res.body() = R"({"ok":false})";
                    res.keep_alive(req.keep_alive());
                    return Reply{std::move(res)};
                  }));
  const auto ep = fake.start();
  Client client(ioc.get_executor());
  std::optional<Result> result;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    result = co_await client.request(get(base_url(ep) + "/limited"));
    fake.stop();
  });
  ASSERT_TRUE(result && *result);
  EXPECT_EQ((*result)->status, 429u);
  EXPECT_EQ((*result)->header("retry-after"), "3");
  EXPECT_EQ((*result)->body, R"({"ok":false})");
}

TEST(Client, ReusesAKeptAliveConnection) {
  asio::io_context ioc;
  FakeServer fake(ioc.get_executor(), always(echo));
  const auto ep = fake.start();
  Client client(ioc.get_executor());
  std::optional<Result> first, second;
  std::size_t idle_after_first = 0;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    first = co_await client.request(get(base_url(ep) + "/1"));
    idle_after_first = client.idle_connections();
    second = co_await client.request(get(base_url(ep) + "/2"));
    fake.stop();
  });
  ASSERT_TRUE(first && *first);
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*second)->header("X-Echo-Target"), "/2");
  EXPECT_EQ(idle_after_first, 1u);
  EXPECT_EQ(fake.connections(), 1u);
  EXPECT_EQ(fake.requests(), 2u);
}

TEST(Client, RetriesOnceWhenTheServerClosedTheIdleConnection) {
  asio::io_context ioc;
  // Every response promises keep-alive, then the server closes: a pooled connection is dead.
  FakeServer fake(ioc.get_executor(), always([](const Request& req) {
                    Reply reply = echo(req);
                    reply.close_after = true;
                    return reply;
                  }));
  const auto ep = fake.start();
  Client client(ioc.get_executor());
  std::optional<Result> first, second;
  std::size_t idle_after_first = 0;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    first = co_await client.request(get(base_url(ep) + "/1"));
    idle_after_first = client.idle_connections();
    ClientRequest post;
    post.url = base_url(ep) + "/2";
    post.body = "payload";
    second = co_await client.request(post);
    fake.stop();
  });
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(idle_after_first, 1u);  // it was pooled, so the second request tried it first
  ASSERT_TRUE(second && *second) << second->error().message();
  EXPECT_EQ((*second)->body, "payload");
  EXPECT_EQ(fake.connections(), 2u);
  EXPECT_EQ(fake.requests(), 2u);  // the dead connection never delivered the request
}

TEST(Client, TimesOutWhenTheServerNeverAnswers) {
  asio::io_context ioc;
  FakeServer fake(ioc.get_executor(), always([](const Request&) {
                    Reply reply;
                    reply.hang = true;
                    return reply;
                  }));
  const auto ep = fake.start();
  Client client(ioc.get_executor());
  std::optional<Result> result;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    ClientRequest req = get(base_url(ep) + "/slow");
    req.timeout = 200ms;
    result = co_await client.request(req);
    fake.stop();
  });
  ASSERT_TRUE(result);
  ASSERT_FALSE(*result);
  EXPECT_EQ(result->error(), asio::error::timed_out) << result->error().message();
  EXPECT_EQ(fake.requests(), 1u);
  EXPECT_EQ(client.idle_connections(), 0u);
}

TEST(Client, DoesNotPoolAConnectionTheServerCloses) {
  asio::io_context ioc;
  FakeServer fake(ioc.get_executor(), always([](const Request& req) {
                    Reply reply = echo(req);
                    reply.response.keep_alive(false);  // Connection: close
                    return reply;
                  }));
  const auto ep = fake.start();
  Client client(ioc.get_executor());
  std::optional<Result> first, second;
  std::size_t idle_after_first = 1;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    first = co_await client.request(get(base_url(ep) + "/1"));
    idle_after_first = client.idle_connections();
    second = co_await client.request(get(base_url(ep) + "/2"));
    fake.stop();
  });
  ASSERT_TRUE(first && *first);
  ASSERT_TRUE(second && *second);
  EXPECT_EQ((*first)->header("Connection"), "close");
  EXPECT_EQ(idle_after_first, 0u);
  EXPECT_EQ(fake.connections(), 2u);
  EXPECT_EQ(fake.requests(), 2u);
}

TEST(Client, ConcurrentRequestsEachGetTheirOwnConnection) {
  asio::io_context ioc;
  // The server answers only once all three requests are in: a client that queued them on one
  // connection would never get an answer (and time out).
  test::Event all_arrived(ioc.get_executor());
  std::size_t arrived = 0;
  FakeServer fake(ioc.get_executor(),
                  [&](const Request& req, std::size_t) -> asio::awaitable<Reply> {
                    if (++arrived == 3) all_arrived.set();
                    co_await all_arrived.wait();
                    co_return echo(req);
                  });
  const auto ep = fake.start();
  ClientConfig cfg;
  cfg.max_idle_per_host = 2;
  Client client(ioc.get_executor(), cfg);
  std::vector<Result> results;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    auto [a, b, c] = co_await (client.request(get(base_url(ep) + "/a")) &&
                               client.request(get(base_url(ep) + "/b")) &&
                               client.request(get(base_url(ep) + "/c")));
    results = {a, b, c};
    fake.stop();
  });
  ASSERT_EQ(results.size(), 3u);
  const char* targets[] = {"/a", "/b", "/c"};
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(results[i]) << results[i].error().message();
    EXPECT_EQ(results[i]->header("X-Echo-Target"), targets[i]);
  }
  EXPECT_EQ(fake.connections(), 3u);
  EXPECT_EQ(client.idle_connections(), 2u);  // max_idle_per_host
}

TEST(Client, ResponseBodyOverTheLimitIsAnError) {
  asio::io_context ioc;
  FakeServer fake(ioc.get_executor(), always([](const Request& req) {
                    Reply reply = echo(req);
                    reply.response.body() = std::string(2048, 'x');
                    return reply;
                  }));
  const auto ep = fake.start();
  ClientConfig cfg;
  cfg.body_limit = 1024;
  Client client(ioc.get_executor(), cfg);
  std::optional<Result> result;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    result = co_await client.request(get(base_url(ep) + "/big"));
    fake.stop();
  });
  ASSERT_TRUE(result);
  ASSERT_FALSE(*result);
  EXPECT_EQ(result->error(), bhttp::error::body_limit);
}

/// close() and destroying the client both abort a request in flight.
TEST(Client, CloseAndDestructionAbortRequestsInFlight) {
  for (const bool destroy : {false, true}) {
    SCOPED_TRACE(destroy ? "destroyed" : "closed");
    asio::io_context ioc;
    test::Event arrived(ioc.get_executor());
    FakeServer fake(ioc.get_executor(), [&](const Request&, std::size_t) -> asio::awaitable<Reply> {
      arrived.set();
      Reply reply;
      reply.hang = true;
      co_return reply;
    });
    const auto ep = fake.start();
    auto client = std::make_unique<Client>(ioc.get_executor());
    std::optional<Result> result;
    run_to_completion(ioc, [&]() -> asio::awaitable<void> {
      test::Event done(co_await asio::this_coro::executor);
      asio::co_spawn(
          co_await asio::this_coro::executor,
          [&]() -> asio::awaitable<void> {
            result = co_await client->request(get(base_url(ep) + "/hang"));
            done.set();
          },
          asio::detached);
      co_await arrived.wait();
      if (destroy) {
        client.reset();
      } else {
        client->close();
      }
      co_await done.wait();
      fake.stop();
    });
    ASSERT_TRUE(result);
    ASSERT_FALSE(*result);
    EXPECT_EQ(result->error(), asio::error::operation_aborted);
  }
}

TEST(Client, RejectsBadUrlsAndHeadersWithoutTouchingTheNetwork) {
  struct Case {
    const char* name;
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
  };
  const Case cases[] = {
      {"unsupported scheme", "ftp://127.0.0.1/file", {}},
      {"not a URL", "not a url", {}},
      {"no host", "http:///path", {}},
      {"port out of range", "http://127.0.0.1:99999/", {}},
      {"line break in a header value", "http://127.0.0.1:1/", {{"X-A", "b\r\nX-Injected: 1"}}},
      {"line break in a header name", "http://127.0.0.1:1/", {{"X-A\nB", "c"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    asio::io_context ioc;
    Client client(ioc.get_executor());
    std::optional<Result> result;
    run_to_completion(ioc, [&]() -> asio::awaitable<void> {
      ClientRequest req = get(c.url);
      req.headers = c.headers;
      result = co_await client.request(req);
    });
    ASSERT_TRUE(result);
    EXPECT_FALSE(*result);
  }
}

}  // namespace
}  // namespace mc::http
