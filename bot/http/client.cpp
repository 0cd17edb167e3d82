#include "bot/http/client.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "bot/core/text.hpp"

namespace mc::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

std::string ClientResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (beast::iequals(key, name)) return value;
  }
  return {};
}

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
/// Platform APIs send a handful of headers; Beast's 8 KiB default is tight for some CDNs.
constexpr std::uint32_t kResponseHeaderLimit = 64 * 1024;

using OutRequest = bhttp::request<bhttp::string_body>;

/// Where a URL points. Never logged whole: platform URLs carry tokens in their paths.
struct Target {
  bool tls = false;
  std::string host;         ///< for resolving, SNI and certificate checks (no IPv6 brackets)
  std::string port;         ///< service for the resolver
  std::string host_header;  ///< as written in the URL: host[:port]
  std::string target;       ///< path and query
  std::string pool_key;     ///< scheme://host:port, host lower-cased
};

boost::system::result<Target> parse_target(std::string_view url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return parsed.error();
  const boost::urls::url_view& u = *parsed;
  Target t;
  if (u.scheme_id() == boost::urls::scheme::https) {
    t.tls = true;
  } else if (u.scheme_id() != boost::urls::scheme::http) {
    return boost::system::errc::make_error_code(boost::system::errc::protocol_not_supported);
  }
  t.host = u.host_address();
  if (t.host.empty()) {
    return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
  }
  unsigned long port = t.tls ? 443 : 80;
  if (!u.port().empty()) {  // "host:" with an empty port means the default port (RFC 3986)
    // port_number() truncates values over 65535, so parse the digits here.
    const std::string digits(u.port());
    port = digits.size() <= 5 ? std::stoul(digits) : 0;
    if (port == 0 || port > 65535) {
      return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
    }
  }
  t.port = std::to_string(port);
  t.host_header = std::string(u.encoded_host_and_port());
  t.target = std::string(u.encoded_target());
  if (t.target.empty() || t.target.front() != '/') t.target.insert(0, "/");
  t.pool_key = std::string(t.tls ? "https://" : "http://") + core::lower(t.host) + ":" + t.port;
  return t;
}

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

boost::system::result<OutRequest> build_request(ClientRequest& in, const Target& t,
                                                const std::string& user_agent) {
  OutRequest req{in.method, t.target, 11};
  req.set(bhttp::field::host, t.host_header);
  req.set(bhttp::field::user_agent, user_agent);
  if (!in.body.empty()) req.set(bhttp::field::content_type, in.content_type);
  for (const auto& [name, value] : in.headers) {
    // A line break in a header would let a value smuggle extra headers or a second request.
    if (name.empty() || has_line_break(name) || has_line_break(value)) {
      return boost::system::errc::make_error_code(boost::system::errc::invalid_argument);
    }
    const bhttp::field f = bhttp::string_to_field(name);
    if (f == bhttp::field::host || f == bhttp::field::user_agent ||
        f == bhttp::field::content_type) {
      req.set(f, value);
    } else {
      req.insert(name, value);
    }
  }
  req.body() = std::move(in.body);
  req.prepare_payload();
  return req;
}

/// One connection to one (scheme, host, port): owned by exactly one request while in use, by
/// the idle pool otherwise.
struct Connection {
  Connection(const asio::any_io_executor& ex, ssl::context* tls) {
    if (tls != nullptr) {
      secure.emplace(ex, *tls);
    } else {
      plain.emplace(ex);
    }
  }

  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  std::shared_ptr<tcp::resolver> resolver;  ///< while resolving, so close() can cancel it
  bool aborted = false;                     ///< closed by Client::close()

  beast::tcp_stream& transport() { return secure ? secure->next_layer() : *plain; }

  void abort() {
    aborted = true;
    if (resolver) resolver->cancel();
    transport().close();
  }
};

/// The outcome of writing a request and reading its response on one connection.
struct Exchange {
  error_code ec;
  bool nothing_received = false;  ///< failed before any byte of a response arrived
  bool reusable = false;          ///< the connection may carry another request
  ClientResponse response;
};

template <class Stream>
asio::awaitable<Exchange> exchange(Stream& stream, Connection& conn, OutRequest& req,
                                   std::size_t body_limit) {
  Exchange out;
  auto [wec, wn] = co_await bhttp::async_write(stream, req, kNoThrow);
  if (wec) {
    out.ec = wec;
    out.nothing_received = true;
    co_return out;
  }
  bool received = false;
  for (;;) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(body_limit);
    parser.header_limit(kResponseHeaderLimit);
    if (req.method() == bhttp::verb::head) parser.skip(true);
    auto [rec, rn] = co_await bhttp::async_read(stream, conn.buffer, parser, kNoThrow);
    if (rec) {
      out.ec = rec;
      out.nothing_received = !received && !parser.got_some();
      co_return out;
    }
    received = true;
    auto& res = parser.get();
    // An interim 1xx (100 Continue sent unasked, 103 Early Hints) precedes the real response.
    if (res.result_int() / 100 == 1 && res.result() != bhttp::status::switching_protocols) {
      continue;
    }
    out.response.status = res.result_int();
    for (const auto& field : res) {
      out.response.headers.emplace_back(std::string(field.name_string()),
                                        std::string(field.value()));
    }
    out.response.body = std::move(res.body());
    out.reusable = res.keep_alive() && !parser.need_eof() && conn.buffer.size() == 0;
    co_return out;
  }
}

error_code final_error(error_code ec, const Connection& conn, Clock::time_point deadline) {
  if (conn.aborted) return asio::error::operation_aborted;
  if (ec == beast::error::timeout || Clock::now() >= deadline) return asio::error::timed_out;
  return ec;
}

}  // namespace

struct Client::Impl {
  Impl(asio::any_io_executor ex, ClientConfig cfg)
      : executor(std::move(ex)), config(std::move(cfg)) {}

  asio::any_io_executor executor;
  ClientConfig config;
  /// Made on the first https request: loading a CA store takes tens of milliseconds, and a
  /// client that only talks plain http to local fakes never needs it.
  std::optional<ssl::context> tls;
  error_code tls_error;  ///< set when the CA store could not be loaded: every https request fails

  ssl::context* tls_context() {
    if (tls || tls_error) return tls ? &*tls : nullptr;
    error_code ec;
    std::optional<ssl::context> ctx;
    try {
      ctx.emplace(ssl::context::tls_client);  // throws only when OpenSSL cannot allocate it
      ctx->set_verify_mode(ssl::verify_peer);
      SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
      if (config.ca_file.empty()) {
        ctx->set_default_verify_paths(ec);
      } else {
        ctx->load_verify_file(config.ca_file, ec);
      }
    } catch (const boost::system::system_error& e) {
      ec = e.code();
    }
    if (ec) {
      spdlog::error("http client: cannot load the CA certificates ({}): {}",
                    config.ca_file.empty() ? "system store" : config.ca_file, ec.message());
      tls_error = ec;
      return nullptr;
    }
    tls = std::move(ctx);
    return &*tls;
  }
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle;
  std::set<Connection*> active;

  /// Registers a connection as in use, so close() can abort it.
  struct InUse {
    InUse(Impl& impl, Connection* conn) : impl_(impl), conn_(conn) { impl_.active.insert(conn_); }
    ~InUse() { impl_.active.erase(conn_); }
    InUse(const InUse&) = delete;
    InUse& operator=(const InUse&) = delete;
    Impl& impl_;
    Connection* conn_;
  };

  std::unique_ptr<Connection> take_idle(const std::string& key) {
    auto it = idle.find(key);
    if (it == idle.end()) return nullptr;
    std::unique_ptr<Connection> conn = std::move(it->second.back());
    it->second.pop_back();
    if (it->second.empty()) idle.erase(it);
    return conn;
  }

  void put_idle(const std::string& key, std::unique_ptr<Connection> conn) {
    auto& list = idle[key];
    if (list.size() < config.max_idle_per_host) list.push_back(std::move(conn));
    if (list.empty()) idle.erase(key);
  }

  void close() {
    idle.clear();
    for (Connection* conn : active) conn->abort();
  }

  static asio::awaitable<error_code> connect(Connection& conn, const Target& t,
                                             const ClientConfig& config,
                                             Clock::time_point deadline) {
    const auto ex = conn.transport().get_executor();
    std::string_view lookup = t.host;
    for (const auto& [name, address] : config.resolve) {
      if (beast::iequals(name, t.host)) lookup = address;
    }
    // The resolver has no deadline of its own: a timer cancels it.
    conn.resolver = std::make_shared<tcp::resolver>(ex);
    asio::steady_timer timer(ex);
    timer.expires_at(deadline);
    timer.async_wait([resolver = conn.resolver](error_code ec) {
      if (!ec) resolver->cancel();
    });
    auto [rec, endpoints] = co_await conn.resolver->async_resolve(lookup, t.port, kNoThrow);
    timer.cancel();
    conn.resolver.reset();
    if (rec || conn.aborted) co_return rec ? rec : asio::error::operation_aborted;

    conn.transport().expires_at(deadline);
    auto [cec, endpoint] = co_await conn.transport().async_connect(endpoints, kNoThrow);
    if (cec || !conn.secure) co_return cec;

    auto& stream = *conn.secure;
    error_code not_an_address;
    asio::ip::make_address(t.host, not_an_address);
    // SNI carries host names only (RFC 6066), never address literals.
    if (not_an_address && SSL_set_tlsext_host_name(stream.native_handle(), t.host.c_str()) != 1) {
      co_return error_code(static_cast<int>(ERR_get_error()), asio::error::get_ssl_category());
    }
    stream.set_verify_mode(ssl::verify_peer);
    stream.set_verify_callback(ssl::host_name_verification(t.host));
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, kNoThrow);
    co_return hec;
  }

  static asio::awaitable<boost::system::result<ClientResponse>> request(std::shared_ptr<Impl> self,
                                                                        ClientRequest in) {
    auto target = parse_target(in.url);
    if (!target) co_return target.error();
    ssl::context* tls = nullptr;
    if (target->tls) {
      tls = self->tls_context();
      if (tls == nullptr) co_return self->tls_error;
    }
    auto req = build_request(in, *target, self->config.user_agent);
    if (!req) co_return req.error();
    const Clock::time_point deadline = Clock::now() + in.timeout;

    for (int attempt = 0;; ++attempt) {
      std::unique_ptr<Connection> conn = attempt == 0 ? self->take_idle(target->pool_key) : nullptr;
      const bool reused = conn != nullptr;
      if (!conn) {
        conn = std::make_unique<Connection>(self->executor, tls);
      }
      InUse in_use(*self, conn.get());
      if (!reused) {
        if (error_code ec = co_await connect(*conn, *target, self->config, deadline)) {
          ec = final_error(ec, *conn, deadline);
          spdlog::debug("http client: connecting to {}:{} failed: {}", target->host, target->port,
                        ec.message());
          co_return ec;
        }
      }

      conn->transport().expires_at(deadline);
      Exchange ex;
      if (conn->secure) {
        ex = co_await exchange(*conn->secure, *conn, *req, self->config.body_limit);
      } else {
        ex = co_await exchange(*conn->plain, *conn, *req, self->config.body_limit);
      }
      if (!ex.ec) {
        conn->transport().expires_never();
        if (ex.reusable && req->keep_alive() && !conn->aborted) {
          self->put_idle(target->pool_key, std::move(conn));
        }
        co_return std::move(ex.response);
      }
      // A pooled connection the server closed while it sat idle fails before any response
      // byte: the request was not processed, so it goes once more on a fresh connection.
      if (reused && ex.nothing_received && !conn->aborted && ex.ec != beast::error::timeout &&
          Clock::now() < deadline) {
        spdlog::debug("http client: idle connection to {}:{} was closed ({}), retrying",
                      target->host, target->port, ex.ec.message());
        continue;
      }
      const error_code ec = final_error(ex.ec, *conn, deadline);
      spdlog::debug("http client: request to {}:{} failed: {}", target->host, target->port,
                    ec.message());
      co_return ec;
    }
  }
};

Client::Client(asio::any_io_executor executor, ClientConfig config)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(config))) {}

Client::~Client() { impl_->close(); }

asio::awaitable<boost::system::result<ClientResponse>> Client::request(ClientRequest req) {
  // The coroutine owns the Impl: it may outlive this Client.
  return Impl::request(impl_, std::move(req));
}

void Client::close() { impl_->close(); }

std::size_t Client::idle_connections() const {
  std::size_t n = 0;
  for (const auto& [key, list] : impl_->idle) n += list.size();
  return n;
}

}  // namespace mc::http
