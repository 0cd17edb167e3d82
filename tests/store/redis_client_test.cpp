#include "bot/store/redis_client.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <future>
#include <latch>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bot/metrics/metrics.hpp"
#include "bot/store/redis_url.hpp"
#include "tests/store/async_test.hpp"
#include "tests/support/redis_server.hpp"

namespace mc::store {
namespace {

using namespace std::chrono_literals;
using namespace boost::asio::experimental::awaitable_operators;
using boost::system::result;

class RedisClientTest : public test::AsyncTest {
 protected:
  void TearDown() override {
    clients_.clear();
    poll();  // let the clients' stop run on the strand
  }

  RedisConfig config_for(const test::RedisServer& server, int db = 0) {
    auto config = parse_redis_url(server.url(db), nullptr).value();
    config.connect_timeout = 1s;
    config.command_timeout = 2s;
    config.reconnect_min = 10ms;
    config.reconnect_max = 200ms;
    config.health_interval = 100ms;
    config.metrics = &metrics_;
    return config;
  }

  RedisClient& client(RedisConfig config, bool wait_connected = true) {
    clients_.push_back(std::make_unique<RedisClient>(ioc_.get_executor(), std::move(config)));
    RedisClient& c = *clients_.back();
    c.start();
    if (wait_connected) drive([&] { return c.connected(); });
    return c;
  }

  result<Reply> cmd(RedisClient& c, std::vector<std::string> args) {
    return run(c.command(std::move(args)));
  }

  double errors(const char* kind) {
    return metrics_.value("microcourse_redis_errors_total", {{"kind", kind}});
  }

  metrics::Registry metrics_;
  std::vector<std::unique_ptr<RedisClient>> clients_;
};

TEST_F(RedisClientTest, SendsCommandsAndCopiesEveryReplyType) {
  test::RedisServer server;
  RedisClient& c = client(config_for(server));

  const std::string binary("a\0b\r\nc", 6);
  auto set = cmd(c, {"SET", "k", binary});
  ASSERT_TRUE(set);
  EXPECT_EQ(set->type, Reply::Type::status);
  EXPECT_EQ(set->str, "OK");

  auto get = cmd(c, {"GET", "k"});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->type, Reply::Type::string);
  EXPECT_EQ(get->str, binary);

  auto missing = cmd(c, {"GET", "missing"});
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->is_nil());

  auto incr = cmd(c, {"INCRBY", "n", "41"});
  ASSERT_TRUE(incr);
  EXPECT_EQ(incr->type, Reply::Type::integer);
  EXPECT_EQ(incr->integer, 41);

  ASSERT_TRUE(cmd(c, {"RPUSH", "list", "x", "y"}));
  auto range = cmd(c, {"LRANGE", "list", "0", "-1"});
  ASSERT_TRUE(range);
  ASSERT_EQ(range->type, Reply::Type::array);
  ASSERT_EQ(range->elements.size(), 2u);
  EXPECT_EQ(range->elements[0].str, "x");
  EXPECT_EQ(range->elements[1].str, "y");

  auto nested = cmd(c, {"EVAL", "return {1, {'a', false}}", "0"});
  ASSERT_TRUE(nested);
  ASSERT_EQ(nested->elements.size(), 2u);
  EXPECT_EQ(nested->elements[0].integer, 1);
  ASSERT_EQ(nested->elements[1].elements.size(), 2u);
  EXPECT_EQ(nested->elements[1].elements[0].str, "a");
  EXPECT_TRUE(nested->elements[1].elements[1].is_nil());
}

TEST_F(RedisClientTest, ErrorReplyIsAReplyNotAnErrorCode) {
  test::RedisServer server;
  RedisClient& c = client(config_for(server));
  ASSERT_TRUE(cmd(c, {"SET", "text", "abc"}));
  auto r = cmd(c, {"INCR", "text"});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->is_error());
  EXPECT_NE(r->str.find("not an integer"), std::string::npos) << r->str;
  // The connection is still usable after an error reply.
  auto ping = cmd(c, {"PING"});
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->str, "PONG");
}

TEST_F(RedisClientTest, PipelineReturnsRepliesInOrder) {
  test::RedisServer server;
  RedisClient& c = client(config_for(server));
  std::vector<std::vector<std::string>> cmds = {
      {"SET", "a", "1"}, {"INCR", "a"}, {"HSET", "a", "f", "v"}, {"INCR", "a"}, {"GET", "a"}};
  auto r = run(c.pipeline(cmds));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 5u);
  EXPECT_EQ((*r)[0].str, "OK");
  EXPECT_EQ((*r)[1].integer, 2);
  EXPECT_TRUE((*r)[2].is_error());  // WRONGTYPE, and the rest still runs
  EXPECT_EQ((*r)[3].integer, 3);
  EXPECT_EQ((*r)[4].str, "3");

  auto empty = run(c.pipeline({}));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

TEST_F(RedisClientTest, FailsImmediatelyWhenNotConnectedOrStopped) {
  test::RedisServer server;
  RedisClient& idle = client(config_for(server), /*wait_connected=*/false);
  idle.stop();
  poll();
  auto stopped = cmd(idle, {"PING"});
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error(), make_error_code(Errc::stopped));

  // Never started: nothing is queued while down.
  clients_.push_back(std::make_unique<RedisClient>(ioc_.get_executor(), config_for(server)));
  auto down = cmd(*clients_.back(), {"PING"});
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error(), make_error_code(Errc::not_connected));

  RedisClient& up = client(config_for(server));
  auto empty = run(up.command({}));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error(), make_error_code(Errc::invalid_argument));
}

TEST_F(RedisClientTest, AuthenticatesAndSelectsTheDatabase) {
  const std::string password = "pa:ss/w@rd%1";  // survives percent-encoding in the URL
  test::RedisServer server(test::RedisServerOptions().requirepass(password));

  // Capture the logs: the password must never appear in them.
  std::ostringstream logs;
  auto previous = spdlog::default_logger();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(logs);
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  spdlog::set_level(spdlog::level::debug);

  RedisClient& db3 = client(config_for(server, 3));
  ASSERT_TRUE(cmd(db3, {"SET", "where", "three"}));
  RedisClient& db0 = client(config_for(server, 0));
  auto in0 = cmd(db0, {"GET", "where"});
  ASSERT_TRUE(in0);
  EXPECT_TRUE(in0->is_nil());
  RedisClient& other3 = client(config_for(server, 3));
  auto in3 = cmd(other3, {"GET", "where"});
  ASSERT_TRUE(in3);
  EXPECT_EQ(in3->str, "three");

  // Wrong password: the client keeps trying and never reports connected.
  auto wrong = config_for(server);
  wrong.password = "wrong-" + password;
  RedisClient& bad = client(wrong, /*wait_connected=*/false);
  drive([&] { return errors("connect") >= 2; });
  EXPECT_FALSE(bad.connected());
  auto refused = cmd(bad, {"PING"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), make_error_code(Errc::not_connected));

  spdlog::set_default_logger(previous);
  spdlog::set_level(spdlog::level::info);
  EXPECT_NE(logs.str().find("WRONGPASS"), std::string::npos) << logs.str();
  EXPECT_EQ(logs.str().find(password), std::string::npos) << "password leaked into logs";
}

TEST_F(RedisClientTest, ReconnectsAfterRedisRestarts) {
  test::RedisServer server;
  RedisClient& c = client(config_for(server));
  ASSERT_TRUE(cmd(c, {"PING"}));
  EXPECT_EQ(metrics_.value("microcourse_redis_connected", {{"client", "main"}}), 1);

  server.stop();
  drive([&] { return !c.connected(); });
  EXPECT_EQ(metrics_.value("microcourse_redis_connected", {{"client", "main"}}), 0);
  auto down = cmd(c, {"PING"});
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error(), make_error_code(Errc::not_connected));
  // While it is down, the client keeps trying (and failing) to connect.
  drive([&] { return errors("connect") >= 1; });

  server.restart();
  drive([&] { return c.connected(); });
  auto up = cmd(c, {"PING"});
  ASSERT_TRUE(up) << up.error().message();
  EXPECT_EQ(up->str, "PONG");
  EXPECT_GE(errors("disconnect"), 1);
}

TEST_F(RedisClientTest, DeadlineWhenRedisHangsThenRecovers) {
  test::RedisServer server;
  auto config = config_for(server);
  config.command_timeout = 300ms;
  config.connect_timeout = 300ms;
  RedisClient& c = client(config);

  server.pause();
  auto r = cmd(c, {"PING"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(Errc::timeout));
  EXPECT_GE(errors("timeout"), 1);
  // The health check notices the hung server and drops the connection.
  drive([&] { return !c.connected(); });
  auto down = cmd(c, {"PING"});
  ASSERT_FALSE(down);

  server.resume();
  drive([&] { return c.connected(); });
  auto ok = cmd(c, {"ECHO", "back"});
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ(ok->str, "back");
}

TEST_F(RedisClientTest, LateReplyIsDroppedAndDoesNotShiftLaterReplies) {
  test::RedisServer server;
  auto config = config_for(server);
  config.health_interval = 0ms;  // keep the connection: the late reply must arrive on it
  RedisClient& c = client(config);

  // BLPOP answers (nil) after 0.5 s, long after its 50 ms deadline.
  auto late = run(c.command({"BLPOP", "nothing", "0.5"}, 50ms));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error(), make_error_code(Errc::timeout));

  // The next reply on the connection is BLPOP's nil: it must be dropped, not handed to ECHO.
  auto echo = cmd(c, {"ECHO", "two"});
  ASSERT_TRUE(echo) << echo.error().message();
  EXPECT_EQ(echo->str, "two");
  auto again = cmd(c, {"ECHO", "three"});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->str, "three");
  EXPECT_TRUE(c.connected());
}

TEST_F(RedisClientTest, DestroyingTheClientFailsCommandsInFlight) {
  test::RedisServer server;
  auto config = config_for(server);
  config.health_interval = 0ms;
  config.command_timeout = 20s;
  clients_.push_back(std::make_unique<RedisClient>(ioc_.get_executor(), config));
  clients_.back()->start();
  drive([&] { return clients_.back()->connected(); });

  server.pause();  // the command below gets no reply while the client is alive
  std::optional<result<Reply>> outcome;
  bool sent = false;
  boost::asio::co_spawn(
      ioc_,
      [&]() -> boost::asio::awaitable<void> {
        sent = true;
        std::vector<std::string> echo{"ECHO", "never"};
        outcome = co_await clients_.back()->command(std::move(echo));
      },
      [](std::exception_ptr) {});
  drive([&] { return sent; });
  poll();  // the command reaches the strand and the socket

  clients_.clear();  // destroy the client with the command pending
  drive([&] { return outcome.has_value(); });
  ASSERT_FALSE(*outcome);
  EXPECT_TRUE(outcome->error() == make_error_code(Errc::connection_lost) ||
              outcome->error() == make_error_code(Errc::stopped))
      << outcome->error().message();

  // Redis wakes up and answers into a closed connection: nothing may touch the dead client.
  server.resume();
  poll();
  RedisClient& c = client(config_for(server));
  auto ping = cmd(c, {"PING"});
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->str, "PONG");
}

TEST_F(RedisClientTest, CancellingTheAwaiterAbandonsTheCommand) {
  test::RedisServer server;
  auto config = config_for(server);
  config.health_interval = 0ms;
  RedisClient& c = client(config);
  // A racing timer cancels the command (awaitable_operators ||): the call gives up at once and
  // its reply, arriving later, is dropped.
  auto r = run([&]() -> boost::asio::awaitable<result<Reply>> {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    timer.expires_after(20ms);
    auto racing = c.command({"BLPOP", "nothing", "0.3"});
    auto outcome = co_await (std::move(racing) ||
                             timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable)));
    if (outcome.index() == 0) co_return std::get<0>(std::move(outcome));
    co_return Errc::timeout;  // the timer won: the command was cancelled
  }());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), make_error_code(Errc::timeout));
  auto echo = cmd(c, {"ECHO", "after"});
  ASSERT_TRUE(echo);
  EXPECT_EQ(echo->str, "after");
}

TEST_F(RedisClientTest, ManyConcurrentCommandsFromSeveralThreads) {
  test::RedisServer server;
  // The client's executor is an io_context run by two threads: its strand keeps every hiredis
  // call serialized while callers' coroutines run on either thread.
  boost::asio::io_context pool;
  auto guard = boost::asio::make_work_guard(pool);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) threads.emplace_back([&] { pool.run(); });

  constexpr int kCommands = 400;
  std::atomic<int> ok{0};
  std::latch all_done(kCommands);
  {
    RedisClient c(pool.get_executor(), config_for(server));
    c.start();
    while (!c.connected()) std::this_thread::sleep_for(1ms);  // another thread connects it
    for (int i = 0; i < kCommands; ++i) {
      boost::asio::co_spawn(
          pool,
          [&]() -> boost::asio::awaitable<void> {
            std::vector<std::string> incr{"INCR", "counter"};
            auto r = co_await c.command(std::move(incr));
            if (r && r->type == Reply::Type::integer) ++ok;
            all_done.count_down();
          },
          boost::asio::detached);
    }
    all_done.wait();
    std::promise<result<Reply>> total;
    boost::asio::co_spawn(
        pool,
        [&]() -> boost::asio::awaitable<void> {
          std::vector<std::string> get{"GET", "counter"};
          total.set_value(co_await c.command(std::move(get)));
        },
        boost::asio::detached);
    auto counter = total.get_future().get();
    EXPECT_EQ(ok, kCommands);
    EXPECT_TRUE(counter);  // no ASSERT: the threads below must be joined
    if (counter) {
      EXPECT_EQ(counter->str, std::to_string(kCommands));
    }
  }
  guard.reset();
  for (auto& t : threads) t.join();
}

}  // namespace
}  // namespace mc::store
