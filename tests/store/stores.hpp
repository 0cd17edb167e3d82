#pragma once

// The three stores of one bot instance on one connection, as the store, delivery and scheduler
// tests use them. Header-only test support.

#include "bot/store/config.hpp"
#include "bot/store/learner_store.hpp"
#include "bot/store/outbox_store.hpp"
#include "bot/store/redis_client.hpp"
#include "bot/store/schedule_store.hpp"

namespace mc::test {

struct Stores {
  explicit Stores(store::RedisClient& redis, const store::StoreConfig& config = {})
      : learners(redis, config), outbox(redis, config), schedule(redis, config) {}
  store::LearnerStore learners;
  store::OutboxStore outbox;
  store::ScheduleStore schedule;
};

}  // namespace mc::test
