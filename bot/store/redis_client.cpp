#include "bot/store/redis_client.hpp"

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
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <variant>

#include "bot/metrics/metrics.hpp"
#include "bot/store/redis_bridge.hpp"
#include "bot/store/redis_metrics.hpp"

namespace mc::store {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using bridge::Call;
using bridge::Conn;
using bridge::Strand;
using std::chrono::steady_clock;
using Commands = std::vector<std::vector<std::string>>;

constexpr metrics::Gauge kRedisConnected{
    "microcourse_redis_connected", "1 while the Redis connection is established", {"client"}};

}  // namespace

// ---------------------------------------------------------------------------------------------

struct RedisClient::Impl : std::enable_shared_from_this<RedisClient::Impl> {
  Impl(asio::any_io_executor executor, RedisConfig cfg)
      : strand(asio::make_strand(executor)),
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
      if (c) c->drop("client destroyed");
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

  void count_error(const char* kind) { metrics.inc(kRedisErrors, {kind}); }

  void set_connected(bool value) {
    up = value;
    metrics.set(kRedisConnected, {config.name}, value ? 1 : 0);
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
    for (std::size_t i = 0; i < cmds.size(); ++i) {
      if (!bridge::send(*conn, call, i, cmds[i])) {
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
    std::string why;
    auto conn = bridge::open(strand, address, config.port, why);
    if (!conn) spdlog::warn("redis[{}]: connect to {} failed: {}", config.name, where(), why);
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
  bridge::ignore_sigpipe();
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

}  // namespace mc::store
