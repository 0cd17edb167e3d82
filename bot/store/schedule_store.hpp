#pragma once

// The schedule's side of Redis, as the scheduler needs it: claim the learners whose push is due.

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "bot/core/time.hpp"
#include "bot/store/config.hpp"
#include "bot/store/redis_client.hpp"

namespace mc::store {

class ScheduleStore {
 public:
  ScheduleStore(RedisClient& redis, StoreConfig config = {});

  /// The connection is established.
  bool connected() const;

  /// Claims up to `limit` learners due at or before `now` across all partitions: each is moved
  /// atomically to a lease (due = now + lease) so two instances never both claim one; a claim
  /// not re-committed within the lease becomes due again.
  boost::asio::awaitable<boost::system::result<std::vector<std::string>>> claim_due(
      core::Time now, int limit, std::chrono::milliseconds lease);

 private:
  RedisClient& redis_;
  StoreConfig config_;
  std::atomic<unsigned> next_partition_{0};  ///< claim_due's starting partition, rotated
};

}  // namespace mc::store
