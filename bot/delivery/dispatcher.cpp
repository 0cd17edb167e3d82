#include "bot/delivery/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <exception>
#include <random>
#include <set>

#include "bot/delivery/rate_limiter.hpp"
#include "bot/metrics/metrics.hpp"
#include "bot/store/keys.hpp"

namespace mc::delivery {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

constexpr metrics::Counter kSent{
    "microcourse_messages_sent_total", "Messages accepted by the platform", {"platform", "kind"}};
/// reason: unreachable, permanent or transient.
constexpr metrics::Counter kFailed{"microcourse_messages_failed_total",
                                   "Messages the platform refused or failed, by reason",
                                   {"platform", "reason"}};
constexpr metrics::Counter kRateLimited{"microcourse_rate_limited_total",
                                        "429 answers from platforms (each obeyed before retrying)",
                                        {"platform"}};
constexpr metrics::Counter kDeadLettered{
    "microcourse_dead_letters_total", "Messages moved to the dead-letter stream", {"platform"}};
constexpr metrics::Counter kLost{
    "microcourse_outbox_lost_total",
    "Held outbox entries another instance took over before they were sent"};
constexpr metrics::Counter kReclaimed{
    "microcourse_outbox_reclaimed_total",
    "Outbox entries taken over from a stopped or stalled instance"};

std::string platform_of(const std::string& route) { return route.substr(0, route.find(':')); }

// Acks of a button press and home views are not chat messages: no per-chat limit applies.
bool is_chat_message(const core::Outbound& m) {
  return m.kind == core::Outbound::Kind::send || m.kind == core::Outbound::Kind::edit;
}

// Sends `parts` from `first` on, stopping at the first one not accepted. parts_done counts from
// the message's first part: the skipped ones, then those accepted now.
asio::awaitable<core::SendOutcome> send_parts(const Sender& sender,
                                              const std::vector<core::Part>& parts, int first) {
  const int total = static_cast<int>(parts.size());
  for (int i = std::max(first, 0); i < total; ++i) {
    core::SendOutcome out = co_await sender.call(parts[static_cast<std::size_t>(i)]);
    if (out.status != core::SendOutcome::Status::sent) {
      out.parts_done = i;
      co_return out;
    }
  }
  core::SendOutcome done;
  done.parts_done = total;
  co_return done;
}

asio::awaitable<void> sleep_for(std::chrono::nanoseconds d) {
  if (d <= 0ns) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor, d);
  (void)co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

}  // namespace

struct Dispatcher::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::any_io_executor ex, store::OutboxStore& s, DispatcherConfig c, core::NowFn n)
      : executor(ex),
        store(s),
        config(std::move(c)),
        now(std::move(n)),
        wake(ex),
        rng(std::random_device{}()) {
    config.max_attempts = std::max(1, config.max_attempts);
    config.batch = std::max(1, config.batch);
    config.max_in_flight = std::max(1, config.max_in_flight);
  }

  asio::any_io_executor executor;
  store::OutboxStore& store;
  DispatcherConfig config;
  core::NowFn now;
  std::vector<std::pair<std::string, Sender>> senders;
  std::function<asio::awaitable<void>(const core::Outbound&)> unreachable;
  RateLimiter limiter;
  asio::steady_timer wake;  // woken when capacity frees up or on stop
  std::mt19937 rng;
  bool stopping = false;
  int in_flight = 0;
  std::uint64_t empty_reads = 0;
  // One queue per chat: a chat's messages go out one at a time, in outbox order (the lesson
  // before its feedback), while different chats are served concurrently.
  std::map<std::string, std::deque<store::OutboxEntry>> queues;
  // Every entry this instance holds (queued or being sent), by stream and id: a reclaim that
  // returns one of them again (it sat in a queue longer than reclaim_idle) must not queue it
  // twice, and the keeper touches them all so no other instance takes them over.
  std::set<std::string> held;
  // Held entries another instance has taken over (the keeper found them owned by someone else,
  // or finished): they are dropped unsent when their turn comes.
  std::set<std::string> lost;

  metrics::Registry& metrics = metrics::Registry::global();

  static std::string held_key(const store::OutboxEntry& e) {
    return std::to_string(e.partition) + "/" + e.platform + "/" + e.id;
  }

  const Sender* sender_for(const std::string& route) const {
    for (const auto& [prefix, sender] : senders) {
      if (route.starts_with(prefix)) return &sender;
    }
    return nullptr;
  }

  void enqueue(store::OutboxEntry entry) {
    if (!held.insert(held_key(entry)).second) {
      // Already in a queue here. A reclaim returned it, so it is ours again in Redis even if
      // the keeper had seen another instance take it (that one stalled in turn).
      lost.erase(held_key(entry));
      return;
    }
    std::string key = entry.message.to.route + "/" + entry.message.to.chat;
    auto& queue = queues[key];
    queue.push_back(std::move(entry));
    ++in_flight;
    if (queue.size() == 1) {
      asio::co_spawn(executor, drain(shared_from_this(), key), asio::detached);
    }
  }

  static asio::awaitable<void> drain(std::shared_ptr<Impl> self, std::string key) {
    while (true) {
      auto it = self->queues.find(key);
      if (it == self->queues.end() || it->second.empty()) break;
      store::OutboxEntry entry = it->second.front();
      try {
        co_await self->deliver(entry);
      } catch (const std::exception& e) {
        // A bug in a sender must not wedge the chat or shutdown: the entry stays pending in
        // Redis and is reclaimed later.
        spdlog::error("dispatcher: sending {} failed unexpectedly: {}", entry.id, e.what());
      }
      self->held.erase(held_key(entry));
      self->lost.erase(held_key(entry));
      it = self->queues.find(key);
      it->second.pop_front();
      --self->in_flight;
      self->wake.cancel();
      if (it->second.empty()) {
        self->queues.erase(it);
        break;
      }
    }
  }

  std::chrono::milliseconds backoff(int attempt) {
    auto base = config.backoff_base * (1LL << std::min(attempt, 16));
    auto capped = std::min<std::chrono::milliseconds>(base, config.backoff_max);
    // Jitter in [capped/2, capped]: instances retrying after one outage spread out.
    std::uniform_int_distribution<long long> jitter(capped.count() / 2, capped.count());
    return std::chrono::milliseconds(jitter(rng));
  }

  // Waits `d`, waking up for stop() within a quarter second.
  asio::awaitable<void> hold(std::chrono::nanoseconds d) {
    const auto until = std::chrono::steady_clock::now() + d;
    while (!stopping) {
      auto now_steady = std::chrono::steady_clock::now();
      if (now_steady >= until) co_return;
      co_await sleep_for(std::min<std::chrono::nanoseconds>(until - now_steady, 250ms));
    }
  }

  // Gives an entry back to the outbox for whoever runs next (shutdown): a new stream entry,
  // available at once, with the attempts it really used and the parts already sent.
  asio::awaitable<void> hand_back(store::OutboxEntry entry) {
    entry.attempt -= 1;  // OutboxStore::retry counts one attempt more; this one was not tried
    (void)co_await store.retry(entry, now(), entry.parts_done);
  }

  // Sends one entry until it is delivered, given up on, or handed back at shutdown.
  asio::awaitable<void> deliver(store::OutboxEntry entry) {
    const core::Outbound& m = entry.message;
    const std::string platform = platform_of(m.to.route);
    const Sender* sender = sender_for(m.to.route);
    if (sender == nullptr) {
      co_await finish_dead(entry, "no sender for route " + m.to.route);
      co_return;
    }
    if (auto wait = entry.not_before - now(); wait > 0ms) co_await hold(wait);

    const std::vector<core::Part> parts = sender->render(m);
    while (true) {
      // The proactive limits: this chat first (a slow chat holds no bot-wide capacity), then
      // the bot. A wait cut short by stop() hands the entry back instead of sending early.
      if (!stopping && is_chat_message(m)) {
        co_await hold(limiter.reserve_chat(m.to, std::chrono::steady_clock::now()));
      }
      if (!stopping) {
        co_await hold(limiter.reserve_bot(m.to.route, std::chrono::steady_clock::now()));
      }
      if (lost.count(held_key(entry)) != 0) {
        // This instance was too slow to keep it: another one has it now and sends it.
        spdlog::info("dispatcher: outbox entry {} was taken over by another instance", entry.id);
        metrics.inc(kLost);
        co_return;
      }
      if (stopping) {
        co_await hand_back(entry);
        co_return;
      }
      core::SendOutcome outcome = co_await send_parts(*sender, parts, entry.parts_done);
      // parts_done counts from the message's first part (the skipped ones included).
      entry.parts_done = std::max(entry.parts_done, outcome.parts_done);
      using Status = core::SendOutcome::Status;
      switch (outcome.status) {
        case Status::sent:
          metrics.inc(kSent, {platform, core::kind_name(m.kind)});
          co_await finish_ack(entry);
          co_return;
        case Status::unreachable:
          metrics.inc(kFailed, {platform, "unreachable"});
          spdlog::info("dispatcher: {} unreachable ({}), pausing their pushes", m.learner,
                       outcome.reason);
          co_await finish_ack(entry);
          if (unreachable && !m.learner.empty()) co_await unreachable(m);
          co_return;
        case Status::permanent:
          metrics.inc(kFailed, {platform, "permanent"});
          co_await finish_dead(entry, outcome.reason);
          co_return;
        case Status::retry_after: {
          metrics.inc(kRateLimited, {platform});
          auto pause = std::max<std::chrono::milliseconds>(outcome.retry_after, 1s);
          // The chat's bucket waits out retry_after (so its next reservation comes after it);
          // a 429 outside any chat (an ack, a home view) holds the whole bot.
          limiter.pause(m.to.route, m.to.chat, std::chrono::steady_clock::now() + pause,
                        /*whole_bot=*/!is_chat_message(m));
          spdlog::warn("dispatcher: {} rate limited, retrying after {} ms", platform,
                       pause.count());
          // A 429 is the platform pacing us, not a failure of the message: no attempt used.
          if (!is_chat_message(m)) co_await hold(pause);
          break;
        }
        case Status::transient: {
          metrics.inc(kFailed, {platform, "transient"});
          entry.attempt += 1;
          if (entry.attempt >= config.max_attempts) {
            co_await finish_dead(entry, "gave up after " + std::to_string(entry.attempt) +
                                            " attempts: " + outcome.reason);
            co_return;
          }
          auto delay = backoff(entry.attempt - 1);
          spdlog::warn("dispatcher: {} send failed ({}), attempt {} of {}, retry in {} ms",
                       platform, outcome.reason, entry.attempt, config.max_attempts, delay.count());
          co_await hold(delay);
          break;
        }
      }
    }
  }

  asio::awaitable<void> finish_ack(const store::OutboxEntry& entry) {
    // The platform has the message; if the ack can't be written the entry stays pending and
    // may be sent again after a reclaim (the at-least-once window, see README).
    for (int i = 0; i < 3; ++i) {
      if (co_await store.ack(entry)) co_return;
      co_await sleep_for(200ms);
    }
    spdlog::error("dispatcher: could not ack outbox entry {} (it may be sent again)", entry.id);
  }

  asio::awaitable<void> finish_dead(const store::OutboxEntry& entry, const std::string& reason) {
    metrics.inc(kDeadLettered, {platform_of(entry.message.to.route)});
    spdlog::error("dispatcher: dead-lettering {} for {}: {}", entry.id, entry.message.learner,
                  reason);
    for (int i = 0; i < 3; ++i) {
      if (co_await store.dead_letter(entry, reason)) co_return;
      co_await sleep_for(200ms);
    }
    spdlog::error("dispatcher: could not dead-letter outbox entry {}", entry.id);
  }

  // Resets the idle time of every entry this instance holds, so that entries waiting in a
  // chat's queue (behind rate limits or a retry backoff) are not mistaken for a crashed
  // instance's and taken over. One script call per stream; entries another instance took over
  // meanwhile (this one stalled for longer than reclaim_idle) are marked lost, not taken back.
  asio::awaitable<void> touch_held() {
    std::map<std::pair<int, std::string>, std::vector<std::string>> by_stream;
    for (const auto& [key, queue] : queues) {
      for (const auto& e : queue) by_stream[{e.partition, e.platform}].push_back(e.id);
    }
    for (auto& [stream, ids] : by_stream) {
      auto gone =
          co_await store.touch(stream.first, stream.second, std::move(ids), config.consumer);
      if (!gone) continue;  // Redis is away: try again next round
      for (const auto& id : *gone) {
        store::OutboxEntry ref;
        ref.partition = stream.first;
        ref.platform = stream.second;
        ref.id = id;
        if (held.count(held_key(ref)) != 0) lost.insert(held_key(ref));
      }
    }
  }

  asio::awaitable<void> keeper() {
    while (!stopping) {
      co_await hold(std::max<std::chrono::milliseconds>(config.reclaim_idle / 3, 10ms));
      if (!stopping) co_await touch_held();
    }
  }

  asio::awaitable<void> run() {
    // Wait for Redis, then make sure the consumer groups exist.
    while (!stopping) {
      if (co_await store.ensure_groups()) break;
      co_await sleep_for(500ms);
    }
    // The keeper's handler only sets a flag of this frame, which outlives it (see the end).
    bool keeper_done = false;
    asio::co_spawn(executor, keeper(), [&keeper_done](std::exception_ptr) { keeper_done = true; });
    auto next_reclaim = std::chrono::steady_clock::now();  // first: take over a crashed run's
    auto next_forget = std::chrono::steady_clock::now() + 10min;
    while (!stopping) {
      const int room = config.max_in_flight - in_flight;
      if (room <= 0) {
        wake.expires_after(1s);
        (void)co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      auto steady_now = std::chrono::steady_clock::now();
      if (steady_now >= next_reclaim) {
        next_reclaim =
            steady_now + std::max<std::chrono::milliseconds>(config.reclaim_idle / 2, 10ms);
        auto reclaimed = co_await store.reclaim_outbox(config.consumer, config.reclaim_idle,
                                                       std::min(room, config.batch));
        if (reclaimed && !reclaimed->empty()) {
          int taken = 0;
          for (auto& e : *reclaimed) {
            taken += held.count(held_key(e)) == 0;
            enqueue(std::move(e));
          }
          if (taken > 0) {
            spdlog::info("dispatcher: took over {} messages of a stopped instance", taken);
            metrics.inc(kReclaimed, {}, taken);
          }
          continue;
        }
      }
      if (steady_now >= next_forget) {
        next_forget = steady_now + 10min;
        limiter.forget_idle(steady_now, std::chrono::seconds(600));
      }
      // XREADGROUP's COUNT applies to each stream: divide, so one read takes about `batch` in
      // all and instances sharing the outbox share the work instead of one taking everything.
      const int streams =
          std::max(1, store::kPartitions * static_cast<int>(store.config().platforms.size()));
      const int per_stream = std::max(1, std::min(room, config.batch) / streams);
      auto entries = co_await store.read_outbox(config.consumer, per_stream, config.block);
      if (!entries) {
        co_await sleep_for(500ms);  // Redis is away; the client reconnects meanwhile
        continue;
      }
      if (entries->empty()) ++empty_reads;
      for (auto& e : *entries) enqueue(std::move(e));
    }
    // Let in-flight sends finish (each hands its entry back if it would have to wait).
    while (in_flight > 0 || !keeper_done) {
      wake.expires_after(50ms);
      (void)co_await wake.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }
};

Dispatcher::Dispatcher(asio::any_io_executor executor, store::OutboxStore& store,
                       DispatcherConfig config, core::NowFn now)
    : impl_(std::make_shared<Impl>(executor, store, std::move(config), std::move(now))) {}

void Dispatcher::add_sender(std::string route_prefix, Sender sender) {
  impl_->senders.emplace_back(std::move(route_prefix), std::move(sender));
}

void Dispatcher::on_unreachable(std::function<asio::awaitable<void>(const core::Outbound&)> fn) {
  impl_->unreachable = std::move(fn);
}

void Dispatcher::set_limits(std::string route_prefix, core::RouteLimits limits) {
  impl_->limiter.configure(std::move(route_prefix), limits);
}

int Dispatcher::in_flight() const { return impl_->in_flight; }

std::uint64_t Dispatcher::empty_reads() const { return impl_->empty_reads; }

asio::awaitable<void> Dispatcher::run() { co_await impl_->run(); }

void Dispatcher::stop() {
  impl_->stopping = true;
  impl_->wake.cancel();
}

}  // namespace mc::delivery
