// Fan-out: N learners due in the same minute. How long does claiming them take, and how long
// until every push is decided and committed (state, outbox entry and next due time written)?
// Against a real redis-server started here; the Telegram outbox is only filled, not sent.
//
//   build/bench/bench_fanout [--learners 100000] [--batch 1000] [--concurrency 64]

#include <date/date.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "bench/bench_support.hpp"
#include "bot/engine/engine.hpp"
#include "bot/engine/scheduler.hpp"
#include "bot/store/schedule_store.hpp"
#include "tests/support/redis_server.hpp"

using namespace mc;
namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

std::string learner_id(int i) { return "telegram:1:" + std::to_string(1'000'000 + i); }

}  // namespace

int main(int argc, char** argv) {
  const int learners = static_cast<int>(bench::arg(argc, argv, "--learners", 100'000));
  const int batch = static_cast<int>(bench::arg(argc, argv, "--batch", 1'000));
  const int concurrency = static_cast<int>(bench::arg(argc, argv, "--concurrency", 64));
  spdlog::set_level(spdlog::level::warn);

  test::RedisServer server;
  asio::io_context ioc(1);
  auto redis_config = store::parse_redis_url(server.url(), nullptr).value();
  store::RedisClient redis(ioc.get_executor(), redis_config);
  redis.start();
  bench::drive(ioc, [&] { return redis.connected(); });
  store::StoreConfig store_config;
  store_config.platforms = {"telegram"};
  store::LearnerStore learner_store(redis, store_config);
  store::ScheduleStore schedule(redis, store_config);

  const core::Catalog catalog = bench::catalog();
  // Friday 10 May 2024, 09:30:59 UTC: everyone is due within the minute before.
  const core::Time t0 = core::Time{std::chrono::duration_cast<std::chrono::milliseconds>(
                            date::sys_days{date::year{2024} / 5 / 10}.time_since_epoch())} +
                        9h + 30min + 59s;
  core::Time now = t0;
  engine::Engine engine(catalog, learner_store, [&now] { return now; });

  std::printf("fan-out: %d learners due in the same minute, batch %d, concurrency %d\n", learners,
              batch, concurrency);
  auto start = std::chrono::steady_clock::now();
  bench::run(ioc, bench::seed(learner_store, learners, 256, [&](int i) {
               core::LearnerState s;
               s.id = learner_id(i);
               s.address = {"telegram:1", std::to_string(1'000'000 + i)};
               s.focus = "daily";
               core::Enrollment e;
               e.course = "daily";
               s.enrollments.push_back(e);
               s.push.next_due = t0 - std::chrono::seconds(i % 60);
               store::Commit c;
               c.learner = s.id;
               c.state = std::move(s);
               c.due = c.state.push.next_due;
               return c;
             }));
  const double seed_seconds = bench::seconds_since(start);

  // 1. Claiming alone (what two instances race for): every due learner leased, nothing pushed.
  start = std::chrono::steady_clock::now();
  long long claimed = 0;
  while (true) {
    auto r = bench::run(ioc, schedule.claim_due(now, batch, 10min));
    if (!r) throw std::runtime_error("claim_due failed: " + r.error().message());
    if (r->empty()) break;
    claimed += static_cast<long long>(r->size());
  }
  const double claim_seconds = bench::seconds_since(start);

  // 2. The scheduler end to end, once those leases have run out: claim, decide, commit.
  now = t0 + 10min + 1s;
  engine::SchedulerConfig config;
  config.batch = batch;
  config.concurrency = concurrency;
  engine::Scheduler scheduler(ioc.get_executor(), schedule, engine, config, [&now] { return now; });
  start = std::chrono::steady_clock::now();
  long long pushed = 0;
  long long failed = 0;
  while (true) {
    auto pass = bench::run(ioc, scheduler.run_once());
    if (!pass) throw std::runtime_error("scheduler pass failed: " + pass.error().message());
    if (pass->claimed == 0) break;
    pushed += pass->pushed;
    failed += pass->failed;
  }
  const double fanout_seconds = bench::seconds_since(start);
  const long long outbox = bench::run(ioc, bench::outbox_length(redis, "telegram"));
  auto info = bench::run(ioc, redis.command({"INFO", "memory"}));
  double redis_mib = 0;
  if (info) {
    auto pos = info->str.find("used_memory:");
    if (pos != std::string::npos) redis_mib = std::stod(info->str.substr(pos + 12)) / 1048576.0;
  }

  bench::figure("seeding (commit per learner)", seed_seconds, "s");
  bench::count("claim only: learners claimed", claimed);
  bench::figure("claim only: time", claim_seconds, "s");
  bench::figure("claim only: rate", static_cast<double>(claimed) / claim_seconds, "learners/s");
  bench::count("claim + push + commit: pushed", pushed);
  bench::count("claim + push + commit: failed", failed);
  bench::figure("claim + push + commit: time", fanout_seconds, "s");
  bench::figure("claim + push + commit: rate", static_cast<double>(pushed) / fanout_seconds,
                "learners/s");
  bench::count("outbox entries written", outbox);
  bench::figure("redis used_memory", redis_mib, "MiB");
  bench::figure("peak RSS of this process", bench::peak_rss_mib(), "MiB");
  std::printf("reproduce: %s --learners %d --batch %d --concurrency %d\n", argv[0], learners, batch,
              concurrency);
  redis.stop();
  const bool ok = claimed == learners && pushed == learners && outbox == learners;
  if (!ok) std::printf("FAILED: not every learner was claimed and pushed exactly once\n");
  return ok ? 0 : 1;
}
