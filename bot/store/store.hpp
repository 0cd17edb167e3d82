#pragma once

// Everything the bot keeps in Redis, behind one interface. Nobody else sends Redis commands.
//
// Key layout (prefix "mc", partition tag {pNN} where NN = fnv1a(learner id) % kPartitions):
//   mc:{pNN}:learner:<learner-id>    hash  state (JSON), v (version)
//   mc:{pNN}:seen:<event-id>         string, expires: an event already handled
//   mc:{pNN}:outbox                  stream of outgoing messages (consumer group "senders")
//   mc:{pNN}:due                     zset learner-id -> due time (ms): scheduled pushes
//   mc:dead                          stream of dead-lettered messages
// A learner, their events, their outbox and their schedule share one partition, so a commit is
// one Lua script on one Redis Cluster slot. Changing kPartitions needs a migration.

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/learner.hpp"
#include "bot/core/message.hpp"
#include "bot/core/time.hpp"
#include "bot/store/redis.hpp"

namespace mc::store {

inline constexpr int kPartitions = 16;

/// "{p07}": the hash tag of the partition `learner` lives in.
std::string partition_tag(std::string_view learner);
int partition_of(std::string_view learner);

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

struct OutboxEntry {
  int partition = 0;
  std::string id;  ///< stream entry id
  core::Outbound message;
  int attempt = 0;        ///< sends tried before this one
  int parts_done = 0;     ///< parts of a split message already accepted
  core::Time not_before{};  ///< don't send before this (retry backoff)
  std::string raw;        ///< the message JSON as stored (dead letters keep it verbatim)
};

struct StoreConfig {
  std::string prefix = "mc";
  std::chrono::seconds seen_ttl{7 * 24 * 3600};  ///< how long an event id is remembered
  std::string group = "senders";                 ///< outbox consumer group
};

class Store {
 public:
  Store(RedisClient& redis, StoreConfig config = {});

  /// PING: true when Redis answers.
  boost::asio::awaitable<bool> ping();
  bool connected() const;

  boost::asio::awaitable<boost::system::result<Loaded>> load(std::string_view learner);
  /// Atomic: duplicate check, version check, state, outbox, event id, schedule (one Lua script).
  boost::asio::awaitable<boost::system::result<CommitStatus>> commit(const Commit& commit);

  // --- outbox (read by the dispatcher through a consumer group) ---
  /// Creates the consumer groups if missing (idempotent).
  boost::asio::awaitable<boost::system::result<void>> ensure_groups();
  /// New entries for `consumer`, at most `count`, waiting up to `block` (0 = don't wait).
  boost::asio::awaitable<boost::system::result<std::vector<OutboxEntry>>> read_outbox(
      std::string consumer, int count, std::chrono::milliseconds block);
  /// Entries pending longer than `min_idle` in other (crashed) consumers, claimed for `consumer`.
  boost::asio::awaitable<boost::system::result<std::vector<OutboxEntry>>> reclaim_outbox(
      std::string consumer, std::chrono::milliseconds min_idle, int count);
  /// Resets the idle time of an entry this consumer holds (XCLAIM ... JUSTID), so a long wait
  /// before a retry is not mistaken for a crash and reclaimed by another instance.
  boost::asio::awaitable<boost::system::result<void>> touch(const OutboxEntry& entry,
                                                            std::string consumer);
  /// Done with an entry: XACK + XDEL.
  boost::asio::awaitable<boost::system::result<void>> ack(const OutboxEntry& entry);
  /// Re-queues an entry for a later attempt (new entry with attempt+1, then ack of the old one,
  /// atomically).
  boost::asio::awaitable<boost::system::result<void>> retry(const OutboxEntry& entry,
                                                            core::Time not_before,
                                                            int parts_done);
  /// Moves an entry to the dead-letter stream with its reason, atomically with the ack.
  boost::asio::awaitable<boost::system::result<void>> dead_letter(const OutboxEntry& entry,
                                                                  std::string_view reason);
  /// Number of entries in the dead-letter stream.
  boost::asio::awaitable<boost::system::result<long long>> dead_letter_count();

  // --- schedule ---
  /// Claims up to `limit` learners due at or before `now` across all partitions: each is moved
  /// atomically to a lease (due = now + lease) so two instances never both claim one; a claim
  /// not re-committed within the lease becomes due again.
  boost::asio::awaitable<boost::system::result<std::vector<std::string>>> claim_due(
      core::Time now, int limit, std::chrono::milliseconds lease);

  const StoreConfig& config() const { return config_; }

 private:
  RedisClient& redis_;
  StoreConfig config_;
};

}  // namespace mc::store
