#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/ssl/error.hpp>
#include <optional>

#include "bot/http/client.hpp"
#include "tests/http/support.hpp"

namespace mc::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
using test::FakeServer;
using test::Reply;
using test::run_to_completion;
using test::TestCert;
using Result = boost::system::result<ClientResponse>;

FakeServer::Respond hello() {
  return [](const Request& req, std::size_t) -> asio::awaitable<Reply> {
    Response res{bhttp::status::ok, 11};
    res.body() = "hello over tls";
    res.keep_alive(req.keep_alive());
    co_return Reply{std::move(res)};
  };
}

bool is_verify_failure(const boost::system::error_code& ec) {
  return ec.category() == asio::error::get_ssl_category() &&
         ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_CERTIFICATE_VERIFY_FAILED;
}

struct Outcome {
  std::vector<Result> results;
  std::size_t connections = 0;
  std::size_t requests = 0;
  std::size_t failed_handshakes = 0;
  std::string sni;
};

/// A name no resolver knows; ClientConfig::resolve maps it to 127.0.0.1.
const std::string kHostName = "api.microcourse.test";

/// Serves `cert` over TLS on 127.0.0.1 and sends `count` GET requests to https://<host>:<port>/.
Outcome fetch(const TestCert& cert, const std::string& host, bool trust_cert_file, int count = 1) {
  asio::io_context ioc;
  auto server_tls = cert.server_context();
  FakeServer fake(ioc.get_executor(), hello(), server_tls.get());
  const auto ep = fake.start();
  ClientConfig cfg;
  if (trust_cert_file) cfg.ca_file = cert.cert_file().string();
  // The test's host name is answered without DNS: no dependence on the machine's /etc/hosts.
  cfg.resolve = {{kHostName, "127.0.0.1"}};
  Client client(ioc.get_executor(), cfg);
  Outcome out;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < count; ++i) {
      ClientRequest req;
      req.method = bhttp::verb::get;
      req.url = "https://" + host + ":" + std::to_string(ep.port()) + "/";
      req.timeout = 10s;
      out.results.push_back(co_await client.request(req));
    }
    fake.stop();
  });
  out.connections = fake.connections();
  out.requests = fake.requests();
  out.failed_handshakes = fake.failed_handshakes();
  out.sni = fake.last_sni();
  return out;
}

TEST(ClientTls, TrustsACertificateFromCaFileAndReusesTheConnection) {
  TestCert cert({kHostName}, {"127.0.0.1"});
  Outcome out = fetch(cert, "127.0.0.1", /*trust_cert_file=*/true, /*count=*/2);
  ASSERT_EQ(out.results.size(), 2u);
  for (const Result& r : out.results) {
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, "hello over tls");
  }
  EXPECT_EQ(out.connections, 1u);  // one handshake, two requests
  EXPECT_EQ(out.requests, 2u);
  EXPECT_EQ(out.sni, "");  // no SNI for an address literal
}

TEST(ClientTls, SendsSniAndVerifiesTheHostName) {
  TestCert cert({kHostName}, {"127.0.0.1"});
  Outcome out = fetch(cert, kHostName, /*trust_cert_file=*/true);
  ASSERT_EQ(out.results.size(), 1u);
  ASSERT_TRUE(out.results[0]) << out.results[0].error().message();
  EXPECT_EQ(out.results[0]->body, "hello over tls");
  EXPECT_EQ(out.sni, kHostName);
}

TEST(ClientTls, RejectsUntrustedOrMismatchedCertificates) {
  struct Case {
    const char* name;
    std::vector<std::string> dns_names;
    std::vector<std::string> ips;
    std::string host;
    bool trust_cert_file;
  };
  const Case cases[] = {
      {"self-signed, system CA store", {kHostName}, {"127.0.0.1"}, "127.0.0.1", false},
      {"self-signed, system CA store, by name", {kHostName}, {"127.0.0.1"}, kHostName, false},
      {"trusted, but issued for another host (address)", {"other.example"}, {}, "127.0.0.1", true},
      {"trusted, but issued for another host (name)", {"other.example"}, {}, kHostName, true},
      {"trusted, but issued for another address", {}, {"127.0.0.2"}, "127.0.0.1", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TestCert cert(c.dns_names, c.ips);
    Outcome out = fetch(cert, c.host, c.trust_cert_file);
    ASSERT_EQ(out.results.size(), 1u);
    ASSERT_FALSE(out.results[0]);
    EXPECT_TRUE(is_verify_failure(out.results[0].error())) << out.results[0].error().message();
    EXPECT_EQ(out.requests, 0u);  // nothing was sent to an unverified peer
    EXPECT_EQ(out.failed_handshakes, 1u);
  }
}

TEST(ClientTls, UnreadableCaFileFailsEveryHttpsRequest) {
  asio::io_context ioc;
  ClientConfig cfg;
  cfg.ca_file = "/nonexistent/ca.pem";
  Client client(ioc.get_executor(), cfg);
  std::optional<Result> result;
  run_to_completion(ioc, [&]() -> asio::awaitable<void> {
    ClientRequest req;
    req.url = "https://127.0.0.1:1/";
    result = co_await client.request(req);
  });
  ASSERT_TRUE(result);
  EXPECT_FALSE(*result);
}

}  // namespace
}  // namespace mc::http
