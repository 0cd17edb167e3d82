#pragma once

// The Redis key layout every store shares.
//
// Prefix "mc", partition tag {pNN} where NN = fnv1a(learner id) % kPartitions):
//   mc:{pNN}:learner:<learner-id>    hash  state (JSON), v (version)
//   mc:{pNN}:seen:<event-id>         string, expires: an event already handled
//   mc:{pNN}:outbox:<platform>       stream of outgoing messages for one platform ("telegram",
//                                    "slack", "console": the message route's first word),
//                                    consumer group "senders"; fields msg (JSON), attempt,
//                                    parts, nb (not before, ms)
//   mc:{pNN}:due                     zset learner-id -> due time (ms): scheduled pushes
//   mc:{pNN}:dead                    stream of dead-lettered messages of the partition;
//                                    fields msg (verbatim), reason, attempt, failed_at (ms)
//   mc:{pNN}:deferred                zset entry id -> due time (ms): accepted requests whose
//                                    handling failed, kept until some instance has handled them
//   mc:{pNN}:deferred:data           hash entry id -> the deferred entry (JSON)
// An instance reads only the outboxes of the platforms it can send to (StoreConfig::platforms),
// so instances configured differently, or a console session, can share one Redis.
// A learner, their events, their outbox and their schedule share one partition, so a commit is
// one Lua script on one Redis Cluster slot. Dead letters are per partition too, so moving an
// entry to them stays inside one slot. Changing kPartitions needs a migration.

#include <string>
#include <string_view>

namespace mc::store {

inline constexpr int kPartitions = 16;

/// "{p07}": the hash tag of the partition `learner` lives in.
std::string partition_tag(std::string_view learner);
int partition_of(std::string_view learner);
/// "{p07}" for partition 7.
std::string partition_tag_at(int partition);

/// Key names of the layout above (the stores, tools and tests build their keys with these).
std::string learner_key(std::string_view prefix, std::string_view learner);
std::string seen_key(std::string_view prefix, std::string_view learner, std::string_view event_id);
std::string outbox_key(std::string_view prefix, int partition, std::string_view platform);
/// "telegram" for the route "telegram:123"; the outbox a message goes to.
std::string platform_of_route(std::string_view route);
std::string due_key(std::string_view prefix, int partition);
std::string dead_key(std::string_view prefix, int partition);
std::string deferred_key(std::string_view prefix, int partition);
std::string deferred_data_key(std::string_view prefix, int partition);

}  // namespace mc::store
