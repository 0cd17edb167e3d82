#pragma once

// The learners' side of Redis, as the engine needs it: load a learner, commit a decision
// atomically (state, outbox entries, event id, schedule), and drop an orphaned schedule entry.

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/learner.hpp"
#include "bot/core/message.hpp"
#include "bot/core/time.hpp"
#include "bot/store/config.hpp"
#include "bot/store/redis_client.hpp"

namespace mc::store {

struct Loaded {
  std::optional<core::LearnerState> state;  ///< nullopt: a new learner
  std::uint64_t version = 0;                ///< 0 for a new learner
};

struct Commit {
  std::string learner;
  std::uint64_t expected_version = 0;  ///< the version that was loaded
  core::LearnerState state;
  std::vector<core::Outbound> out;  ///< appended to the learner's outbox partition
  std::string event_id;             ///< remembered for StoreConfig::seen_ttl; empty = none
  /// The learner's next scheduled push; nullopt = leave as is, epoch = remove from schedule.
  std::optional<core::Time> due;
};

enum class CommitStatus {
  committed,  ///< state, outbox entries, event id and schedule written atomically
  duplicate,  ///< event_id was already handled: nothing written
  conflict,   ///< the version moved since load: nothing written; reload and decide again
};

class LearnerStore {
 public:
  LearnerStore(RedisClient& redis, StoreConfig config = {});

  /// The connection is established.
  bool connected() const;

  boost::asio::awaitable<boost::system::result<Loaded>> load(std::string_view learner);
  /// Atomic: duplicate check, version check, state, outbox, event id, schedule (one Lua script).
  boost::asio::awaitable<boost::system::result<CommitStatus>> commit(const Commit& commit);
  /// Removes `learner` from the schedule when no state is stored for them (an orphaned entry
  /// that would otherwise be claimed again after every lease).
  boost::asio::awaitable<boost::system::result<void>> unschedule_if_missing(
      std::string_view learner);

 private:
  RedisClient& redis_;
  StoreConfig config_;
};

}  // namespace mc::store
