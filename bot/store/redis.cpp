#include "bot/store/redis.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <charconv>
#include <mutex>
#include <variant>

#include "bot/metrics/metrics.hpp"

namespace mc::store {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using std::chrono::steady_clock;
using Strand = asio::strand<asio::any_io_executor>;
using Commands = std::vector<std::vector<std::string>>;

class StoreCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "mc.store"; }
  std::string message(int ev) const override {
    switch (static_cast<Errc>(ev)) {
      case Errc::not_connected:
        return "not connected to Redis";
      case Errc::timeout:
        return "Redis command timed out";
      case Errc::connection_lost:
        return "Redis connection lost";
      case Errc::stopped:
        return "Redis client stopped";
      case Errc::cancelled:
        return "Redis command cancelled";
      case Errc::invalid_argument:
        return "invalid argument";
      case Errc::bad_url:
        return "invalid Redis URL";
      case Errc::redis_error:
        return "Redis replied with an error";
      case Errc::bad_reply:
        return "unexpected Redis reply";
      case Errc::bad_data:
        return "stored data could not be parsed";
    }
    return "unknown store error";
  }
};

/// hiredis writes with write(2): a peer that went away would raise SIGPIPE and kill the process.
/// Ignore it (once, and only when nobody installed a handler), so the write fails with EPIPE.
void ignore_sigpipe() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      struct sigaction ignore {};
      ignore.sa_handler = SIG_IGN;
      sigemptyset(&ignore.sa_mask);
      sigaction(SIGPIPE, &ignore, nullptr);
    }
  });
}

Reply copy_reply(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::array;
      out.elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i)
        out.elements.push_back(copy_reply(r->element[i]));
      break;
    default:
      out.type = Reply::Type::nil;
      break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// One hiredis connection and its Asio adapter. hiredis owns the socket (it closes it in
// redisFree); the stream_descriptor only waits for readiness and releases the fd in cleanup.
// ev.data points at the Conn, which outlives the redisAsyncContext: the Impl keeps it until
// hiredis has freed the context (signalled by the cleanup hook, which nulls `ac`).

struct Conn : std::enable_shared_from_this<Conn> {
  explicit Conn(const Strand& strand) : descriptor(strand), signal(strand) {}

  redisAsyncContext* ac = nullptr;  ///< null once hiredis has freed the context
  asio::posix::stream_descriptor descriptor;
  asio::steady_timer signal;  ///< the monitor sleeps on it; cancelled when the connection dies
  bool want_read = false;
  bool want_write = false;
  bool reading = false;  ///< an async_wait(wait_read) is outstanding
  bool writing = false;
  std::string error;  ///< why the connection ended (hiredis' errstr or our reason)
  steady_clock::time_point busy_until{};  ///< latest deadline of any command sent on it

  void arm_read() {
    if (reading || !ac) return;
    reading = true;
    descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                          [self = shared_from_this()](const error_code& ec) {
                            self->reading = false;
                            self->on_ready(ec, self->want_read, &redisAsyncHandleRead);
                          });
  }

  void arm_write() {
    if (writing || !ac) return;
    writing = true;
    descriptor.async_wait(asio::posix::stream_descriptor::wait_write,
                          [self = shared_from_this()](const error_code& ec) {
                            self->writing = false;
                            self->on_ready(ec, self->want_write, &redisAsyncHandleWrite);
                          });
  }

  /// The handler re-arms itself through hiredis' addRead/addWrite hooks; after it returns the
  /// context may be gone (cleanup nulled `ac`).
  void on_ready(const error_code& ec, bool wanted, void (*handle)(redisAsyncContext*)) {
    if (ec == asio::error::operation_aborted || !ac || !wanted) return;
    if (ec) {
      error = "socket wait failed: " + ec.message();
      redisAsyncFree(ac);
      return;
    }
    handle(ac);
  }

  /// Closes the connection now; pending callbacks run with a null reply. Never call it from
  /// inside a hiredis callback (ours only record results and cancel timers).
  void drop(std::string_view why) {
    if (!ac) return;
    if (error.empty()) error = why;
    redisAsyncFree(ac);
  }
};

void ev_add_read(void* p) {
  auto* c = static_cast<Conn*>(p);
  c->want_read = true;
  c->arm_read();
}
void ev_del_read(void* p) { static_cast<Conn*>(p)->want_read = false; }
void ev_add_write(void* p) {
  auto* c = static_cast<Conn*>(p);
  c->want_write = true;
  c->arm_write();
}
void ev_del_write(void* p) { static_cast<Conn*>(p)->want_write = false; }
void ev_cleanup(void* p) {
  auto* c = static_cast<Conn*>(p);
  if (c->ac && c->ac->err && c->error.empty()) c->error = c->ac->errstr;
  c->ac = nullptr;
  c->want_read = c->want_write = false;
  // release(): the fd stays open for hiredis to close; outstanding waits complete as aborted.
  if (c->descriptor.is_open()) c->descriptor.release();
  c->signal.cancel();
}

// ---------------------------------------------------------------------------------------------
// One command or pipeline in flight. The waiting coroutine and every hiredis callback share it,
// so whoever comes last frees it: a reply after the deadline finds `abandoned` and is dropped.

struct Call {
  Call(const Strand& strand, std::size_t n) : timer(strand), replies(n), remaining(n) {}

  asio::steady_timer timer;  ///< the deadline; cancelled early when the call finishes
  std::vector<Reply> replies;
  std::size_t remaining;
  bool finished = false;   ///< all replies in, or failed (ec)
  bool abandoned = false;  ///< the waiter gave up (deadline or cancellation)
  error_code ec;

  void finish(error_code e) {
    finished = true;
    ec = e;
    timer.cancel();
  }
};

struct CallRef {
  std::shared_ptr<Call> call;
  std::size_t index;
};

/// hiredis reply callback: privdata is a heap CallRef, freed here (hiredis calls every callback
/// exactly once: with the reply, or with a null reply when the context is freed).
void on_reply(redisAsyncContext*, void* reply, void* privdata) {
  std::unique_ptr<CallRef> ref(static_cast<CallRef*>(privdata));
  Call& call = *ref->call;
  if (call.finished || call.abandoned) return;
  if (reply == nullptr) {
    call.finish(Errc::connection_lost);
    return;
  }
  call.replies[ref->index] = copy_reply(static_cast<const redisReply*>(reply));
  if (--call.remaining == 0) call.finish({});
}

}  // namespace

const boost::system::error_category& store_category() {
  static const StoreCategory category;
  return category;
}

boost::system::error_code make_error_code(Errc e) {
  return {static_cast<int>(e), store_category()};
}

// ---------------------------------------------------------------------------------------------

struct RedisClient::Impl : std::enable_shared_from_this<RedisClient::Impl> {
  Impl(asio::any_io_executor executor, RedisConfig cfg)
      : strand(asio::make_strand(std::move(executor))),
        config(std::move(cfg)),
        metrics(config.metrics ? *config.metrics : metrics::Registry::global()),
        retry_timer(strand),
        resolver(strand) {
    if (config.reconnect_min < std::chrono::milliseconds{1}) {
      config.reconnect_min = std::chrono::milliseconds{1};
    }
    config.reconnect_max = std::max(config.reconnect_max, config.reconnect_min);
  }

  ~Impl() {
    // Only reached with a live context when stop() never ran (the execution context stopped
    // first): free it so every pending callback still runs and the fd is closed.
    for (Conn* c : {connecting.get(), current.get()}) {
      if (c && c->ac) redisAsyncFree(c->ac);
    }
  }

  Strand strand;
  RedisConfig config;
  metrics::Registry& metrics;
  asio::steady_timer retry_timer;
  asio::ip::tcp::resolver resolver;
  std::shared_ptr<Conn> current;     ///< the established connection (strand only)
  std::shared_ptr<Conn> connecting;  ///< a connection in its handshake (strand only)
  bool started = false;              ///< strand only
  bool stopped = false;              ///< strand only
  std::atomic<bool> up{false};       ///< connected(): read from any thread

  void count_error(const char* kind) {
    metrics.inc("microcourse_redis_errors_total", "Redis errors by kind", {{"kind", kind}});
  }

  void set_connected(bool value) {
    up = value;
    metrics.set("microcourse_redis_connected", "1 while the Redis connection is established",
                {{"client", config.name}}, value ? 1 : 0);
  }

  std::string where() const {
    return config.host + ":" + std::to_string(config.port) + "/" + std::to_string(config.db);
  }

  Commands handshake() const {
    Commands cmds;
    if (!config.password.empty()) {
      if (config.username.empty()) {
        cmds.push_back({"AUTH", config.password});
      } else {
        cmds.push_back({"AUTH", config.username, config.password});
      }
    }
    if (config.db != 0) cmds.push_back({"SELECT", std::to_string(config.db)});
    cmds.push_back({"PING"});
    return cmds;
  }

  /// Sends `cmds` on `conn` and waits for all replies or the deadline, whichever comes first.
  asio::awaitable<boost::system::result<std::vector<Reply>>> run_call(
      std::shared_ptr<Conn> conn, Commands cmds, steady_clock::time_point deadline,
      bool count_timeout) {
    auto call = std::make_shared<Call>(strand, cmds.size());
    conn->busy_until = std::max(conn->busy_until, deadline);
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (std::size_t i = 0; i < cmds.size(); ++i) {
      argv.clear();
      lengths.clear();
      for (const std::string& arg : cmds[i]) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
      }
      auto* ref = new CallRef{call, i};
      if (!conn->ac ||
          redisAsyncCommandArgv(conn->ac, &on_reply, ref, static_cast<int>(argv.size()),
                                argv.data(), lengths.data()) != REDIS_OK) {
        delete ref;  // not registered: hiredis will never call back with it
        call->finish(Errc::connection_lost);
        break;
      }
    }
    if (!call->finished) {
      call->timer.expires_at(deadline);
      auto [ec] = co_await call->timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (!call->finished) {
        call->abandoned = true;
        if (ec == asio::error::operation_aborted) co_return Errc::cancelled;
        if (count_timeout) count_error("timeout");
        co_return Errc::timeout;
      }
    }
    if (call->ec) co_return call->ec;
    co_return std::move(call->replies);
  }

  std::shared_ptr<Conn> open(const std::string& address) {
    redisAsyncContext* ac = redisAsyncConnect(address.c_str(), config.port);
    if (ac == nullptr) {
      spdlog::warn("redis[{}]: cannot allocate a connection", config.name);
      return nullptr;
    }
    if (ac->err) {
      spdlog::warn("redis[{}]: connect to {} failed: {}", config.name, where(), ac->errstr);
      redisAsyncFree(ac);
      return nullptr;
    }
    auto conn = std::make_shared<Conn>(strand);
    error_code ec;
    conn->descriptor.assign(ac->c.fd, ec);
    if (ec) {
      spdlog::warn("redis[{}]: cannot watch the socket: {}", config.name, ec.message());
      redisAsyncFree(ac);
      return nullptr;
    }
    conn->ac = ac;
    ac->ev.data = conn.get();
    ac->ev.addRead = &ev_add_read;
    ac->ev.delRead = &ev_del_read;
    ac->ev.addWrite = &ev_add_write;
    ac->ev.delWrite = &ev_del_write;
    ac->ev.cleanup = &ev_cleanup;
    return conn;
  }

  /// Resolves, connects and runs the handshake (AUTH, SELECT, PING) within connect_timeout.
  /// Returns null on failure (logged).
  asio::awaitable<std::shared_ptr<Conn>> connect_once() {
    using namespace asio::experimental::awaitable_operators;
    const auto deadline = steady_clock::now() + config.connect_timeout;

    std::vector<std::string> addresses;
    error_code parse_ec;
    auto numeric = asio::ip::make_address(config.host, parse_ec);
    if (!parse_ec) {
      addresses.push_back(numeric.to_string());
    } else {
      // hiredis would resolve with a blocking getaddrinfo(); Asio resolves off the event loop.
      asio::steady_timer timer(strand);
      timer.expires_at(deadline);
      auto outcome = co_await (resolver.async_resolve(config.host, std::to_string(config.port),
                                                      asio::as_tuple(asio::use_awaitable)) ||
                               timer.async_wait(asio::as_tuple(asio::use_awaitable)));
      if (outcome.index() == 1) {
        spdlog::warn("redis[{}]: resolving {} timed out", config.name, config.host);
        co_return nullptr;
      }
      auto [ec, results] = std::get<0>(std::move(outcome));
      if (ec) {
        if (!stopped) {
          spdlog::warn("redis[{}]: cannot resolve {}: {}", config.name, config.host, ec.message());
        }
        co_return nullptr;
      }
      for (const auto& entry : results) addresses.push_back(entry.endpoint().address().to_string());
    }

    for (const std::string& address : addresses) {
      if (stopped || steady_clock::now() >= deadline) co_return nullptr;
      auto conn = open(address);
      if (!conn) continue;
      connecting = conn;
      auto replies = co_await run_call(conn, handshake(), deadline, false);
      connecting.reset();
      if (!replies) {
        if (!stopped) {
          spdlog::warn("redis[{}]: connect to {} failed: {}", config.name, where(),
                       conn->error.empty() ? replies.error().message() : conn->error);
        }
        conn->drop("handshake failed");
        continue;
      }
      for (const Reply& r : *replies) {
        if (r.is_error()) {
          // AUTH/SELECT errors ("WRONGPASS ...", "ERR DB index is out of range") carry no secret.
          spdlog::error("redis[{}]: handshake with {} refused: {}", config.name, where(), r.str);
          conn->drop("handshake refused");
          co_return nullptr;
        }
      }
      co_return conn;
    }
    co_return nullptr;
  }

  /// Runs while `conn` is up: health PINGs; returns when the connection is gone or dropped.
  asio::awaitable<void> monitor(std::shared_ptr<Conn> conn) {
    const bool health = config.health_interval.count() > 0;
    while (conn->ac && !stopped) {
      if (health) {
        conn->signal.expires_after(config.health_interval);
      } else {
        conn->signal.expires_at(steady_clock::time_point::max());
      }
      co_await conn->signal.async_wait(asio::as_tuple(asio::use_awaitable));
      if (!conn->ac || stopped) break;
      if (!health) continue;
      // Replies come in order: a PING queued behind a blocking XREADGROUP answers after it, so
      // its deadline starts where the latest pending deadline ends.
      auto deadline = std::max(steady_clock::now(), conn->busy_until) + config.command_timeout;
      Commands ping{{"PING"}};  // (gcc 12 miscompiles braced lists inside co_await)
      auto r = co_await run_call(conn, std::move(ping), deadline, true);
      if (!conn->ac || stopped) break;
      if (!r) {
        conn->drop("health check failed: " + r.error().message());
        break;
      }
      if (r->front().is_error()) {
        conn->drop("health check failed: " + r->front().str);
        break;
      }
    }
  }

  static asio::awaitable<void> run(std::shared_ptr<Impl> self) {
    auto backoff = self->config.reconnect_min;
    while (!self->stopped) {
      auto conn = co_await self->connect_once();
      if (self->stopped) {
        if (conn) conn->drop("client stopped");
        break;
      }
      if (conn) {
        self->current = conn;
        self->set_connected(true);
        spdlog::info("redis[{}]: connected to {}", self->config.name, self->where());
        backoff = self->config.reconnect_min;
        co_await self->monitor(conn);
        self->set_connected(false);
        self->current.reset();
        conn->drop("connection closed");
        if (self->stopped) break;
        self->count_error("disconnect");
        spdlog::warn("redis[{}]: connection to {} lost ({}); reconnecting", self->config.name,
                     self->where(), conn->error);
      } else {
        self->count_error("connect");
      }
      self->retry_timer.expires_after(backoff);
      co_await self->retry_timer.async_wait(asio::as_tuple(asio::use_awaitable));
      backoff = std::min(backoff * 2, self->config.reconnect_max);
    }
    self->set_connected(false);
  }

  void stop_now() {
    if (stopped) return;
    stopped = true;
    retry_timer.cancel();
    resolver.cancel();
    if (connecting) connecting->drop("client stopped");
    if (current) current->drop("client stopped");
    set_connected(false);
  }

  static asio::awaitable<boost::system::result<std::vector<Reply>>> execute(
      std::shared_ptr<Impl> self, Commands cmds, std::chrono::milliseconds timeout) {
    for (const auto& c : cmds) {
      if (c.empty()) co_return Errc::invalid_argument;
    }
    if (self->stopped) co_return Errc::stopped;
    if (!self->up || !self->current || !self->current->ac) co_return Errc::not_connected;
    co_return co_await self->run_call(self->current, std::move(cmds), steady_clock::now() + timeout,
                                      true);
  }

  static asio::awaitable<boost::system::result<std::vector<Reply>>> on_strand(
      std::shared_ptr<Impl> self, Commands cmds, std::chrono::milliseconds timeout) {
    auto strand = self->strand;
    co_return co_await asio::co_spawn(strand, execute(std::move(self), std::move(cmds), timeout),
                                      asio::use_awaitable);
  }
};

RedisClient::RedisClient(boost::asio::any_io_executor executor, RedisConfig config)
    : impl_(std::make_shared<Impl>(std::move(executor), std::move(config))) {
  ignore_sigpipe();
  impl_->set_connected(false);
}

RedisClient::~RedisClient() { stop(); }

void RedisClient::start() {
  asio::dispatch(impl_->strand, [impl = impl_] {
    if (impl->started || impl->stopped) return;
    impl->started = true;
    asio::co_spawn(impl->strand, Impl::run(impl), asio::detached);
  });
}

void RedisClient::stop() {
  asio::dispatch(impl_->strand, [impl = impl_] { impl->stop_now(); });
}

bool RedisClient::connected() const { return impl_->up; }

const RedisConfig& RedisClient::config() const { return impl_->config; }

boost::asio::awaitable<boost::system::result<Reply>> RedisClient::command(
    std::vector<std::string> args) {
  return command(std::move(args), impl_->config.command_timeout);
}

boost::asio::awaitable<boost::system::result<Reply>> RedisClient::command(
    std::vector<std::string> args, std::chrono::milliseconds timeout) {
  Commands cmds;
  cmds.push_back(std::move(args));
  auto r = co_await Impl::on_strand(impl_, std::move(cmds), timeout);
  if (!r) co_return r.error();
  co_return std::move(r->front());
}

boost::asio::awaitable<boost::system::result<std::vector<Reply>>> RedisClient::pipeline(
    std::vector<std::vector<std::string>> commands) {
  if (commands.empty()) co_return std::vector<Reply>{};
  co_return co_await Impl::on_strand(impl_, std::move(commands), impl_->config.command_timeout);
}

// ---------------------------------------------------------------------------------------------
// redis://[[user]:password@]host[:port][/db]

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hex_value(in[i + 1]);
    int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

boost::system::result<RedisConfig> parse_redis_url(std::string_view url, std::string* error) {
  auto fail = [error](std::string message) -> boost::system::result<RedisConfig> {
    if (error) *error = std::move(message);
    return Errc::bad_url;
  };
  constexpr const char* kShape = "expected redis://[[user]:password@]host[:port][/db]";

  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return fail(std::string("not a URL: ") + kShape);
  std::string scheme(url.substr(0, scheme_end));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (scheme == "rediss") return fail("TLS to Redis is not supported (rediss://); use redis://");
  if (scheme != "redis") return fail("unsupported scheme '" + scheme + "': " + kShape);

  RedisConfig config;
  std::string_view rest = url.substr(scheme_end + 3);

  // The host and path never contain '@', so the last one ends the credentials (a password may
  // contain '/', '?' or '#' that its author forgot to percent-encode).
  auto at = rest.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {
      return fail("credentials must be written user:password@ or :password@ (no ':' found)");
    }
    if (!percent_decode(userinfo.substr(0, colon), config.username)) {
      return fail("invalid percent-encoding in the user name");
    }
    if (!percent_decode(userinfo.substr(colon + 1), config.password)) {
      return fail("invalid percent-encoding in the password");
    }
    if (config.password.empty() && !config.username.empty()) {
      return fail("a user name needs a password (user:password@)");
    }
  }

  if (rest.find_first_of("?#") != std::string_view::npos) {
    return fail("query parameters and fragments are not supported");
  }
  auto slash = rest.find('/');
  std::string_view hostport = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);

  std::string_view host;
  std::string_view port;
  if (!hostport.empty() && hostport.front() == '[') {
    auto close = hostport.find(']');
    if (close == std::string_view::npos) return fail("unterminated [IPv6] host");
    host = hostport.substr(1, close - 1);
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("unexpected text after the [IPv6] host");
      port = after.substr(1);
      if (port.empty()) return fail("port must be a number from 1 to 65535");
    }
  } else {
    auto colon = hostport.find(':');
    host = hostport.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = hostport.substr(colon + 1);
      if (port.find(':') != std::string_view::npos) {
        return fail("IPv6 hosts must be written in brackets, e.g. redis://[::1]:6379");
      }
      if (port.empty()) return fail("port must be a number from 1 to 65535");
    }
  }
  if (host.empty()) return fail("missing host: " + std::string(kShape));
  config.host = std::string(host);

  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (!all_digits(port) || ec != std::errc{} || end != port.data() + port.size() || value == 0 ||
        value > 65535) {
      return fail("port must be a number from 1 to 65535");
    }
    config.port = static_cast<unsigned short>(value);
  }

  if (path.size() > 1) {
    std::string_view db = path.substr(1);
    int value = 0;
    auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), value);
    if (!all_digits(db) || ec != std::errc{} || end != db.data() + db.size()) {
      return fail("database must be a non-negative integer (the path after the host, e.g. /0)");
    }
    config.db = value;
  }
  return config;
}

}  // namespace mc::store
