// End to end with the real binary: N learners due at once, one `microcourse serve` process
// claims, decides, commits and sends every push to the fake Telegram Bot API (its bot limit at
// the rate given, TELEGRAM_MAX_PER_SECOND the same). Figures: time until every learner has their
// lesson, 429 answers, and the serve process's peak RSS (VmHWM from /proc).
//
//   build/bench/bench_serve [--learners 20000] [--rate 1000]

#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "bench/bench_support.hpp"
#include "bot/content/loader.hpp"
#include "tests/support/fake_telegram.hpp"
#include "tests/support/http_call.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"

using namespace mc;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

/// A field of /proc/<pid>/status in MiB (VmHWM: peak RSS, VmRSS: now).
double proc_status_mib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field + ":")) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int learners = static_cast<int>(bench::arg(argc, argv, "--learners", 20'000));
  const long rate = bench::arg(argc, argv, "--rate", 1'000);
  spdlog::set_level(spdlog::level::warn);

  auto content = content::load_directory(MC_SOURCE_DIR "/content");
  if (!content.ok()) throw std::runtime_error("content does not load");
  const core::Course& course = content.catalog.courses().front();

  test::RedisServer server;
  test::FakeTelegramOptions fake_options;
  fake_options.bot_per_second = static_cast<double>(rate);
  fake_options.bot_burst = static_cast<double>(rate);
  test::FakeTelegram fake(fake_options);
  const std::string route = "telegram:" + fake.bot_id();

  asio::io_context ioc(1);
  store::RedisClient redis(ioc.get_executor(),
                           store::parse_redis_url(server.url(), nullptr).value());
  redis.start();
  bench::drive(ioc, [&] { return redis.connected(); });
  store::LearnerStore store(redis);
  const core::Time due = core::to_time(core::Clock::now()) - 1min;
  bench::run(ioc, bench::seed(store, learners, 256, [&](int i) {
               const std::string chat = std::to_string(7'000'000 + i);
               core::LearnerState s;
               s.id = route + ":" + chat;
               s.address = {route, chat};
               s.focus = course.id;
               core::Enrollment e;
               e.course = course.id;
               s.enrollments.push_back(e);
               s.push.next_due = due;
               store::Commit c;
               c.learner = s.id;
               c.state = std::move(s);
               c.due = due;
               return c;
             }));
  redis.stop();

  const std::string dir = test::make_temp_dir("mc-bench-serve");
  const unsigned short port = test::free_port();
  test::ProcessOptions options({MC_BINARY_DIR "/microcourse", "serve"});
  options.env("REDIS_URL", server.url())
      .env("CONTENT_DIR", MC_SOURCE_DIR "/content")
      .env("TELEGRAM_BOT_TOKEN", fake.options().token)
      .env("TELEGRAM_WEBHOOK_SECRET", "bench-secret")
      .env("TELEGRAM_API_URL", fake.url())
      .env("TELEGRAM_MAX_PER_SECOND", std::to_string(rate))
      .env("BIND", "127.0.0.1")
      .env("PORT", std::to_string(port))
      .env("LOG_LEVEL", "warn")
      .output(dir + "/serve.log");
  const auto start = std::chrono::steady_clock::now();
  test::Process serve = test::Process::spawn(options);

  // getMe is one call; then one sendMessage per learner.
  const std::size_t expected = static_cast<std::size_t>(learners) + 1;
  const bool all = fake.wait_for(
      [&](const std::vector<test::FakeCall>& calls) { return calls.size() >= expected; },
      std::chrono::seconds(learners / std::max(1L, rate) * 4 + 120));
  const double seconds = bench::seconds_since(start);
  const double peak = proc_status_mib(serve.pid(), "VmHWM");
  const test::ExitStatus exit = serve.stop(std::chrono::seconds(30));
  const auto sends = fake.accepted("sendMessage");

  std::printf("serve: %d learners due at once, bot limit %ld/s, one process\n", learners, rate);
  bench::count("lessons accepted by the fake API", static_cast<long long>(sends.size()));
  bench::count("429 answers", fake.rate_limited());
  bench::figure("start of serve to last lesson", seconds, "s");
  bench::figure("lessons per second, overall", static_cast<double>(sends.size()) / seconds,
                "msg/s");
  bench::figure("peak RSS of serve (VmHWM)", peak, "MiB");
  bench::count("exit code after SIGTERM", exit.exited ? exit.code : 128 + exit.signal);
  std::printf("reproduce: %s --learners %d --rate %ld\n", argv[0], learners, rate);
  const bool ok = all && static_cast<int>(sends.size()) == learners && fake.rate_limited() == 0 &&
                  exit.success();
  if (!ok) std::printf("FAILED: see %s/serve.log\n", dir.c_str());
  return ok ? 0 : 1;
}
