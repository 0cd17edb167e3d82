#pragma once

// What the benchmarks share: running coroutines to completion on an io_context, a clock, peak
// memory, a small catalogue, bounded-concurrency seeding through the store, and figure output.
// Plain executables (no GoogleTest); each prints its figures and the command that reproduces it.

#include <sys/resource.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "bot/core/course.hpp"
#include "bot/core/learner.hpp"
#include "bot/core/markup.hpp"
#include "bot/store/keys.hpp"
#include "bot/store/learner_store.hpp"
#include "bot/store/redis_url.hpp"

namespace mc::bench {

namespace asio = boost::asio;

/// Runs `task` on `ioc` until it completes (the Redis client's timers keep the loop busy).
template <typename T>
T run(asio::io_context& ioc, asio::awaitable<T> task) {
  std::exception_ptr error;
  bool done = false;
  auto wait = [&] {
    while (!done) {
      if (ioc.stopped()) ioc.restart();
      ioc.run_one_for(std::chrono::milliseconds(50));
    }
    if (error) std::rethrow_exception(error);
  };
  if constexpr (std::is_void_v<T>) {
    asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e) {
      error = e;
      done = true;
    });
    wait();
  } else {
    std::optional<T> out;
    asio::co_spawn(ioc, std::move(task), [&](std::exception_ptr e, T value) {
      error = e;
      if (!e) out.emplace(std::move(value));
      done = true;
    });
    wait();
    return std::move(*out);
  }
}

/// Runs handlers until `until()` holds.
inline void drive(asio::io_context& ioc, const std::function<bool()>& until) {
  while (!until()) {
    if (ioc.stopped()) ioc.restart();
    ioc.run_one_for(std::chrono::milliseconds(20));
  }
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Peak resident set size of this process so far (getrusage ru_maxrss), in MiB.
inline double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

/// `--name value` from argv, else `fallback`.
inline long arg(int argc, char** argv, std::string_view name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (name == argv[i]) return std::strtol(argv[i + 1], nullptr, 10);
  }
  return fallback;
}

inline void figure(const char* name, double value, const char* unit) {
  std::printf("  %-44s %12.3f %s\n", name, value, unit);
}
inline void count(const char* name, long long value) {
  std::printf("  %-44s %12lld\n", name, value);
}

/// One course of three lessons and a question.
inline core::Catalog catalog() {
  core::Course daily;
  daily.id = "daily";
  daily.title = "Daily";
  daily.summary = "A lesson a day.";
  for (int i = 1; i <= 3; ++i) {
    daily.steps.push_back(core::Lesson{
        "Lesson " + std::to_string(i),
        core::parse_markdown("A short lesson of a few sentences, *with* some **markup** and a "
                             "`code` span, like the real ones. Lesson " +
                             std::to_string(i) + "."),
        0});
  }
  daily.steps.push_back(core::Question{
      "q1", core::parse_markdown("Pick A"), {"A", "B"}, 0, core::parse_markdown("A it is."), 0});
  return core::Catalog({daily});
}

/// Commits one new learner per index with at most `concurrency` commits in flight.
inline asio::awaitable<void> seed(store::LearnerStore& store, int count, int concurrency,
                                  std::function<store::Commit(int)> make) {
  auto next = std::make_shared<int>(0);
  auto failures = std::make_shared<int>(0);
  auto workers = std::make_shared<int>(concurrency);
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer done(ex, asio::steady_timer::time_point::max());
  for (int w = 0; w < concurrency; ++w) {
    asio::co_spawn(
        ex,
        [&store, next, failures, count, make]() -> asio::awaitable<void> {
          while (*next < count) {
            store::Commit c = make((*next)++);
            auto r = co_await store.commit(c);
            if (!r || *r != store::CommitStatus::committed) ++*failures;
          }
        },
        [workers, &done](std::exception_ptr) {
          if (--*workers == 0) done.cancel();
        });
  }
  while (*workers > 0) {
    (void)co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (*failures > 0) throw std::runtime_error(std::to_string(*failures) + " seed commits failed");
}

/// Entries in the outbox streams of `platform`, all partitions.
inline asio::awaitable<long long> outbox_length(store::RedisClient& redis,
                                                const std::string& platform) {
  std::vector<std::vector<std::string>> cmds;
  for (int p = 0; p < store::kPartitions; ++p) {
    cmds.push_back({"XLEN", store::outbox_key("mc", p, platform)});
  }
  auto r = co_await redis.pipeline(std::move(cmds));
  if (!r) throw std::runtime_error("XLEN failed: " + r.error().message());
  long long n = 0;
  for (const auto& reply : *r) n += reply.integer;
  co_return n;
}

}  // namespace mc::bench
