#pragma once

// What the delivery and scheduler tests share: a real redis-server, the stores on it, a small
// catalogue, learners with a push due, and commits that put messages in the outbox. Header-only
// test support.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "bot/core/course.hpp"
#include "bot/core/learner.hpp"
#include "bot/core/markup.hpp"
#include "bot/store/keys.hpp"
#include "bot/store/redis_url.hpp"
#include "tests/store/async_test.hpp"
#include "tests/store/stores.hpp"
#include "tests/support/redis_server.hpp"

namespace mc::test {

using namespace std::chrono_literals;

/// One course of three lessons and a question: what a push shows.
inline core::Catalog delivery_catalog() {
  core::Course daily;
  daily.id = "daily";
  daily.title = "Daily";
  daily.summary = "A lesson a day.";
  for (int i = 1; i <= 3; ++i) {
    daily.steps.push_back(core::Lesson{"Lesson " + std::to_string(i),
                                       core::parse_markdown("Body of lesson " + std::to_string(i)),
                                       0});
  }
  daily.steps.push_back(core::Question{
      "q1", core::parse_markdown("Pick A"), {"A", "B"}, 0, core::parse_markdown("A it is."), 0});
  return core::Catalog({daily});
}

/// A learner enrolled in "daily" whose next push is due at `due`, reached at `to`.
inline core::LearnerState due_learner(const std::string& id, core::Address to, core::Time due) {
  core::LearnerState s;
  s.id = id;
  s.address = std::move(to);
  s.focus = "daily";
  core::Enrollment e;
  e.course = "daily";
  s.enrollments.push_back(e);
  s.push.next_due = due;
  return s;
}

/// A plain chat message (what the engine would have put in the outbox).
inline core::Outbound chat_message(const std::string& learner, core::Address to,
                                   const std::string& text, const std::string& key) {
  core::Outbound m;
  m.learner = learner;
  m.to = std::move(to);
  m.body = {core::paragraph(text)};
  m.key = key;
  return m;
}

class DeliveryTest : public AsyncTest {
 protected:
  void SetUp() override {
    server_.emplace();
    redis_ = connect();
    store_ = std::make_unique<Stores>(*redis_, store_config());
  }

  void TearDown() override {
    stores_.clear();
    store_.reset();
    clients_.clear();
    redis_.reset();
    poll();
  }

  static store::StoreConfig store_config() {
    store::StoreConfig c;
    c.platforms = {"telegram"};
    c.poll_interval = 10ms;
    return c;
  }

  std::unique_ptr<store::RedisClient> connect() {
    auto config = store::parse_redis_url(server_->url(), nullptr).value();
    config.reconnect_min = 10ms;
    config.reconnect_max = 200ms;
    auto c = std::make_unique<store::RedisClient>(ioc_.get_executor(), config);
    c->start();
    drive([&] { return c->connected(); });
    return c;
  }

  /// Stores on their own connection: another bot instance on the same Redis.
  Stores& another_instance() {
    clients_.push_back(connect());
    stores_.push_back(std::make_unique<Stores>(*clients_.back(), store_config()));
    return *stores_.back();
  }

  store::Reply raw(std::vector<std::string> args) {
    auto r = run(redis_->command(std::move(args)));
    if (!r) throw std::runtime_error("raw command failed: " + r.error().message());
    return std::move(*r);
  }

  /// Writes `state` (a new learner) with its push in the schedule.
  void seed(const core::LearnerState& state) {
    store::Commit c;
    c.learner = state.id;
    c.state = state;
    c.due = state.push.next_due;
    auto r = run(store_->learners.commit(c));
    if (!r || *r != store::CommitStatus::committed) throw std::runtime_error("seed failed");
  }

  /// Appends messages to the learner's outbox as one commit (the learner is created on first
  /// use), like the engine does for one event.
  void put(const std::string& learner, std::vector<core::Outbound> out) {
    auto loaded = run(store_->learners.load(learner));
    if (!loaded) throw std::runtime_error("load failed");
    store::Commit c;
    c.learner = learner;
    c.expected_version = loaded->version;
    c.state = loaded->state.value_or(core::LearnerState{});
    c.state.id = learner;
    c.out = std::move(out);
    auto r = run(store_->learners.commit(c));
    if (!r || *r != store::CommitStatus::committed) throw std::runtime_error("put failed");
  }

  std::optional<core::LearnerState> load(const std::string& learner) {
    auto r = run(store_->learners.load(learner));
    if (!r) throw std::runtime_error("load failed");
    return r->state;
  }

  /// The learner's score in the schedule (ms), nullopt when not scheduled.
  std::optional<long long> scheduled(const std::string& learner) {
    auto r = raw({"ZSCORE", store::due_key("mc", store::partition_of(learner)), learner});
    if (r.is_nil()) return std::nullopt;
    return std::stoll(r.str);
  }

  /// Entries in all telegram outbox streams (pending or not).
  long long outbox_length() {
    long long n = 0;
    for (int p = 0; p < store::kPartitions; ++p) {
      n += raw({"XLEN", store::outbox_key("mc", p, "telegram")}).integer;
    }
    return n;
  }

  /// The dead-letter entries' reasons.
  std::vector<std::string> dead_reasons() {
    std::vector<std::string> out;
    for (int p = 0; p < store::kPartitions; ++p) {
      auto r = raw({"XRANGE", store::dead_key("mc", p), "-", "+"});
      for (const auto& e : r.elements) {
        const auto& fields = e.elements[1].elements;
        for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
          if (fields[i].str == "reason") out.push_back(fields[i + 1].str);
        }
      }
    }
    return out;
  }

  std::optional<RedisServer> server_;
  std::unique_ptr<store::RedisClient> redis_;
  std::unique_ptr<Stores> store_;
  std::vector<std::unique_ptr<store::RedisClient>> clients_;
  std::vector<std::unique_ptr<Stores>> stores_;
};

}  // namespace mc::test
