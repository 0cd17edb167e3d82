#include "tests/http/support.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fstream>
#include <set>
#include <stdexcept>

namespace mc::http::test {
namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

}  // namespace

void run_to_completion(asio::io_context& ioc, std::function<asio::awaitable<void>()> fn,
                       std::chrono::seconds limit) {
  std::exception_ptr failure;
  bool finished = false;
  asio::co_spawn(ioc, std::move(fn), [&](std::exception_ptr e) {
    failure = e;
    finished = true;
  });
  ioc.run_for(limit);
  EXPECT_TRUE(finished) << "the test coroutine did not finish";
  EXPECT_TRUE(ioc.stopped()) << "work was still pending on the io_context (a coroutine hangs)";
  if (failure) std::rethrow_exception(failure);
}

asio::awaitable<tcp::socket> connect_to(tcp::endpoint endpoint) {
  tcp::socket socket(co_await asio::this_coro::executor);
  co_await socket.async_connect(endpoint, asio::use_awaitable);
  co_return socket;
}

asio::awaitable<error_code> try_connect(tcp::endpoint endpoint) {
  tcp::socket socket(co_await asio::this_coro::executor);
  auto [ec] = co_await socket.async_connect(endpoint, kNoThrow);
  co_return ec;
}

asio::awaitable<error_code> send(tcp::socket& socket, std::string_view bytes) {
  auto [ec, n] = co_await asio::async_write(socket, asio::buffer(bytes), kNoThrow);
  co_return ec;
}

asio::awaitable<ReadResult> read_response(tcp::socket& socket, beast::flat_buffer& buffer) {
  ReadResult out;
  auto [ec, n] = co_await bhttp::async_read(socket, buffer, out.response, kNoThrow);
  out.ec = ec;
  co_return out;
}

asio::awaitable<ClosedResult> read_until_closed(tcp::socket& socket) {
  ClosedResult out;
  std::array<char, 4096> chunk;
  for (;;) {
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(chunk), kNoThrow);
    out.data.append(chunk.data(), n);
    if (ec) {
      out.ec = ec;
      co_return out;
    }
  }
}

// --- Event ---

struct Event::Impl {
  explicit Impl(asio::any_io_executor ex) : timer(ex) {
    timer.expires_at(asio::steady_timer::time_point::max());
  }
  asio::steady_timer timer;
};

Event::Event(asio::any_io_executor ex) : impl_(std::make_unique<Impl>(ex)) {}
Event::~Event() = default;

void Event::set() {
  set_ = true;
  impl_->timer.cancel();
}

asio::awaitable<void> Event::wait() {
  while (!set_) co_await impl_->timer.async_wait(kNoThrow);
}

// --- TestCert ---

namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate: ") + what + " failed");
}

void add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  const int added = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  check(added == 1, "X509_add_ext");
}

std::string bio_to_string(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

TestCert::TestCert(const std::vector<std::string>& dns_names, const std::vector<std::string>& ips) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EVP_EC_gen");
  X509Ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
  static std::atomic<long> serial{1};
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  check(X509_set_pubkey(cert.get(), key.get()) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string common_name = dns_names.empty() ? ips.front() : dns_names.front();
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  check(X509_set_issuer_name(cert.get(), name) == 1, "X509_set_issuer_name");

  std::string alt_names;
  for (const auto& dns : dns_names) alt_names += (alt_names.empty() ? "DNS:" : ",DNS:") + dns;
  for (const auto& ip : ips) alt_names += (alt_names.empty() ? "IP:" : ",IP:") + ip;
  // Like `openssl req -x509`: a self-signed certificate that is its own trust anchor.
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  add_extension(cert.get(), NID_subject_alt_name, alt_names);
  check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "X509_sign");

  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(cert_bio.get(), cert.get()) == 1, "PEM_write_bio_X509");
  cert_pem_ = bio_to_string(cert_bio.get());
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) ==
            1,
        "PEM_write_bio_PrivateKey");
  key_pem_ = bio_to_string(key_bio.get());

  static std::atomic<int> counter{0};
  cert_file_ =
      std::filesystem::temp_directory_path() /
      ("mc-http-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".pem");
  std::ofstream out(cert_file_, std::ios::binary);
  out << cert_pem_;
  check(static_cast<bool>(out.flush()), "writing the certificate file");
}

TestCert::~TestCert() {
  std::error_code ec;
  std::filesystem::remove(cert_file_, ec);
}

std::unique_ptr<asio::ssl::context> TestCert::server_context() const {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->use_certificate_chain(asio::buffer(cert_pem_));
  ctx->use_private_key(asio::buffer(key_pem_), asio::ssl::context::pem);
  return ctx;
}

// --- FakeServer ---

struct FakeServer::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, Respond r, asio::ssl::context* t)
      : executor(ex), respond(std::move(r)), tls(t), acceptor(ex) {}

  asio::any_io_executor executor;
  Respond respond;
  asio::ssl::context* tls;
  tcp::acceptor acceptor;
  std::set<std::shared_ptr<beast::tcp_stream>> streams;
  std::size_t connections = 0;
  std::size_t requests = 0;
  std::size_t failed_handshakes = 0;
  std::string last_sni;
  bool stopped = false;

  static asio::awaitable<void> accept_loop(std::shared_ptr<Impl> self) {
    for (;;) {
      auto [ec, socket] = co_await self->acceptor.async_accept(kNoThrow);
      if (ec || self->stopped) co_return;
      const std::size_t number = ++self->connections;
      asio::co_spawn(self->executor, session(self, std::move(socket), number), asio::detached);
    }
  }

  static asio::awaitable<void> session(std::shared_ptr<Impl> self, tcp::socket socket,
                                       std::size_t number) {
    if (self->tls == nullptr) {
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      self->streams.insert(stream);
      co_await serve(*self, *stream, number);
      stream->close();
      self->streams.erase(stream);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(socket), *self->tls);
    // The tcp_stream inside the ssl_stream is not shareable; track a handle that closes it.
    auto handle =
        std::shared_ptr<beast::tcp_stream>(std::shared_ptr<void>(), &tls_stream.next_layer());
    self->streams.insert(handle);
    auto [hec] = co_await tls_stream.async_handshake(asio::ssl::stream_base::server, kNoThrow);
    if (hec) {
      ++self->failed_handshakes;
    } else {
      const char* sni = SSL_get_servername(tls_stream.native_handle(), TLSEXT_NAMETYPE_host_name);
      self->last_sni = sni != nullptr ? sni : "";
      co_await serve(*self, tls_stream, number);
    }
    tls_stream.next_layer().close();
    self->streams.erase(handle);
  }

  template <class Stream>
  static asio::awaitable<void> serve(Impl& self, Stream& stream, std::size_t number) {
    beast::flat_buffer buffer;
    for (;;) {
      Request req;
      auto [rec, rn] = co_await bhttp::async_read(stream, buffer, req, kNoThrow);
      if (rec) co_return;
      ++self.requests;
      Reply reply = co_await self.respond(req, number);
      if (reply.hang) {
        std::array<char, 1024> sink;
        for (;;) {
          auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kNoThrow);
          if (ec) co_return;
        }
      }
      reply.response.prepare_payload();
      auto [wec, wn] = co_await bhttp::async_write(stream, reply.response, kNoThrow);
      if (wec || reply.close_after || !reply.response.keep_alive()) co_return;
    }
  }
};

FakeServer::FakeServer(asio::any_io_executor ex, Respond respond, asio::ssl::context* tls)
    : impl_(std::make_shared<Impl>(ex, std::move(respond), tls)) {}

FakeServer::~FakeServer() { stop(); }

tcp::endpoint FakeServer::start() {
  const tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), 0};
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  asio::co_spawn(impl_->executor, Impl::accept_loop(impl_), asio::detached);
  return impl_->acceptor.local_endpoint();
}

void FakeServer::stop() {
  impl_->stopped = true;
  error_code ec;
  impl_->acceptor.close(ec);
  for (const auto& stream : impl_->streams) stream->close();
}

std::size_t FakeServer::connections() const { return impl_->connections; }
std::size_t FakeServer::requests() const { return impl_->requests; }
std::string FakeServer::last_sni() const { return impl_->last_sni; }
std::size_t FakeServer::failed_handshakes() const { return impl_->failed_handshakes; }

}  // namespace mc::http::test
