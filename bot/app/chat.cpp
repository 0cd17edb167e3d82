#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <future>
#include <iostream>
#include <thread>

#include "adapters/console/client.hpp"
#include "adapters/console/parse.hpp"
#include "bot/app/commands.hpp"
#include "bot/app/setup.hpp"
#include "bot/delivery/dispatcher.hpp"
#include "bot/engine/engine.hpp"
#include "bot/store/learner_store.hpp"
#include "bot/store/outbox_store.hpp"

namespace mc::app {
namespace {

namespace asio = boost::asio;

std::string default_name() {
  auto user = process_env("USER");
  std::string name = user.value_or("learner");
  std::string clean;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') clean += c;
  }
  return clean.empty() ? "learner" : clean;
}

// Waits until Redis is connected or `limit` passes.
asio::awaitable<bool> wait_connected(const store::RedisClient& redis,
                                     std::chrono::milliseconds limit) {
  auto ex = co_await asio::this_coro::executor;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!redis.connected()) {
    if (std::chrono::steady_clock::now() >= deadline) co_return false;
    asio::steady_timer t(ex, std::chrono::milliseconds(50));
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return true;
}

// Waits until the messages committed so far have been printed: nothing in flight and two outbox
// reads that began after the commit found nothing new. Bounded, so a stuck send can't hang.
asio::awaitable<void> wait_printed(const delivery::Dispatcher& dispatcher) {
  auto ex = co_await asio::this_coro::executor;
  const std::uint64_t seen = dispatcher.empty_reads();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline &&
         (dispatcher.in_flight() > 0 || dispatcher.empty_reads() < seen + 2)) {
    asio::steady_timer t(ex, std::chrono::milliseconds(10));
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

}  // namespace

int chat(const std::vector<std::string>& args) {
  std::string name = default_name();
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--name" && i + 1 < args.size()) {
      name = args[++i];
    } else {
      std::cerr << "usage: microcourse chat [--name NAME]\n";
      return 2;
    }
  }
  auto setup = prepare();
  if (!setup) return 2;
  const Config& config = setup->config;

  asio::io_context ioc(1);
  auto ex = ioc.get_executor();
  store::RedisClient redis(ex, config.redis);
  redis.start();
  store::StoreConfig store_config;
  store_config.platforms = {"console"};  // this session sends only to its terminal
  store::LearnerStore learners(redis, store_config);
  store::OutboxStore outbox(redis, store_config);
  engine::Engine engine(setup->catalog, learners, system_now, config.schedule);
  console::Terminal terminal(std::cout, console::RenderOptions{isatty(STDOUT_FILENO) == 1});

  delivery::DispatcherConfig dispatch_config;
  dispatch_config.consumer = "console-" + config.instance_id;
  dispatch_config.block = std::chrono::milliseconds(100);
  delivery::Dispatcher dispatcher(ex, outbox, dispatch_config, system_now);
  dispatcher.add_sender(std::string(console::kRoute),
                        {[&terminal](const core::Outbound& m) { return terminal.render(m); },
                         [&terminal](const core::Part& part) -> asio::awaitable<core::SendOutcome> {
                           co_return terminal.call(part);
                         }});

  bool ok = false;
  std::promise<bool> ready;
  asio::co_spawn(
      ex, wait_connected(redis, std::chrono::seconds(5)), [&](std::exception_ptr, bool connected) {
        ok = connected;
        ready.set_value(connected);
        if (!connected) {
          std::cerr << "microcourse: Redis at " << config.redis.host << ":" << config.redis.port
                    << " is not reachable. Start redis-server or set REDIS_URL.\n";
          redis.stop();
          dispatcher.stop();
          return;
        }
        asio::co_spawn(ex, dispatcher.run(), asio::detached);
      });

  std::cout << "microcourse — learning in the terminal as \"" << name
            << "\". Type a number to press a button, /help for commands, Ctrl-D to quit.\n";

  // Lines are read on their own thread (std::cin may be a file or a pipe, which epoll can't
  // watch) and handled one at a time, in order, on the io_context.
  const std::string session = std::to_string(core::to_millis(system_now()));
  std::thread reader([&, connected = ready.get_future()]() mutable {
    if (!connected.get()) return;
    std::string line = "/start";
    int seq = 0;
    bool first = true;
    while (first || std::getline(std::cin, line)) {
      first = false;
      if (line == "quit" || line == "exit") break;
      std::promise<void> handled;
      asio::post(ex, [&] {
        core::Inbound event =
            console::parse_line(line, name, terminal.choices(),
                                "console:" + name + ":" + session + "-" + std::to_string(++seq));
        asio::co_spawn(
            ex,
            [&, event]() -> asio::awaitable<void> {
              auto r = co_await engine.handle(event);
              if (!r) {
                std::cerr << "(could not save that: " << r.error().message() << ")\n";
              } else {
                co_await wait_printed(dispatcher);
              }
            },
            [&](std::exception_ptr) { handled.set_value(); });
      });
      handled.get_future().wait();
    }
    // Every reply has been printed (each line waits for its own): stop.
    asio::post(ex, [&] {
      dispatcher.stop();
      redis.stop();
    });
  });
  ioc.run();
  reader.join();
  return ok ? 0 : 1;
}

}  // namespace mc::app
