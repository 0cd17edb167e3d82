#pragma once

// The Lua scripts behind the stores' atomic steps (internal to bot/store), and how they are run.
// Each runs on the keys of one partition, so it stays in one Redis Cluster slot. They are sent
// with EVALSHA; after a Redis restart (NOSCRIPT) once with EVAL, which also caches them again.

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "bot/store/reply.hpp"

namespace mc::store::scripts {

/// KEYS: learner hash, seen key, outbox stream, due zset.
/// ARGV: expected version, state JSON, has event id (0/1), seen TTL (s), due mode
/// (keep/remove/set), due (ms), learner id, outbound message JSON...
/// Returns "duplicate", "conflict" or "committed".
extern const std::string_view kCommit;

/// KEYS: outbox stream. ARGV: group, entry id. XACK + XDEL.
extern const std::string_view kAck;

/// KEYS: outbox stream. ARGV: group, consumer, entry ids... Resets the idle time of the entries
/// the consumer still owns (XCLAIM JUSTID) and returns the ids it no longer owns.
extern const std::string_view kTouch;

/// KEYS: outbox stream. ARGV: group, entry id, message JSON, attempt, parts, not before (ms).
/// Returns 1 when re-queued, 0 when the entry was no longer pending.
extern const std::string_view kRetry;

/// KEYS: outbox stream, dead stream. ARGV: group, entry id, message, reason, attempt,
/// failed at (ms), max length (0 = unbounded). Returns 1 when moved, 0 when no longer pending.
extern const std::string_view kDeadLetter;

/// KEYS: due zset. ARGV: now (ms), limit, lease until (ms). Returns the claimed learner ids.
extern const std::string_view kClaimDue;

/// KEYS: learner hash, due zset. ARGV: learner id. Removes the learner from the schedule only
/// when they have no state (an orphaned entry). Returns 1 when removed.
extern const std::string_view kUnscheduleMissing;

/// KEYS: deferred zset, deferred data hash. ARGV: entry id, due (ms), entry JSON. Keeps (or
/// replaces) the entry and its due time together.
extern const std::string_view kDeferredPut;

/// KEYS: deferred zset, deferred data hash. ARGV: now (ms), limit, lease until (ms). Returns
/// id, JSON, id, JSON... of the claimed entries, each leased until ARGV[3]; ids whose data is
/// gone leave the zset.
extern const std::string_view kDeferredClaim;

}  // namespace mc::store::scripts

namespace mc::store {

enum class Script {
  commit,
  ack,
  touch,
  retry,
  dead_letter,
  claim_due,
  unschedule_missing,
  deferred_put,
  deferred_claim,
};

/// Runs `script` on `keys` with `args`: EVALSHA, and EVAL once when Redis forgot the script
/// (restart, SCRIPT FLUSH).
boost::asio::awaitable<boost::system::result<Reply>> eval(RedisClient& redis, Script script,
                                                          std::vector<std::string> keys,
                                                          std::vector<std::string> args);

/// SCRIPT LOAD of every script (optional: eval falls back to EVAL on its own).
boost::asio::awaitable<boost::system::result<void>> load_scripts(RedisClient& redis);

}  // namespace mc::store
