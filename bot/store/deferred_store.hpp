#pragma once

// Events a platform will not send again (Slack slash commands and button presses, answered at
// once) whose handling could not be finished in time: kept in Redis until some instance has
// handled them, so neither a crash nor a SIGTERM of the instance that answered loses them.
//
// Keys: mc:{pNN}:deferred and mc:{pNN}:deferred:data (keys.hpp), in the partition of the
// event's learner like the rest of their data; a claim moves the due time to the lease's end.

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/inbound.hpp"
#include "bot/core/time.hpp"

namespace mc::store {

class RedisClient;

struct DeferredEntry {
  std::string id;  ///< unique: the event's id, or a random one for an event without
  core::Inbound event;
  std::string follow_up;  ///< who is told how it went: a name the app registered
  std::string data;       ///< the follow-up's own data (e.g. a Slack response_url), opaque here
  core::Time accepted{};  ///< when the platform's request was answered
  int attempt = 0;        ///< handling attempts so far
};

class DeferredStore {
 public:
  explicit DeferredStore(RedisClient& redis, std::string prefix = "mc");

  /// Keeps `entry` (replacing one with its id) to be handled at `due`, atomically.
  boost::asio::awaitable<boost::system::result<void>> put(DeferredEntry entry, core::Time due);
  /// Up to `limit` entries due at `now`, each leased until now + `lease` (another instance
  /// takes it over after that). Entries that can't be read are dropped (logged).
  boost::asio::awaitable<boost::system::result<std::vector<DeferredEntry>>> claim(
      core::Time now, int limit, std::chrono::milliseconds lease);
  /// Done with an entry.
  boost::asio::awaitable<boost::system::result<void>> remove(DeferredEntry entry);
  /// Entries kept now (all partitions): for tests, tools and metrics.
  boost::asio::awaitable<boost::system::result<long long>> size();

 private:
  boost::asio::awaitable<boost::system::result<void>> remove_at(int partition, std::string id);

  RedisClient& redis_;
  std::string prefix_;
  unsigned next_partition_ = 0;
};

}  // namespace mc::store
