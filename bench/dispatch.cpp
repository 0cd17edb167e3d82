// Dispatcher throughput against the fake Telegram Bot API, whose limits are Telegram's: N
// messages to N chats with the bot limit at R messages/s (30 as for every bot, 1,000 as for
// paid broadcasts). Figures: achieved/allowed ratio (target >= 0.95) and 429 answers (target 0).
// Against a real redis-server; the fake runs on its own thread in this process.
//
//   build/bench/bench_dispatch [--rate 30] [--seconds 20]     (no --rate: both 30 and 1000)

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <cstdio>
#include <thread>

#include "adapters/telegram/client.hpp"
#include "bench/bench_support.hpp"
#include "bot/delivery/dispatcher.hpp"
#include "bot/http/client.hpp"
#include "bot/store/outbox_store.hpp"
#include "tests/support/fake_telegram.hpp"
#include "tests/support/redis_server.hpp"

using namespace mc;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

struct Result {
  long long messages = 0;
  long long accepted = 0;
  long long rate_limited = 0;
  double overall_rate = 0;  ///< accepted / (last accepted - dispatcher start)
  double steady_rate = 0;   ///< (accepted - 1) / (last accepted - first accepted)
  double seed_seconds = 0;
};

Result measure(double rate, int seconds) {
  const long long messages = static_cast<long long>(rate * seconds);
  test::RedisServer server;
  test::FakeTelegramOptions fake_options;  // Telegram's per-chat limits
  fake_options.bot_per_second = rate;      // and the bot limit being measured
  fake_options.bot_burst = rate;
  test::FakeTelegram fake(fake_options);
  const std::string route = "telegram:" + fake.bot_id();

  asio::io_context ioc(1);
  store::RedisClient redis(ioc.get_executor(),
                           store::parse_redis_url(server.url(), nullptr).value());
  redis.start();
  bench::drive(ioc, [&] { return redis.connected(); });
  store::StoreConfig store_config;
  store_config.platforms = {"telegram"};
  store::LearnerStore learners(redis, store_config);
  store::OutboxStore outbox(redis, store_config);
  http::Client http(ioc.get_executor());
  telegram::Client telegram(http, telegram::ClientConfig{fake.url(), fake.options().token});

  Result result;
  result.messages = messages;
  auto start = std::chrono::steady_clock::now();
  bench::run(ioc, bench::seed(learners, static_cast<int>(messages), 256, [&](int i) {
               const std::string chat = std::to_string(5'000'000 + i);
               store::Commit c;
               c.learner = route + ":" + chat;
               c.state.id = c.learner;
               core::Outbound m;
               m.learner = c.learner;
               m.to = {route, chat};
               m.body = {core::paragraph("📘 Lesson " + std::to_string(i) +
                                         ": a short paragraph of a lesson, as a push carries it.")};
               m.keyboard = {{core::Button{"Continue ▸", "n:daily:0"}}};
               m.key = "bench#" + std::to_string(i);
               c.out.push_back(std::move(m));
               return c;
             }));
  result.seed_seconds = bench::seconds_since(start);

  delivery::DispatcherConfig config;
  config.consumer = "bench";
  delivery::Dispatcher dispatcher(ioc.get_executor(), outbox, config,
                                  [] { return core::to_time(core::Clock::now()); });
  // What serve configures from TELEGRAM_MAX_PER_SECOND, with the default per-chat limits.
  core::RouteLimits limits = telegram::default_limits();
  limits.bot.per_second = rate;
  dispatcher.set_limits("telegram:", limits);
  dispatcher.add_sender("telegram:", {telegram::parts_of,
                                      [&](const core::Part& part) { return telegram.call(part); }});

  bool done = false;
  const auto run_start = std::chrono::steady_clock::now();
  asio::co_spawn(ioc, dispatcher.run(), [&](std::exception_ptr) { done = true; });
  std::thread loop([&] { ioc.run(); });

  // The fake counts calls under its lock: wait on the count, then check what was accepted.
  std::size_t target = static_cast<std::size_t>(messages);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds * 4 + 60);
  std::vector<test::FakeCall> sends;
  while (std::chrono::steady_clock::now() < deadline) {
    fake.wait_for([&](const std::vector<test::FakeCall>& calls) { return calls.size() >= target; },
                  std::chrono::seconds(5));
    sends = fake.accepted("sendMessage");
    if (static_cast<long long>(sends.size()) >= messages) break;
    target = fake.calls().size() + (static_cast<std::size_t>(messages) - sends.size());
  }

  asio::post(ioc, [&] { dispatcher.stop(); });
  while (!done) std::this_thread::sleep_for(10ms);
  asio::post(ioc, [&] {
    http.close();
    redis.stop();
    ioc.stop();
  });
  loop.join();

  result.accepted = static_cast<long long>(sends.size());
  result.rate_limited = fake.rate_limited();
  if (sends.size() >= 2) {
    auto first = sends.front().at;
    auto last = sends.front().at;
    for (const auto& s : sends) {
      first = std::min(first, s.at);
      last = std::max(last, s.at);
    }
    result.overall_rate =
        static_cast<double>(sends.size()) / std::chrono::duration<double>(last - run_start).count();
    result.steady_rate =
        static_cast<double>(sends.size() - 1) / std::chrono::duration<double>(last - first).count();
  }
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  const long only_rate = bench::arg(argc, argv, "--rate", 0);
  const int seconds = static_cast<int>(bench::arg(argc, argv, "--seconds", 20));
  spdlog::set_level(spdlog::level::warn);
  std::vector<double> rates = only_rate > 0 ? std::vector<double>{static_cast<double>(only_rate)}
                                            : std::vector<double>{30, 1000};
  bool ok = true;
  for (double rate : rates) {
    std::printf(
        "dispatch: bot limit %.0f/s (fake API at the same limit), %d s of messages, "
        "one per chat\n",
        rate, seconds);
    Result r = measure(rate, seconds);
    bench::count("messages", r.messages);
    bench::count("accepted by the fake API", r.accepted);
    bench::count("429 answers", r.rate_limited);
    bench::figure("achieved rate (dispatcher start to last)", r.overall_rate, "msg/s");
    bench::figure("achieved rate (first to last accepted)", r.steady_rate, "msg/s");
    bench::figure("achieved / allowed", r.overall_rate / rate, "");
    ok = ok && r.accepted == r.messages && r.rate_limited == 0 && r.overall_rate / rate >= 0.95;
    std::printf("reproduce: %s --rate %.0f --seconds %d\n", argv[0], rate, seconds);
  }
  bench::figure("peak RSS of this process (incl. the fake API)", bench::peak_rss_mib(), "MiB");
  if (!ok) std::printf("BELOW TARGET: achieved/allowed < 0.95, 429s, or messages missing\n");
  return ok ? 0 : 1;
}
