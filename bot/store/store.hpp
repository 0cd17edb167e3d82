#pragma once

// Everything the bot keeps in Redis, behind one interface. Nobody else sends Redis commands.
//
// Key layout (prefix "mc", partition tag {pNN} where NN = fnv1a(learner id) % kPartitions):
//   mc:{pNN}:learner:<learner-id>    hash  state (JSON), v (version)
//   mc:{pNN}:seen:<event-id>         string, expires: an event already handled
//   mc:{pNN}:outbox:<platform>       stream of outgoing messages for one platform ("telegram",
//                                    "slack", "console": the message route's first word),
//                                    consumer group "senders"; fields msg (JSON), attempt,
//                                    parts, nb (not before, ms)
//   mc:{pNN}:due                     zset learner-id -> due time (ms): scheduled pushes
//   mc:{pNN}:dead                    stream of dead-lettered messages of the partition;
//                                    fields msg (verbatim), reason, attempt, failed_at (ms)
// An instance reads only the outboxes of the platforms it can send to (StoreConfig::platforms),
// so instances configured differently, or a console session, can share one Redis.
// A learner, their events, their outbox and their schedule share one partition, so a commit is
// one Lua script on one Redis Cluster slot. Dead letters are per partition too, so moving an
// entry to them stays inside one slot. Changing kPartitions needs a migration.
//
// Atomic steps are Lua scripts (see scripts.cpp), sent with EVALSHA; after a Redis restart
// (NOSCRIPT) they are sent once with EVAL, which also caches them again.

#include <atomic>
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
/// "{p07}" for partition 7.
std::string partition_tag_at(int partition);

/// Key names of the layout above (for tools and tests; the Store builds its keys with these).
std::string learner_key(std::string_view prefix, std::string_view learner);
std::string seen_key(std::string_view prefix, std::string_view learner, std::string_view event_id);
std::string outbox_key(std::string_view prefix, int partition, std::string_view platform);
/// "telegram" for the route "telegram:123"; the outbox a message goes to.
std::string platform_of_route(std::string_view route);
std::string due_key(std::string_view prefix, int partition);
std::string dead_key(std::string_view prefix, int partition);

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
  std::string platform;  ///< whose outbox stream it is in
  std::string id;        ///< stream entry id
  core::Outbound message;
  int attempt = 0;          ///< sends tried before this one
  int parts_done = 0;       ///< parts of a split message already accepted
  core::Time not_before{};  ///< don't send before this (retry backoff)
  std::string raw;          ///< the message JSON as stored (dead letters keep it verbatim)
};

struct StoreConfig {
  std::string prefix = "mc";
  std::chrono::seconds seen_ttl{7 * 24 * 3600};  ///< how long an event id is remembered
  std::string group = "senders";                 ///< outbox consumer group
  /// The platforms whose outboxes this instance reads (it has a sender for each).
  std::vector<std::string> platforms{"telegram", "slack", "console"};
  /// Approximate cap of each partition's dead-letter stream (XADD MAXLEN ~); 0 = unbounded.
  std::size_t dead_letter_max_len = 100'000;
  /// Without a separate reader connection, read_outbox polls this often while it waits.
  std::chrono::milliseconds poll_interval{50};
};

class Store {
 public:
  /// One connection for everything: read_outbox never blocks inside Redis (a BLOCK would hold
  /// every other command of the bot behind it); it polls every poll_interval instead.
  Store(RedisClient& redis, StoreConfig config = {});
  /// `reader` is a second connection used only for read_outbox's XREADGROUP ... BLOCK, so a
  /// waiting dispatcher gets new entries at once and never delays commits on `redis`.
  Store(RedisClient& redis, RedisClient& reader, StoreConfig config = {});

  /// PING: true when Redis answers.
  boost::asio::awaitable<bool> ping();
  /// The main connection (and the reader, when there is one) is established.
  bool connected() const;
  /// SCRIPT LOAD of every script (optional: EVALSHA falls back to EVAL on its own).
  boost::asio::awaitable<boost::system::result<void>> load_scripts();

  boost::asio::awaitable<boost::system::result<Loaded>> load(std::string_view learner);
  /// Atomic: duplicate check, version check, state, outbox, event id, schedule (one Lua script).
  boost::asio::awaitable<boost::system::result<CommitStatus>> commit(const Commit& commit);

  // --- outbox (read by the dispatcher through a consumer group) ---
  /// Creates the consumer groups if missing (idempotent).
  boost::asio::awaitable<boost::system::result<void>> ensure_groups();
  /// New entries for `consumer`, at most `count` from each partition (XREADGROUP's COUNT is per
  /// stream), waiting up to `block` (0 = don't wait). Entries whose message can't be parsed are
  /// moved to the dead letters (reason "unparsable"), not returned.
  boost::asio::awaitable<boost::system::result<std::vector<OutboxEntry>>> read_outbox(
      std::string consumer, int count, std::chrono::milliseconds block);
  /// Entries pending longer than `min_idle` in other (crashed) consumers, claimed for `consumer`
  /// (at most `count` in total).
  boost::asio::awaitable<boost::system::result<std::vector<OutboxEntry>>> reclaim_outbox(
      std::string consumer, std::chrono::milliseconds min_idle, int count);
  /// Resets the idle time of entries `consumer` holds (XCLAIM ... JUSTID), so a long wait behind
  /// a rate limit or before a retry is not mistaken for a crash and reclaimed by another
  /// instance. `ids` are entries of one stream (a partition's outbox for `platform`). Returns
  /// the ids the consumer no longer owns — another instance took them over, or they are
  /// finished — which it must not send.
  boost::asio::awaitable<boost::system::result<std::vector<std::string>>> touch(
      int partition, std::string platform, std::vector<std::string> ids, std::string consumer);
  /// Done with an entry: XACK + XDEL.
  boost::asio::awaitable<boost::system::result<void>> ack(const OutboxEntry& entry);
  /// Re-queues an entry for a later attempt (new entry with attempt+1, then ack of the old one,
  /// atomically). Does nothing when the entry is no longer pending (someone else finished it).
  boost::asio::awaitable<boost::system::result<void>> retry(const OutboxEntry& entry,
                                                            core::Time not_before, int parts_done);
  /// Moves an entry to its partition's dead-letter stream with its reason, atomically with the
  /// ack. Does nothing when the entry is no longer pending.
  boost::asio::awaitable<boost::system::result<void>> dead_letter(const OutboxEntry& entry,
                                                                  std::string_view reason);
  /// Number of entries in the dead-letter streams (all partitions).
  boost::asio::awaitable<boost::system::result<long long>> dead_letter_count();

  // --- schedule ---
  /// Claims up to `limit` learners due at or before `now` across all partitions: each is moved
  /// atomically to a lease (due = now + lease) so two instances never both claim one; a claim
  /// not re-committed within the lease becomes due again.
  boost::asio::awaitable<boost::system::result<std::vector<std::string>>> claim_due(
      core::Time now, int limit, std::chrono::milliseconds lease);
  /// Removes `learner` from the schedule when no state is stored for them (an orphaned entry
  /// that would otherwise be claimed again after every lease).
  boost::asio::awaitable<boost::system::result<void>> unschedule_if_missing(
      std::string_view learner);

  const StoreConfig& config() const { return config_; }

 private:
  RedisClient& redis_;
  RedisClient* reader_ = nullptr;  ///< blocking reads; null = poll on redis_
  StoreConfig config_;
  std::atomic<unsigned> next_partition_{0};  ///< claim_due's starting partition, rotated
};

}  // namespace mc::store
