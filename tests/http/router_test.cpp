#include "bot/http/router.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <optional>
#include <stdexcept>

#include "bot/http/message.hpp"
#include "bot/metrics/metrics.hpp"

namespace mc::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using bhttp::status;
using bhttp::verb;

constexpr const char* kRequests = "microcourse_http_requests_total";

Request make_request(verb method, std::string target, unsigned version = 11) {
  Request req{method, target, version};
  req.set(bhttp::field::host, "test");
  return req;
}

/// Drives the router coroutine on a local io_context: no sockets anywhere.
Response call(const Router& router, Request req) {
  asio::io_context ioc;
  std::optional<Response> out;
  std::exception_ptr failure;
  asio::co_spawn(ioc, router(std::move(req)), [&](std::exception_ptr e, Response res) {
    failure = e;
    out = std::move(res);
  });
  ioc.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*out);
}

Handler reply_with(std::string text) {
  return [text](Request req) -> asio::awaitable<Response> {
    co_return make_response(req, status::ok, text);
  };
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() : router_(metrics_) {
    router_.add(verb::get, "/healthz", reply_with("healthy"));
    router_.add(verb::get, "/things", reply_with("things"));
    router_.add(verb::put, "/things", reply_with("put"));
    router_.add(verb::post, "/webhook/telegram", reply_with("telegram"));
    router_.add(verb::get, "/boom", [](Request) -> asio::awaitable<Response> {
      throw std::runtime_error("handler failed");
      co_return Response{};
    });
  }

  metrics::Registry metrics_;
  Router router_;
};

TEST_F(RouterTest, RoutesByExactPathAndMethod) {
  struct Case {
    const char* name;
    verb method;
    const char* target;
    status expected;
    const char* body;   // substring of the body
    const char* allow;  // expected Allow header, "" when absent
  };
  const Case cases[] = {
      {"known route", verb::get, "/healthz", status::ok, "healthy", ""},
      {"query string ignored", verb::get, "/healthz?verbose=1&x=%20", status::ok, "healthy", ""},
      {"second method of a path", verb::put, "/things", status::ok, "put", ""},
      {"unknown path", verb::get, "/nope", status::not_found, "not found", ""},
      {"exact match only (trailing slash)", verb::get, "/healthz/", status::not_found, "", ""},
      {"exact match only (prefix)", verb::post, "/webhook", status::not_found, "", ""},
      {"wrong method", verb::post, "/healthz", status::method_not_allowed, "not allowed", "GET"},
      {"wrong method, two allowed", verb::delete_, "/things?id=1", status::method_not_allowed, "",
       "GET, PUT"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Response res = call(router_, make_request(c.method, c.target));
    EXPECT_EQ(res.result(), c.expected);
    EXPECT_NE(res.body().find(c.body), std::string::npos) << res.body();
    EXPECT_EQ(res[bhttp::field::allow], c.allow);
    EXPECT_EQ(res[bhttp::field::content_length], std::to_string(res.body().size()));
  }
}

TEST_F(RouterTest, ThrowingHandlerIs500AndDoesNotPropagate) {
  Response res;
  ASSERT_NO_THROW(res = call(router_, make_request(verb::get, "/boom")));
  EXPECT_EQ(res.result(), status::internal_server_error);
  EXPECT_EQ(res.body(), R"({"ok":false,"error":"internal error"})");
  EXPECT_EQ(res[bhttp::field::content_type], "application/json; charset=utf-8");
  EXPECT_TRUE(res.keep_alive());
  EXPECT_EQ(metrics_.value(kRequests, {{"route", "/boom"}, {"method", "GET"}, {"status", "500"}}),
            1);
}

TEST_F(RouterTest, CountsRequestsByRouteMethodAndStatus) {
  call(router_, make_request(verb::get, "/healthz"));
  call(router_, make_request(verb::get, "/healthz?x=1"));
  call(router_, make_request(verb::post, "/healthz"));
  call(router_, make_request(verb::get, "/random/scanner/path/1"));
  call(router_, make_request(verb::get, "/random/scanner/path/2"));

  EXPECT_EQ(
      metrics_.value(kRequests, {{"route", "/healthz"}, {"method", "GET"}, {"status", "200"}}), 2);
  EXPECT_EQ(
      metrics_.value(kRequests, {{"route", "/healthz"}, {"method", "POST"}, {"status", "405"}}), 1);
  // Unknown paths share one label value: scanners cannot blow up the label cardinality.
  EXPECT_EQ(
      metrics_.value(kRequests, {{"route", "unmatched"}, {"method", "GET"}, {"status", "404"}}), 2);
  const std::string text = metrics_.render();
  EXPECT_EQ(text.find("/random/scanner"), std::string::npos);
  EXPECT_NE(text.find("microcourse_http_request_duration_seconds_count{route=\"/healthz\"} 3"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("microcourse_http_request_duration_seconds_count{route=\"unmatched\"} 2"),
            std::string::npos)
      << text;
}

TEST(Message, MakeResponseFollowsTheRequest) {
  struct Case {
    const char* name;
    unsigned version;
    const char* connection;  // request Connection header, "" for none
    bool keep_alive;
  };
  const Case cases[] = {
      {"HTTP/1.1 default", 11, "", true},
      {"HTTP/1.1 close", 11, "close", false},
      {"HTTP/1.0 default", 10, "", false},
      {"HTTP/1.0 keep-alive", 10, "keep-alive", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Request req = make_request(verb::get, "/", c.version);
    if (*c.connection != '\0') req.set(bhttp::field::connection, c.connection);
    Response res = make_response(req, status::created, "hello", "text/x-test");
    EXPECT_EQ(res.result(), status::created);
    EXPECT_EQ(res.version(), c.version);
    EXPECT_EQ(res.keep_alive(), c.keep_alive);
    EXPECT_EQ(res[bhttp::field::content_type], "text/x-test");
    EXPECT_EQ(res[bhttp::field::content_length], "5");
    EXPECT_EQ(res.body(), "hello");
  }
}

TEST(Message, JsonErrorEscapesTheMessage) {
  Request req = make_request(verb::post, "/");
  Response res = json_error(req, status::bad_request, "bad \"input\"\\\n\x01");
  EXPECT_EQ(res.result(), status::bad_request);
  EXPECT_EQ(res.body(), R"({"ok":false,"error":"bad \"input\"\\\n\u0001"})");
  EXPECT_EQ(res[bhttp::field::content_type], "application/json; charset=utf-8");
  EXPECT_EQ(res[bhttp::field::content_length], std::to_string(res.body().size()));
  EXPECT_TRUE(res.keep_alive());
}

}  // namespace
}  // namespace mc::http
