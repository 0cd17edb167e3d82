#pragma once

// The outbox's side of Redis, as the dispatcher needs it: read the outbox streams through a
// consumer group, take over a crashed instance's entries, and finish each entry (ack, retry,
// dead letter).

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/message.hpp"
#include "bot/core/time.hpp"
#include "bot/store/config.hpp"
#include "bot/store/redis_client.hpp"

namespace mc::store {

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

class OutboxStore {
 public:
  /// One connection for everything: read_outbox never blocks inside Redis (a BLOCK would hold
  /// every other command of the bot behind it); it polls every poll_interval instead.
  OutboxStore(RedisClient& redis, StoreConfig config = {});
  /// `reader` is a second connection used only for read_outbox's XREADGROUP ... BLOCK, so a
  /// waiting dispatcher gets new entries at once and never delays commits on `redis`.
  OutboxStore(RedisClient& redis, RedisClient& reader, StoreConfig config = {});

  /// The main connection (and the reader, when there is one) is established.
  bool connected() const;

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

  const StoreConfig& config() const { return config_; }

 private:
  RedisClient& redis_;
  RedisClient* reader_ = nullptr;  ///< blocking reads; null = poll on redis_
  StoreConfig config_;
};

}  // namespace mc::store
